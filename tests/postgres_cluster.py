"""
A PostgreSQL primary and a streaming standby of their own, for the replica tests: each
cluster made with the machine's binaries (`initdb`, then `pg_basebackup -R` for the
standby) in a temporary folder, on its own closed port, run as the `postgres` user
(PostgreSQL refuses to run as root).
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.servers import closed_port

SUPERUSER = "postgres"


def _binaries():
    """The folder of PostgreSQL's server binaries (Debian keeps them apart)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server binaries are missing in CI")
        pytest.skip("PostgreSQL's server binaries are not installed")
    return found[-1].parent


def _as_postgres(*command, **kwargs):
    """Run `command` as the postgres user when we are root (as in CI)."""
    if os.geteuid() == 0:
        command = ("runuser", "-u", SUPERUSER, "--", *command)
    return subprocess.run(  # noqa: S603 - PostgreSQL's own binaries, our arguments
        command, check=True, capture_output=True, text=True, **kwargs
    )


class Cluster:
    """One PostgreSQL server: its folder, port and URL."""

    def __init__(self, folder, port):
        self.folder, self.port = folder, port
        self.bin = _binaries()

    def url(self, database="postgres"):
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self):
        _as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-w",
            "-l", str(self.folder / "server.log"),
            "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1",
            "start",
        )  # fmt: skip

    def stop(self, mode="fast"):
        with contextlib.suppress(subprocess.CalledProcessError):
            _as_postgres(
                str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-w",
                "-m", mode, "stop",
            )  # fmt: skip

    def sql(self, statement, database="postgres"):
        """One statement through psql; its output, trimmed."""
        return _as_postgres(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER,
            "-d", database, "-At", "-c", statement,
        ).stdout.strip()  # fmt: skip


def _folder(base, name):
    folder = base / name
    folder.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, SUPERUSER, SUPERUSER)
    return folder


@contextlib.contextmanager
def primary_and_standby():
    """A started primary and a streaming standby of it (hot standby, readable), in a
    temporary folder the postgres user may enter (pytest's are root's alone)."""
    base = Path(tempfile.mkdtemp(prefix="trajectoires-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, SUPERUSER, SUPERUSER)
    primary = Cluster(_folder(base, "primary"), closed_port())
    data = primary.folder / "data"
    _as_postgres(
        str(primary.bin / "initdb"), "-D", str(data), "-U", SUPERUSER,
        "--auth=trust", "--no-sync",
    )  # fmt: skip
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
            "fsync = off\nsynchronous_commit = off\n"
        )
    primary.start()
    standby = Cluster(_folder(base, "standby"), closed_port())
    try:
        _as_postgres(
            str(primary.bin / "pg_basebackup"), "-h", "127.0.0.1",
            "-p", str(primary.port), "-U", SUPERUSER, "-D",
            str(standby.folder / "data"), "-R", "-X", "stream",
        )  # fmt: skip
        standby.start()
        deadline = time.monotonic() + 30
        while standby.sql("SELECT pg_is_in_recovery()") != "t":
            assert time.monotonic() < deadline, "the standby did not start"
            time.sleep(0.2)
        yield primary, standby
    finally:
        standby.stop("immediate")
        primary.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)
