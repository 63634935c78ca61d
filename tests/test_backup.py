"""A backup made with pg_dump restores into a working database, files included
(docs/deploy.md)."""

import shutil
import subprocess

import psycopg2
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from proposals import services
from tests.factories import ProposalFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"]
        or shutil.which("pg_dump") is None,
        reason="backups are PostgreSQL dumps (CI runs this in its PostgreSQL pass)",
    ),
]


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603


def test_pg_dump_then_pg_restore_gives_back_the_same_consultation(tmp_path):
    proposal = ProposalFactory()
    for choice in ("agree", "mixed", "agree"):
        services.vote_cast(proposal=proposal, voter=UserFactory(), choice=choice)
    # Files live in the database too (a report, a synthesis): the dump holds them.
    report = b"%PDF-1.4\n" + bytes(range(256)) * 5000
    name = default_storage.save("ateliers/rapport.pdf", ContentFile(report))
    db = connection.settings_dict
    common = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    common += ["--username", db["USER"]]
    dump = tmp_path / "backup.dump"
    run(
        "pg_dump",
        *common,
        "--format=custom",
        "--no-owner",
        f"--file={dump}",
        db["NAME"],
    )
    restored = f"{db['NAME']}_restored"
    run("dropdb", *common, "--if-exists", restored)
    run("createdb", *common, restored)
    try:
        run("pg_restore", *common, "--no-owner", f"--dbname={restored}", str(dump))
        target = psycopg2.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db.get("PASSWORD") or None,
            dbname=restored,
        )
        with target, target.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM proposals_vote")
            assert cursor.fetchone()[0] == 3
            cursor.execute(
                "SELECT agree_count, mixed_count, disagree_count FROM proposals_proposal "
                "WHERE id = %s",
                [proposal.pk],
            )
            assert cursor.fetchone() == (2, 1, 0)
            cursor.execute("SELECT count(*) FROM consultation_region")
            assert cursor.fetchone()[0] == 18
            cursor.execute(
                "SELECT string_agg(c.data, ''::bytea ORDER BY c.index) "
                "FROM consultation_storedfile f JOIN consultation_storedfilechunk c "
                "ON c.file_id = f.id WHERE f.name = %s",
                [name],
            )
            assert bytes(cursor.fetchone()[0]) == report
        target.close()
    finally:
        run("dropdb", *common, "--if-exists", restored)
