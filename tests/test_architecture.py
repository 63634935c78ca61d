"""
The apps' imports point one way (docs/architecture.md): benchmarks and synthesis →
proposals → trajectories → consultation. The root URLconf names app URL modules as strings.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {
    "consultation": set(),
    "trajectories": {"consultation"},
    "proposals": {"consultation", "trajectories"},
    "synthesis": {"consultation", "trajectories", "proposals"},
    "benchmarks": {"consultation", "trajectories", "proposals"},
}


def imported_apps(source):
    """The first-party apps that a module's source imports."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names)
    return found & ALLOWED.keys()


def test_the_checker_sees_a_forbidden_import():
    assert imported_apps("from proposals.views import HomeView") == {"proposals"}
    assert imported_apps("import trajectories.models as m\nfrom . import x") == {
        "trajectories"
    }


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_below_it(app):
    forbidden = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        wrong = imported_apps(path.read_text()) - ALLOWED[app] - {app}
        if wrong:
            forbidden[str(path.relative_to(ROOT))] = sorted(wrong)
    assert forbidden == {}
