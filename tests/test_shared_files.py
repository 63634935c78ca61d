"""
Two application servers share nothing but the database (and Redis): on two real
gunicorns, each with a media folder of its own, a report uploaded through one and a
synthesis built by a command elsewhere are served by both; a 6 MB PDF is served
streamed, the worker's memory growing by less than 50 MB.
"""

import os
import re
import time
from pathlib import Path

import pytest

from tests.documents import pdf_document
from tests.servers import Site, manage, production_env, seeded_database, shell

ADMIN_EMAIL = "moderation@exemple.fr"
ADMIN_PASSWORD = "une-phrase-de-passe-de-moderation"  # noqa: S105 - test account


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    directory = tmp_path_factory.mktemp("shared")
    url = seeded_database(directory)

    def env(media):
        return production_env(
            DATABASE_URL=url, DJANGO_MEDIA_ROOT=str(directory / media)
        )

    workshop = shell(
        env("media-command"),
        "from consultation.models import Consultation, User; "
        "from proposals.models import Workshop; "
        f"User.objects.create_superuser({ADMIN_EMAIL!r}, {ADMIN_PASSWORD!r}); "
        "print(Workshop.objects.create(consultation=Consultation.objects.get(), "
        "region_id='53', date='2024-03-12', place='Rennes').pk)",
    )
    first, second = Site(env("media-a")), Site(env("media-b"))
    try:
        yield first, second, env("media-command"), int(workshop), directory
    finally:
        first.stop()
        second.stop()


def test_a_report_uploaded_through_one_server_is_served_by_the_other(two_servers):
    first, second, env, workshop, directory = two_servers
    first.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    consultation = shell(
        env,
        "from consultation.models import Consultation; "
        "print(Consultation.objects.get().pk)",
    )
    status, _headers, _body = first.post_multipart(
        f"/admin/proposals/workshop/{workshop}/change/",
        {
            "consultation": consultation,
            "region": "53",
            "date": "2024-03-12",
            "place": "Rennes",
            "organiser": "",
            "participant_count": "",
        },
        {"report": ("compte-rendu.pdf", pdf_document())},
    )
    assert status == 302
    for server in (first, second):
        status, headers, body = server.request(
            f"/ateliers/{workshop}/compte-rendu/", raw=True
        )
        assert (status, body) == (200, pdf_document())
        assert headers["Content-Type"] == "application/pdf"
    # Nothing was written to either server's disk.
    assert not list(directory.glob("media-*/**/*.pdf"))


def test_a_synthesis_built_elsewhere_is_served_by_both(two_servers):
    first, second, env, _workshop, directory = two_servers
    manage(env, "build_synthesis", "--all")
    slug = shell(
        env, "from consultation.models import Consultation; "
        "print(Consultation.objects.get().slug)",
    )  # fmt: skip
    bodies = []
    for server in (first, second):
        status, headers, body = server.request(
            f"/consultations/{slug}/synthese.pdf", raw=True
        )
        assert status == 200 and body.startswith(b"%PDF-")
        bodies.append((body, headers["ETag"]))
        page = server.request(f"/consultations/{slug}/synthese/")[2]
        assert "Synthèse" in page
    assert bodies[0] == bodies[1]
    assert not list(directory.glob("media-*/**/*.pdf"))


def _peak_kilobytes(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1])


def test_a_six_megabyte_pdf_is_streamed_within_50_mb_of_worker_memory(two_servers):
    first, _second, env, workshop, directory = two_servers
    big = b"%PDF-1.4\n" + os.urandom(6 * 1024 * 1024)
    (directory / "gros.pdf").write_bytes(big)
    shell(
        env,
        "from django.core.files import File; from proposals.models import Workshop; "
        f"w = Workshop.objects.get(pk={workshop}); "
        f"w.report.save('gros.pdf', File(open({str(directory / 'gros.pdf')!r}, 'rb')))",
    )
    path = f"/ateliers/{workshop}/compte-rendu/"
    first.request("/")  # a worker warmed up by an ordinary page
    pid = first.worker_pids()[0]
    before = _peak_kilobytes(pid)
    started = time.monotonic()
    for _round in range(3):
        status, _headers, body = first.request(path, raw=True)
        assert status == 200 and body == big
    grown = (_peak_kilobytes(pid) - before) / 1024
    print(f"6 MB PDF served 3 times: peak memory +{grown:.1f} MB, "
          f"{(time.monotonic() - started) / 3 * 1000:.0f} ms each")  # fmt: skip
    assert grown < 50


def test_without_redis_a_server_adds_its_exposures_to_the_database(tmp_path):
    """The local-memory cache is the server's own: no `flush_exposures` in another
    process could read it, so the server writes its batches itself."""
    env = production_env(
        DATABASE_URL=seeded_database(tmp_path), DJANGO_EXPOSURE_BATCH_SECONDS="0"
    )
    site = Site(env)
    try:
        for _visit in range(3):
            status, _headers, page = site.request("/trajectoires/4/")
            assert status == 200
    finally:
        site.stop()
    shown = page.count('class="proposal-card')
    counts = shell(
        env,
        "from django.db.models import Sum; from proposals.models import Exposure; "
        "print(Exposure.objects.count(), Exposure.objects.aggregate(n=Sum('count'))['n'])",
    ).split()
    assert shown > 0 and counts == [str(shown), str(3 * shown)]
