"""
Regional workshops as records: an import attaches its proposals to the workshop it
came from; the same text from two regions' workshops is one proposal with both; pages,
results and open data say where a proposal comes from.
"""

import csv
import html
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from proposals.models import Proposal, Source, Workshop
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
SEED = (
    Path(__file__).resolve().parents[2] / "proposals" / "seeds" / "atelier-regional.txt"
)


def import_seed(*options):
    out = StringIO()
    call_command("import_workshop", str(SEED), *options, stdout=out)
    return out.getvalue()


BRITTANY = ["--region", "53", "--workshop-date", "2024-03-12", "--place", "Rennes",
            "--organiser", "CRESS Bretagne", "--participants", "34"]  # fmt: skip
AQUITAINE = ["--region", "75", "--workshop-date", "2024-04-02", "--place", "Bordeaux"]


def test_an_import_attaches_its_proposals_to_its_workshop_idempotently():
    import_seed(*BRITTANY)
    workshop = Workshop.objects.get()
    assert (workshop.region_id, str(workshop.date), workshop.place) == (
        "53",
        "2024-03-12",
        "Rennes",
    )
    assert (workshop.organiser, workshop.participant_count) == ("CRESS Bretagne", 34)
    assert workshop.proposals.count() == 28
    output = import_seed(*BRITTANY)
    assert "0 proposals" in output
    assert Workshop.objects.count() == 1 and workshop.proposals.count() == 28


def test_the_same_text_from_two_regions_is_one_proposal_with_two_workshops():
    import_seed(*BRITTANY)
    import_seed(*AQUITAINE)
    assert Proposal.objects.count() == 28
    proposal = Proposal.objects.first()
    assert sorted(w.region_id for w in proposal.workshops.all()) == ["53", "75"]
    assert proposal.region_id == "53"  # the first workshop's region


def test_the_proposal_page_says_where_a_workshop_proposal_comes_from(client):
    import_seed(*BRITTANY)
    proposal = Proposal.objects.first()
    page = html.unescape(client.get(proposal.get_absolute_url()).content.decode())
    assert "Atelier Bretagne, 12 mars 2024, Rennes, 34 participants" in page


def test_trajectory_lists_filter_by_workshop(client, django_assert_max_num_queries):
    import_seed(*BRITTANY)
    brittany = Workshop.objects.get()
    trajectory = Proposal.objects.first().question.trajectory
    online = ProposalFactory(
        question=Proposal.objects.first().question, text="En ligne"
    )
    url = trajectory.get_absolute_url()
    with django_assert_max_num_queries(12):
        page = client.get(url, {"workshop": brittany.pk}).content.decode()
    assert "Déposée sur le site" not in page
    assert Proposal.objects.filter(workshops=brittany).first().text[:30] in (
        html.unescape(page)
    )
    assert online.text in client.get(url).content.decode()


def test_the_results_compare_workshop_and_online_proposals(client, question):
    import_seed(*BRITTANY)
    ProposalFactory(question=question, source=Source.ONLINE)
    cache.clear()
    sources = client.get(reverse("results")).context["results"]["sources"]
    assert {row["key"]: row["proposals"] for row in sources} == {
        "workshop": 28,
        "online": 1,
    }


def test_the_open_data_carries_the_workshops(client):
    import_seed(*BRITTANY)
    import_seed(*AQUITAINE)
    document = client.get(reverse("open_data_json")).json()
    workshops = {w["id"]: w for w in document["workshops"]}
    assert {w["region"] for w in workshops.values()} == {"53", "75"}
    brittany = next(w for w in workshops.values() if w["region"] == "53")
    assert brittany == {
        "id": brittany["id"],
        "region": "53",
        "date": "2024-03-12",
        "place": "Rennes",
        "organiser": "CRESS Bretagne",
        "participants": 34,
    }
    first = document["themes"][0]["trajectories"][0]["questions"][0]["proposals"][0]
    assert sorted(first["workshops"]) == sorted(workshops)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("open_data_csv")).content.decode())
        )
    )
    assert list(rows[0]).index("workshops") > list(rows[0]).index("status")
    assert sorted(int(i) for i in rows[0]["workshops"].split(";")) == sorted(workshops)


def test_the_admin_import_records_the_workshop(client, moderator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(moderator)
    url = reverse("admin:proposals_proposal_import_workshop")
    fields = {"region": "53", "workshop_date": "2024-03-12", "place": "Rennes"}
    preview = client.post(
        url, {"document": SimpleUploadedFile("a.txt", SEED.read_bytes()), **fields}
    )
    confirm = preview.context["confirm_form"].initial
    response = client.post(
        url,
        {
            "confirm": "1",
            **{
                key: value.pk if hasattr(value, "pk") else value or ""
                for key, value in confirm.items()
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Workshop.objects.get().proposals.count() == 28


def test_moderators_complete_a_workshop_and_its_report_is_public(
    client, moderator, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.documents import pdf_document

    settings.MEDIA_ROOT = tmp_path
    import_seed(*BRITTANY)
    workshop = Workshop.objects.get()
    client.force_login(moderator)
    response = client.post(
        reverse("admin:proposals_workshop_change", args=[workshop.pk]),
        {
            "consultation": workshop.consultation_id,
            "region": "53",
            "date": "2024-03-12",
            "place": "Rennes",
            "organiser": "CRESS Bretagne",
            "participant_count": "35",
            "report": SimpleUploadedFile("compte-rendu.pdf", pdf_document()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    workshop.refresh_from_db()
    assert workshop.participant_count == 35
    report = Client().get(reverse("workshop_report", args=[workshop.pk]))
    assert report.status_code == 200
    assert b"".join(report.streaming_content) == pdf_document()
