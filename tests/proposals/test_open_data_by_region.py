"""
The exports of one region (`?region=<code>`): the region's proposals (its
organisations', and those its workshops brought), on data where Brittany and
Île-de-France differ; canonical, cached, with an ETag; documented on /open-data/.
"""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from consultation.models import Region
from proposals import services
from proposals.models import Status, Workshop
from tests.factories import ProposalFactory, UserFactory, cast_votes

pytestmark = pytest.mark.django_db

EXPORTS = [
    "open_data_json",
    "open_data_csv",
    "open_data_xlsx",
    "open_data_arguments_json",
    "open_data_arguments_csv",
]


@pytest.fixture
def regions(question):
    """Proposals of Brittany (53), of Île-de-France (11), and one both regions'
    workshops brought; a pending one; an argument on each published one."""
    consultation = question.trajectory.consultation
    workshops = {
        code: Workshop.objects.create(
            consultation=consultation,
            region_id=code,
            date="2024-03-12",
            place=f"Atelier {code}",
        )
        for code in ("53", "11")
    }
    breton = UserFactory(region_id="53", organisation="L'Union & Cie bretonne")
    francilien = UserFactory(region_id="11")

    def proposal(text, author, region, **fields):
        return ProposalFactory(
            question=question, author=author, region_id=region, text=text, **fields
        )

    made = {
        "breton": proposal("Une proposition bretonne.", breton, "53"),
        "francilienne": proposal("Une proposition francilienne.", francilien, "11"),
        "atelier_breton": proposal("Venue de l'atelier de Rennes.", None, "53"),
        "deux_ateliers": proposal("Venue des deux ateliers.", None, "11"),
        "en_attente": proposal(
            "Une proposition bretonne en attente.", breton, "53", status="pending"
        ),
        "retiree": proposal(
            "Une proposition bretonne retirée après des votes.", breton, "53"
        ),
    }
    made["atelier_breton"].workshops.add(workshops["53"])
    made["deux_ateliers"].workshops.add(workshops["53"], workshops["11"])
    cast_votes([(made["retiree"], UserFactory(), "agree")])
    made["retiree"].status = Status.WITHDRAWN
    made["retiree"].save(update_fields=["status"])
    for key in ("breton", "francilienne"):
        services.argument_add(
            proposal=made[key],
            author=UserFactory(region_id="76"),
            side="for",
            text=f"Un argument pour la proposition {key}.",
        )
    return {"proposals": made, "workshops": workshops, "consultation": consultation}


def read(client, name, query=""):
    response = client.get(reverse(name) + query)
    assert response.status_code == 200, (name, query, response.status_code)
    body = (
        b"".join(response.streaming_content)
        if response.streaming
        else (response.content)
    )
    return response, body


def proposal_ids(name, body):
    """The proposal ids an export holds (arguments: the proposals they are on)."""
    if name == "open_data_json":
        document = json.loads(body)
        return {
            p["id"]
            for theme in document["themes"]
            for trajectory in theme["trajectories"]
            for question in trajectory["questions"]
            for p in question["proposals"]
        }
    if name == "open_data_csv":
        return {int(row["id"]) for row in csv.DictReader(io.StringIO(body.decode()))}
    if name == "open_data_xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    if name == "open_data_arguments_json":
        return {a["proposal"] for a in json.loads(body)["arguments"]}
    return {int(row["proposal"]) for row in csv.DictReader(io.StringIO(body.decode()))}


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_of_a_region_holds_the_regions_proposals_only(
    client, regions, name
):
    made = regions["proposals"]
    expected = {
        "53": {"breton", "atelier_breton", "deux_ateliers", "retiree"},
        "11": {"francilienne", "deux_ateliers"},
        None: {"breton", "francilienne", "atelier_breton", "deux_ateliers", "retiree"},
    }
    if name.startswith("open_data_arguments"):  # arguments on two of them only
        expected = {"53": {"breton"}, "11": {"francilienne"}, None: set(expected["11"])}
        expected[None] = {"breton", "francilienne"}
    for code, keys in expected.items():
        _response, body = read(client, name, f"?region={code}" if code else "")
        assert proposal_ids(name, body) == {made[key].pk for key in keys}, code


def test_the_json_of_a_region_names_it_and_lists_its_workshops_only(client, regions):
    _response, body = read(client, "open_data_json", "?region=53")
    document = json.loads(body)
    assert document["region"] == {"code": "53", "name": "Bretagne"}
    assert [w["id"] for w in document["workshops"]] == [regions["workshops"]["53"].pk]
    _response, body = read(client, "open_data_json")
    whole = json.loads(body)
    assert "region" not in whole and len(whole["workshops"]) == 2


@pytest.mark.parametrize("name", EXPORTS)
def test_a_regions_export_is_cached_with_an_etag_of_its_own(
    client, regions, name, django_assert_max_num_queries
):
    national, _ = read(client, name)
    breton, _ = read(client, name, "?region=53")
    assert breton["ETag"] and breton["ETag"] != national["ETag"]
    with django_assert_max_num_queries(3):  # the consultation, the region; no build
        again = client.get(
            reverse(name) + "?region=53", HTTP_IF_NONE_MATCH=breton["ETag"]
        )
    assert again.status_code == 304
    filename = breton["Content-Disposition"]
    assert (
        "region-53" in filename and "region-53" not in national["Content-Disposition"]
    )


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("?region=%2053", "?region=53"),
        ("?region=53&region=11", "?region=53"),
        ("?region=11&utm_source=lettre", "?region=11"),
    ],
)
def test_a_region_written_otherwise_is_sent_to_its_canonical_address(
    client, regions, query, canonical
):
    for name in EXPORTS:
        response = client.get(reverse(name) + query)
        assert response.status_code == 301
        assert response["Location"] == reverse(name) + canonical


def test_an_unknown_region_is_not_found(client, regions):
    for name in EXPORTS:
        for code in ("99", "", "bretagne"):
            assert client.get(reverse(name), {"region": code}).status_code == 404


def test_the_open_data_page_explains_the_regional_files(client, regions):
    import html
    import re

    from tests.reading import squeeze

    markup = client.get(reverse("open_data")).content.decode()
    page = squeeze(html.unescape(re.sub(r"<[^>]+>", "", markup)))
    assert "proposals.csv?region=53" in page
    assert "Par région" in page
    for region in Region.objects.all():
        assert region.name in page
    # The address it gives answers.
    assert client.get(reverse("open_data_csv") + "?region=53").status_code == 200
