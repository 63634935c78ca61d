"""
Scheduled jobs that every server's cron may start at once: one run does the work, the
others find its lock taken and stop at once, saying so.

On PostgreSQL the lock is an advisory lock, held by the run's database session (a
crashed run's lock goes with its connection); on SQLite, which serves one machine, a
file lock in the temporary folder, named after the database (and the process, for a
database in memory, which no other process sees).
"""

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, OutputWrapper
from django.db import connection


def _lock_key(name):
    """A signed 64-bit key for PostgreSQL's advisory locks, from the job's name."""
    digest = hashlib.sha256(f"trajectoires:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_lock(name):
    """Hold the lock of the job `name` for the block; yields whether it was taken
    (False at once when another run holds it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(name)])
            taken = cursor.fetchone()[0]
        try:
            yield taken
        finally:
            if taken:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(name)])
        return
    identity = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():  # a database no other process sees
        identity += f":{os.getpid()}"
    database = hashlib.sha256(identity.encode())
    path = (
        Path(tempfile.gettempdir())
        / f"trajectoires-{database.hexdigest()[:12]}-{name}.lock"
    )
    with path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class SingleRunCommand(BaseCommand):
    """A management command of which one run at a time does the work, whichever
    server started it (`job_lock`, named after the command)."""

    def execute(self, *args, **options):
        name = self.__module__.rsplit(".", 1)[-1]
        with job_lock(name) as taken:
            if not taken:
                if options.get("stdout"):  # as BaseCommand.execute reads it
                    self.stdout = OutputWrapper(options["stdout"])
                self.stdout.write(
                    f"{name}: another run holds the lock; this one does nothing."
                )
                return ""
            return super().execute(*args, **options)
