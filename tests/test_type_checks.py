"""`make test` and `make lint` run mypy, strict on the modules that hold the rules."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRICT = {
    "proposals.permissions",
    "proposals.services.*",
    "proposals.selectors",
    "proposals.results",
}


def _targets():
    text = (ROOT / "Makefile").read_text()
    return {
        match[1]: (match[2], match[3])
        for match in re.finditer(r"^([\w-]+):([^\n]*)\n((?:\t[^\n]*\n)*)", text, re.M)
    }


def test_make_test_and_make_lint_run_mypy():
    targets = _targets()
    assert "mypy" in targets["types"][1]
    assert "types" in targets["lint"][0].split()
    assert re.search(r"\$\(MAKE\)[^\n]*\btypes\b", targets["test"][1])


def test_the_rules_services_selectors_and_results_are_typed_strictly():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert "mypy_django_plugin.main" in config["plugins"]
    strict = [
        override
        for override in config["overrides"]
        if override.get("disallow_untyped_defs")
    ]
    assert len(strict) == 1
    assert set(strict[0]["module"]) == STRICT
    for flag in (
        "disallow_untyped_calls",
        "disallow_incomplete_defs",
        "disallow_any_generics",
        "check_untyped_defs",
        "strict_equality",
    ):
        assert strict[0][flag] is True, flag
