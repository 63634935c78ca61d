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


def _named_in_docs():
    import re

    text = (ROOT / "docs" / "architecture.md").read_text()
    return sorted(set(re.findall(r"`([^`\n]+)`", text)))


APPS = ("consultation", "trajectories", "proposals", "synthesis", "benchmarks")


def _defined_names():
    import re

    names = set()
    for _path, source in _sources(*APPS):
        names.update(re.findall(r"^\s*(?:def|class)\s+(\w+)", source, re.M))
        names.update(re.findall(r"^(\w+)\s*=", source, re.M))
    return names


def _commands():
    return {path.stem for path in ROOT.glob("*/management/commands/*.py")}


def _url_names():
    from django.urls import get_resolver

    return {name for name in get_resolver().reverse_dict if isinstance(name, str)}


def _importable(dotted):
    """Whether `dotted` is a module, or an attribute of one."""
    import importlib

    module, _, attribute = dotted.rpartition(".")
    for candidate, name in ((dotted, None), (module, attribute)):
        try:
            imported = importlib.import_module(candidate)
        except ImportError:
            continue
        if name is None or hasattr(imported, name):
            return True
    return False


SERVICE_MODULES = {
    "votes", "submissions", "moderation", "answers", "arguments", "cosignatures",
    "merges", "notifications", "exposures", "accounts", "background",
}  # fmt: skip


def _exists(name, defined):
    """Whether what the docs call `name` is in the code; None when it is not a name
    of code (a URL, a setting, a phrase)."""
    import re

    bare = re.sub(r"\(.*\)$", "", name)
    if re.fullmatch(rf"({'|'.join(APPS)}|templates|static|tests)/[\w/.\-]*", bare):
        return (ROOT / bare).exists()
    if re.fullmatch(r"(consultation|trajectories|proposals|synthesis)(\.\w+)+", bare):
        return _importable(bare)
    if (
        re.fullmatch(r"[a-z_]+\.[a-z_]+", bare)
        and bare.split(".")[0] in SERVICE_MODULES
    ):
        module, function = bare.split(".")
        return _importable(f"proposals.services.{module}.{function}") or _importable(
            f"consultation.{module}.{function}"
        )
    if bare.isidentifier() and re.fullmatch(r"_?[a-z]+_[a-z_]+|[A-Z][A-Za-z]+", bare):
        return bare in defined | _commands() | _url_names()
    return None


def test_every_file_module_and_function_the_architecture_names_exists():
    """docs/architecture.md stays true: its paths exist, its dotted names import, and
    the functions, classes, commands and URL names it names are defined."""
    defined = _defined_names()
    wrong = [name for name in _named_in_docs() if _exists(name, defined) is False]
    assert wrong == [], wrong
