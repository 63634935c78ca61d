"""The benchmark tools are installed only when asked for."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage_help(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_BENCH")
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT,
        env={**environment, "DJANGO_SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


@pytest.mark.parametrize(
    ("env", "installed"),
    [({}, False), ({"DJANGO_BENCHMARKS": "1"}, True), ({"DJANGO_DEBUG": "1"}, True)],
)
def test_the_benchmark_commands_exist_only_where_asked_for(env, installed):
    commands = manage_help(**env)
    assert "import_workshop" in commands
    assert ("seed_bench" in commands) is installed
    assert ("bench" in commands) is installed


def test_the_ceiling_view_needs_the_benchmarks_app(client, settings):
    assert settings.BENCHMARKS  # make test installs them
    assert client.get("/bench/ceiling/").status_code == 404  # DJANGO_BENCH_CEILING off
