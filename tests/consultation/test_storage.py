"""
Files kept in the database (`consultation.storage`): written and read a chunk at a
time, served with an ETag and byte ranges, moved in from the disk by a migration.
"""

import hashlib
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory

from consultation.models import StoredFile, StoredFileChunk
from consultation.storage import CHUNK_BYTES, stored_file_response

pytestmark = pytest.mark.django_db
DOCUMENT = b"%PDF-1.4\n" + os.urandom(3 * CHUNK_BYTES + 12_345)


def served(name, **headers):
    request = RequestFactory().get("/", headers=headers)
    response = stored_file_response(
        request, name, filename="rapport.pdf", content_type="application/pdf"
    )
    body = b"".join(response.streaming_content) if response.status_code < 300 else b""
    return response, body


def test_a_stored_file_reads_back_whole_a_chunk_at_a_time():
    name = default_storage.save("ateliers/rapport.pdf", ContentFile(DOCUMENT))
    stored = StoredFile.objects.get(name=name)
    assert (stored.size, stored.sha256) == (
        len(DOCUMENT),
        hashlib.sha256(DOCUMENT).hexdigest(),
    )
    assert StoredFileChunk.objects.filter(file=stored).count() == 4
    assert max(
        len(c) for c in StoredFileChunk.objects.values_list("data", flat=True)
    ) == (CHUNK_BYTES)
    with default_storage.open(name) as file:
        assert file.read(9) == b"%PDF-1.4\n"
        file.seek(CHUNK_BYTES - 3)
        assert file.read(6) == DOCUMENT[CHUNK_BYTES - 3 : CHUNK_BYTES + 3]
        file.seek(0)
        assert file.read() == DOCUMENT
    assert default_storage.exists(name) and default_storage.size(name) == len(DOCUMENT)
    # A second file of the same name gets a name of its own.
    assert default_storage.save("ateliers/rapport.pdf", ContentFile(b"x")) != name
    default_storage.delete(name)
    assert not default_storage.exists(name)
    assert not StoredFileChunk.objects.filter(file_id=stored.pk).exists()


def test_a_stored_file_is_served_with_its_etag_and_byte_ranges():
    name = default_storage.save("ateliers/rapport.pdf", ContentFile(DOCUMENT))
    response, body = served(name)
    etag = f'"{hashlib.sha256(DOCUMENT).hexdigest()}"'
    assert (response.status_code, body) == (200, DOCUMENT)
    assert response["ETag"] == etag and response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(DOCUMENT))
    assert served(name, If_None_Match=etag)[0].status_code == 304

    start = CHUNK_BYTES - 100
    response, body = served(name, Range=f"bytes={start}-{start + 199}")
    assert response.status_code == 206 and body == DOCUMENT[start : start + 200]
    assert response["Content-Range"] == f"bytes {start}-{start + 199}/{len(DOCUMENT)}"
    response, body = served(name, Range="bytes=-10")  # the last ten bytes
    assert (response.status_code, body) == (206, DOCUMENT[-10:])
    response, body = served(name, Range=f"bytes={len(DOCUMENT) - 5}-")
    assert body == DOCUMENT[-5:]
    response, _body = served(name, Range=f"bytes={len(DOCUMENT)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DOCUMENT)}"
    # A range asked of another version of the file gets the whole of this one.
    response, body = served(name, Range="bytes=0-9", If_Range='"autre"')
    assert (response.status_code, body) == (200, DOCUMENT)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_moves_files_from_the_disk_into_the_database(settings, tmp_path):
    """Reports and syntheses written on disk before files moved into the database
    are there after the migration, and served."""
    settings.MEDIA_ROOT = tmp_path
    executor = MigrationExecutor(connection)
    before = [("proposals", "0026_account_mail_kinds"), ("synthesis", "0001_initial")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    consultation = old.get_model("consultation", "Consultation").objects.create(
        slug="ancienne", title="Ancienne", phase="contributions"
    )
    (tmp_path / "ateliers").mkdir()
    (tmp_path / "ateliers" / "ancien.pdf").write_bytes(DOCUMENT)
    old.get_model("proposals", "Workshop").objects.create(
        consultation=consultation,
        date="2024-03-12",
        place="Rennes",
        report="ateliers/ancien.pdf",
    )
    folder = tmp_path / "syntheses" / "ancienne" / "abc"
    folder.mkdir(parents=True)
    (folder / "synthese.pdf").write_bytes(DOCUMENT[:1000])
    old.get_model("synthesis", "Synthesis").objects.create(
        consultation=consultation,
        folder="syntheses/ancienne/abc",
        built_at="2024-04-01T10:00:00Z",
        build_seconds=1,
        proposal_count=0,
        pdf_size=1000,
        xlsx_size=0,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    with default_storage.open("ateliers/ancien.pdf") as report:
        assert report.read() == DOCUMENT
    with default_storage.open("syntheses/ancienne/abc/synthese.pdf") as pdf:
        assert pdf.read() == DOCUMENT[:1000]
