"""
The open-data exports are prepared files: built once per refresh, served with an ETag
and a Last-Modified (a conditional GET gets a 304 without the file), gzip-compressed
once for the clients that accept it.
"""

import gzip
import json
import pickle

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from consultation.downloads import LOCAL_COPIES, file_bytes, prepared_file
from proposals import services
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exports(question):
    ProposalFactory.create_batch(30, question=question)
    return {
        "json": reverse("open_data_json"),
        "csv": reverse("open_data_csv"),
        "xlsx": reverse("open_data_xlsx"),
    }


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_a_client_that_accepts_gzip_gets_the_compressed_file(exports, kind):
    plain = Client().get(exports[kind])
    assert "Content-Encoding" not in plain
    compressed = Client().get(exports[kind], headers={"Accept-Encoding": "gzip, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3
    for response in (plain, compressed):
        assert "Accept-Encoding" in response["Vary"]
        assert response["ETag"] == plain["ETag"]
    if kind == "json":
        assert json.loads(gzip.decompress(compressed.content))["themes"]


@pytest.mark.parametrize("kind", ["json", "csv", "xlsx"])
def test_a_conditional_get_of_the_same_version_gets_a_304(
    exports, kind, django_assert_max_num_queries
):
    first = Client().get(exports[kind])
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    with django_assert_max_num_queries(2):  # the consultation; no export rebuilt
        again = Client().get(exports[kind], headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    since = Client().get(
        exports[kind], headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304


def test_a_new_version_of_the_file_has_a_new_etag(exports, question):
    first = Client().get(exports["csv"])
    proposal = question.proposals.first()
    services.vote_cast(proposal=proposal, voter=UserFactory(), choice="agree")
    cache.clear()  # past the stated freshness
    changed = Client().get(exports["csv"], headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_the_workbook_is_not_compressed_twice(exports):
    response = Client().get(exports["xlsx"], headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response
    assert response.content[:2] == b"PK"


def test_what_the_cache_keeps_of_a_file_is_small_and_its_bytes_are_apart():
    data = ("Une ligne de données ouvertes\n" * 5000).encode()
    prepared = prepared_file(data)
    assert len(pickle.dumps(prepared)) < 500  # what a conditional GET reads
    assert prepared.size == len(data)
    assert file_bytes(prepared, gzipped=False) == data
    assert gzip.decompress(file_bytes(prepared, gzipped=True)) == data


def test_a_worker_keeps_a_copy_of_the_last_files_it_sent():
    data = b"id,text\n1,Une proposition\n"
    prepared = prepared_file(data)
    cache.clear()  # the shared cache lost them: this worker still has its copy
    assert file_bytes(prepared, gzipped=False) == data
    for n in range(LOCAL_COPIES):  # its copy is pushed out by newer files
        prepared_file(f"autre fichier {n}".encode(), compress=False)
    cache.clear()
    assert file_bytes(prepared, gzipped=False) is None


def test_an_export_whose_bytes_left_every_cache_is_built_again(exports):
    first = Client().get(exports["csv"])
    for n in range(LOCAL_COPIES):
        prepared_file(f"autre fichier {n}".encode(), compress=False)
    cache.delete_many([f"file:{first['ETag'].strip(chr(34))}:raw"])
    again = Client().get(exports["csv"])
    assert again.status_code == 200 and again.content == first.content


@pytest.mark.parametrize("kind", ["json", "arguments"])
def test_an_export_rebuilt_without_change_keeps_its_bytes_and_its_etag(
    exports, question, kind, django_capture_on_commit_callbacks
):
    from consultation.cache import content_changed

    url = exports["json"] if kind == "json" else reverse("open_data_arguments_json")
    consultation_id = question.trajectory.consultation_id
    first = Client().get(url)
    with django_capture_on_commit_callbacks(execute=True):
        content_changed(consultation_id)  # everything is built again
    again = Client().get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert Client().get(url).content == first.content
    proposal = question.proposals.first()
    services.argument_add(
        proposal=proposal,
        author=UserFactory(),
        side="for",
        text="Un argument neuf ici.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        content_changed(consultation_id)
    changed = Client().get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
