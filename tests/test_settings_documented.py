"""Every environment variable that the code reads is in the README's settings table,
and every variable of that table is read by the code: none documented and not wired."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["consultation", "trajectories", "proposals", "benchmarks"]
READ = re.compile(
    r'(?:os\.environ\.get|os\.environ\[|env_bool|env_list)\(?\s*\[?\s*"([A-Z_]+)"'
)
# dj-database-url reads DATABASE_URL itself (settings call `dj_database_url.config`).
READ_BY_LIBRARIES = {"DATABASE_URL"}


def variables_read():
    found = set(READ_BY_LIBRARIES)
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            found.update(READ.findall(path.read_text()))
    return found


def variables_documented():
    table = ROOT.joinpath("README.md").read_text().split("## Configuration", 1)[1]
    table = table.split("\n## ", 1)[0]
    first_cells = re.findall(r"^\| ([^|]+) \|", table, re.M)
    return {
        name for cell in first_cells for name in re.findall(r"`([A-Z0-9_]+)`", cell)
    }


def test_the_reader_finds_variables_split_over_lines():
    assert READ.findall('os.environ.get(\n    "DJANGO_X", "1")') == ["DJANGO_X"]


def test_every_variable_read_is_documented_in_the_readme():
    assert variables_read() - variables_documented() == set()


def test_every_documented_variable_is_read_by_the_code():
    assert variables_documented() - variables_read() == set()


def test_collectstatic_writes_where_django_static_root_says(tmp_path):
    from tests.servers import manage, production_base

    manage(
        {**production_base(), "DJANGO_STATIC_ROOT": str(tmp_path)},
        "collectstatic",
        "--noinput",
    )
    manifest = tmp_path / "staticfiles.json"
    assert manifest.exists() and "css/" in manifest.read_text()
