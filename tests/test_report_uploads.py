"""
Workshop reports on a real gunicorn with production settings: only PDF documents of
at most 20 MB are stored, under a generated name, and every report is served as a
download that no browser renders on the site's origin (`proposals.reports`).
"""

import json
import re

import pytest

from tests.documents import NOT_PDF, pdf_document
from tests.servers import Site, production_env, seeded_database, shell

ADMIN_EMAIL = "moderation@exemple.fr"
ADMIN_PASSWORD = "une-phrase-de-passe-de-moderation"  # noqa: S105 - test account
FIFTY_MEGABYTES = b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The site, logged in as a moderator, and two workshops (as JSON) to complete."""
    directory = tmp_path_factory.mktemp("reports")
    env = production_env(
        DATABASE_URL=seeded_database(directory),
        DJANGO_MEDIA_ROOT=str(directory / "media"),
    )
    workshops = json.loads(
        shell(
            env,
            "import json; from consultation.models import Consultation, User; "
            "from proposals.models import Workshop; "
            f"User.objects.create_superuser({ADMIN_EMAIL!r}, {ADMIN_PASSWORD!r}); "
            "c = Consultation.objects.get(); print(json.dumps([Workshop.objects.create("
            "consultation=c, region_id='53', date=f'2024-03-1{n}', place='Rennes').pk "
            "for n in (2, 3)]))",
        )
    )
    site = Site(env)
    site.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    try:
        yield site, env, directory / "media", workshops
    finally:
        site.stop()


def upload(site, env, workshop, filename, content):
    path = f"/admin/proposals/workshop/{workshop}/change/"
    consultation = shell(
        env, "from consultation.models import Consultation; "
        "print(Consultation.objects.get().pk)",
    )  # fmt: skip
    fields = {
        "consultation": consultation,
        "region": "53",
        "date": "2024-03-12" if workshop % 2 else "2024-03-13",
        "place": "Rennes",
        "organiser": "CRESS Bretagne & Cie",
        "participant_count": "35",
    }
    return site.post_multipart(path, fields, {"report": (filename, content)})


def nothing_stored(env, media):
    """No file in the database's storage, nor on the disk."""
    count = shell(
        env, "from consultation.models import StoredFile; "
        "print(StoredFile.objects.count())",
    )  # fmt: skip
    return count == "0" and not list(media.rglob("*.*"))


def stored_report(env, workshop):
    return shell(
        env,
        "from proposals.models import Workshop; "
        f"print(Workshop.objects.get(pk={workshop}).report.name)",
    )


@pytest.mark.parametrize("filename", sorted(NOT_PDF))
def test_a_report_that_is_not_a_pdf_is_refused_and_nothing_is_stored(served, filename):
    site, env, media, (workshop, _other) = served
    status, _headers, body = upload(site, env, workshop, filename, NOT_PDF[filename])
    assert status == 200
    assert "Le compte rendu doit être un document PDF" in body.decode()
    assert stored_report(env, workshop) == ""
    assert nothing_stored(env, media)


def test_a_report_over_20_megabytes_is_refused_and_nothing_is_stored(served):
    site, env, media, (workshop, _other) = served
    status, _headers, body = upload(site, env, workshop, "gros.pdf", FIFTY_MEGABYTES)
    assert status == 200
    said = " ".join(body.decode().replace("\xa0", " ").split())
    assert "Le compte rendu pèse 50,0 Mo : 20 Mo au plus" in said
    assert stored_report(env, workshop) == ""
    assert nothing_stored(env, media)


def test_a_pdf_report_is_stored_under_a_generated_name_and_served_as_a_download(
    served,
):
    site, env, media, (workshop, _other) = served
    document = pdf_document()
    status, _headers, _body = upload(
        site, env, workshop, "<script>rapport.pdf", document
    )
    assert status == 302
    name = stored_report(env, workshop)
    assert re.fullmatch(r"ateliers/[0-9a-f]{32}\.pdf", name), name
    stored = shell(
        env,
        "from django.core.files.storage import default_storage; "
        f"print(default_storage.open({name!r}).read().hex())",
    )
    assert bytes.fromhex(stored) == document

    status, headers, body = site.request(
        f"/ateliers/{workshop}/compte-rendu/", raw=True
    )
    assert status == 200 and body == document
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        f'attachment; filename="compte-rendu-atelier-{workshop}.pdf"'
    )
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_report_stored_before_the_rule_is_served_as_bytes_to_download(served):
    site, env, _media, (_workshop, older) = served
    page = NOT_PDF["compte-rendu.html"].decode()
    shell(  # as the migration moved it in from the disk
        env,
        "import io; from consultation.storage import file_store; "
        "from proposals.models import Workshop; "
        f"file_store('ateliers/ancien.html', io.BytesIO({page!r}.encode())); "
        f"Workshop.objects.filter(pk={older}).update(report='ateliers/ancien.html')",
    )
    status, headers, _body = site.request(f"/ateliers/{older}/compte-rendu/", raw=True)
    assert status == 200
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
