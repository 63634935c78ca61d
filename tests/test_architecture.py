"""
The apps' imports point one way (docs/architecture.md): benchmarks and synthesis →
proposals → trajectories → consultation. The root URLconf names app URL modules as strings.
"""

import ast
import re
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
    # The database's own functions, created by migrations.
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        created = r"CREATE (?:OR REPLACE )?FUNCTION (\w+)"
        names.update(re.findall(created, path.read_text()))
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


# Templates: each app renders its own folder (and `admin/<app>/`); any may use the
# shared ones below, and a template may include the `includes/` of the apps below its
# own (docs/architecture.md, "Templates").
SHARED_TEMPLATES = re.compile(
    r"(base|400|403|404|429|500|503)\.html|(errors|email|includes|admin/includes)/.+"
    r"|admin/[\w.]+\.html"
)
TEMPLATES = ROOT / "templates"
TEMPLATE_NAME = re.compile(r"[\w/.-]+\.(html|txt)")


def _named_templates(source):
    """The template names a module's source spells: whole strings, and the fixed
    start of f-strings (`f"proposals/email/items/{kind}"`)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
            if TEMPLATE_NAME.fullmatch(name) and ("/" in name or name[0].isdigit()):
                names.add(name)
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            start = first.value if isinstance(first, ast.Constant) else ""
            folder, slash, _rest = start.partition("/")
            if folder and slash and (TEMPLATES / folder).is_dir():
                names.add(start)
    return names


def _template_owner_allowed(app, name):
    return (
        name.startswith((f"{app}/", f"admin/{app}/"))
        or SHARED_TEMPLATES.fullmatch(name) is not None
    )


def test_the_template_checker_sees_another_apps_template():
    source = 'x = "trajectories/trajectory_detail.html"\ny = f"proposals/email/{k}"'
    assert _named_templates(source) == {
        "trajectories/trajectory_detail.html",
        "proposals/email/",
    }
    assert not _template_owner_allowed(
        "proposals", "trajectories/trajectory_detail.html"
    )
    assert _template_owner_allowed("proposals", "proposals/email/")
    assert _template_owner_allowed("consultation", "400.html")


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_renders_only_its_own_templates(app):
    wrong = {}
    for path, source in _sources(app):
        names = {
            name
            for name in _named_templates(source)
            if not _template_owner_allowed(app, name)
        }
        if names:
            wrong[str(path)] = sorted(names)
    assert wrong == {}


def _template_uses(text):
    return re.findall(r"\{%\s*(?:include|extends)\s+\"([^\"]+)\"", text)


def test_the_template_uses_checker_reads_includes_and_extends():
    text = '{% extends "base.html" %}{% include "proposals/includes/x.html" with a=b %}'
    assert _template_uses(text) == ["base.html", "proposals/includes/x.html"]


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_apps_templates_use_its_own_the_shared_and_the_includes_below(app):
    below = tuple(f"{lower}/includes/" for lower in ALLOWED[app])
    wrong = {}
    for folder in (TEMPLATES / app, TEMPLATES / "admin" / app):
        for path in sorted(folder.rglob("*")) if folder.exists() else []:
            if not path.is_file():
                continue
            uses = [
                name
                for name in _template_uses(path.read_text())
                if not (_template_owner_allowed(app, name) or name.startswith(below))
            ]
            if uses:
                wrong[str(path.relative_to(ROOT))] = uses
    assert wrong == {}


def test_every_template_folder_belongs_to_an_app_or_is_shared():
    folders = {path.name for path in TEMPLATES.iterdir() if path.is_dir()}
    assert folders <= set(ALLOWED) | {
        "admin",
        "email",
        "errors",
        "includes",
        "otp_totp",
    }


def _dotted_names_of(apps, source):
    """The strings of `source` that name a module (or an attribute) of `apps`."""
    pattern = re.compile(rf"({'|'.join(apps)})(\.\w+)+")
    return [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and pattern.fullmatch(node.value)
    ]


def test_the_string_checker_sees_a_context_processor_of_an_app_above():
    source = 'TEMPLATES = [{"OPTIONS": ["proposals.context_processors.votes"]}]'
    assert _dotted_names_of(["proposals"], source) == [
        "proposals.context_processors.votes"
    ]
    assert _dotted_names_of(["proposals"], 'INSTALLED_APPS = ["proposals"]') == []


def test_the_settings_and_modules_name_no_module_of_an_app_above_as_text():
    """Strings count as imports: a context processor, a middleware or a backend
    named in the settings is a module the project loads. Only the root URLconf names
    the apps' URL modules (and the settings list the apps by name)."""
    wrong = {}
    for app in ALLOWED:
        above = sorted(set(ALLOWED) - ALLOWED[app] - {app})
        for path, source in _sources(app):
            names = _dotted_names_of(above, source) if above else []
            if str(path) == "consultation/urls.py":
                names = [name for name in names if not name.endswith(".urls")]
            if names:
                wrong[str(path)] = names
    assert wrong == {}


def test_templates_leave_kinds_and_statuses_to_the_code():
    """No template compares a kind or a status with a value: the code gives it what
    follows from them (the mail's sentence by kind: one template per kind)."""
    wrong = {
        str(path.relative_to(ROOT)): found
        for path in sorted(TEMPLATES.rglob("*.*"))
        if (
            found := re.findall(
                r"\{%\s*(?:el)?if\s[^%]*\.(?:kind|status)\s*[!=]=[^%]*%\}",
                path.read_text(),
            )
        )
    }
    assert wrong == {}
