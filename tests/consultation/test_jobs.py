"""
The scheduled commands may run from every server's cron at once: while one run holds
a command's lock (`consultation.jobs`: a PostgreSQL advisory lock, a file lock on
SQLite), another does nothing and says so; once it is released, the next run works.
"""

import os
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from consultation.jobs import job_lock
from synthesis.models import Synthesis

pytestmark = pytest.mark.django_db
COMMANDS = [
    ("build_synthesis", ["--all"]),
    ("flush_exposures", []),
    ("send_notifications", []),
    ("purge_personal_data", ["--apply"]),
]


class HeldElsewhere:
    """The lock of `name` held by another database session (a thread of its own)."""

    def __init__(self, name):
        self.name = name
        self.taken, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with job_lock(self.name) as taken:
                assert taken
                self.taken.set()
                self.release.wait(30)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.taken.wait(30)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(30)


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_a_command_whose_lock_is_held_elsewhere_does_nothing(command, args):
    with HeldElsewhere(command):
        said = run(command, *args)
    assert said == f"{command}: another run holds the lock; this one does nothing.\n"
    assert "another run" not in run(command, *args)  # released: it runs


def test_a_synthesis_is_not_built_while_another_run_builds_it(published_proposal):
    with HeldElsewhere("build_synthesis"):
        run("build_synthesis", "--all")
        assert not Synthesis.objects.exists()
    run("build_synthesis", "--all")
    assert Synthesis.objects.count() == 1


def test_two_commands_take_two_locks():
    with job_lock("send_notifications") as first, job_lock("flush_exposures") as second:
        assert first and second


def test_a_database_in_memory_is_locked_by_its_own_process_alone():
    """Two processes with databases in memory (say, two test workers) have two
    databases, whatever their names: neither holds the other's lock."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's advisory locks belong to each database already")
    assert connection.is_in_memory_db()
    held, release = os.pipe(), os.pipe()
    child = os.fork()
    if child == 0:  # another process, with a database of its own
        try:
            with job_lock("send_notifications") as taken:
                os.write(held[1], b"1" if taken else b"0")
                os.read(release[0], 1)
        finally:
            os._exit(0)
    try:
        assert os.read(held[0], 1) == b"1"
        with job_lock("send_notifications") as taken:
            assert taken
    finally:
        os.write(release[1], b"x")
        os.waitpid(child, 0)
