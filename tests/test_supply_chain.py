"""Every dependency is locked with its hashes, and the install requires them."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def locked(path):
    """{name: (version, hashes)} of a pip-compile lock file."""
    text = (ROOT / path).read_text()
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", block)
        if match:
            entries[match[1].lower()] = (
                match[2],
                re.findall(r"--hash=sha256:\w+", block),
            )
    return entries


def direct(path):
    text = (ROOT / path).read_text()
    return {
        name.lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.M)
    }


@pytest.mark.parametrize(
    ("lock", "sources"),
    [
        ("requirements.txt", ["requirements.in"]),
        ("requirements-dev.txt", ["requirements.in", "requirements-dev.in"]),
    ],
)
def test_every_dependency_is_locked_with_hashes(lock, sources):
    entries = locked(lock)
    assert entries, lock
    assert all(hashes for _, hashes in entries.values()), lock
    for source in sources:
        for name, version in direct(source).items():
            assert entries[name][0] == version, (name, source)


def test_the_install_requires_the_hashes():
    makefile = (ROOT / "Makefile").read_text()
    install = re.search(r"pip install[^\n]*\n?[^\n]*-r requirements-dev.txt", makefile)
    assert install and "--require-hashes" in install[0]
    assert "pip install --quiet --upgrade" not in makefile  # nothing unhashed


def test_the_installed_packages_come_compiled():
    """`make install` leaves every installed module compiled (compileall after pip's
    --no-compile): a process that imports Django reads bytecode, never source."""
    from importlib.util import cache_from_source

    import django

    package = Path(django.__file__).parent
    modules = list(package.rglob("*.py"))
    assert len(modules) > 500
    missing = [m for m in modules if not Path(cache_from_source(str(m))).exists()]
    assert missing == []
