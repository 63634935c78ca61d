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


def _sources(*apps):
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT), path.read_text()


def test_each_rule_is_written_once():
    """The live statuses are `Status.LIVE`, active staff with a right is
    `permissions._staff_with`, and the consultation an address names is found by
    `trajectories.selectors.consultation_or_404` alone."""
    apps = ("consultation", "trajectories", "proposals", "synthesis")
    where = {
        "Status.PENDING, Status.PUBLISHED": {"proposals/models/choices.py"},
        "consultation_public_list(), slug": {"trajectories/selectors.py"},
        "user.is_staff\n        and user.has_perm": {"proposals/permissions.py"},
        "def consultation_or_404": {"trajectories/selectors.py"},
    }
    found = {rule: set() for rule in where}
    for path, source in _sources(*apps):
        for rule in where:
            if rule in source:
                found[rule].add(str(path))
    assert found == where
