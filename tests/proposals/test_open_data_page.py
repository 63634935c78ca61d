"""
/open-data/: every field of both exports described, with their licence; the CSV saved
as a dated file; a workbook with a French header and region names.
"""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from proposals import opendata
from tests.factories import ConsultationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_the_page_describes_every_csv_column_and_json_key(
    client, published_proposal, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        page = client.get(reverse("open_data")).content.decode()
    for name in opendata.CSV_HEADER:
        assert f"<code>{name}</code>" in page, name
        header, description = opendata.CSV_COLUMN_DESCRIPTIONS[name]
        assert str(description).split("«")[0].strip()[:20] in page.replace(
            "&#x27;", "'"
        )
    document = json.loads(body(client.get(reverse("open_data_json"))))
    [theme] = document["themes"]
    [trajectory] = theme["trajectories"]
    [question] = trajectory["questions"]
    [proposal] = question["proposals"]
    nested = [
        theme, trajectory, trajectory["exposure"], question, proposal,
        proposal["votes"], proposal["arguments"], proposal["carried_by"],
    ]  # fmt: skip
    keys = [*document, *document["consultation"], *(k for d in nested for k in d)]
    for key in keys:
        assert f"<code>{key}</code>" in page, key
    assert "Licence Ouverte 2.0" in page


def test_the_page_links_the_exports_of_every_public_consultation(client, consultation):
    older = ConsultationFactory(opens_at=timezone.now() - timezone.timedelta(days=900))
    page = client.get(reverse("open_data")).content.decode()
    for public in (consultation, older):
        for name in ("json", "csv", "xlsx"):
            url = reverse(f"consultation_open_data_{name}", args=[public.slug])
            assert url in page
    assert reverse("open_data") in client.get("/").content.decode()  # footer link


def test_the_csv_downloads_as_a_dated_file(client, published_proposal):
    consultation = published_proposal.question.trajectory.consultation
    response = client.get(reverse("open_data_csv"))
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="propositions-{consultation.slug}-{today}.csv"'
    )
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert rows[0] == opendata.CSV_HEADER and len(rows) == 2


def test_the_workbook_has_a_french_header_region_names_and_plain_texts(
    client, question
):
    ProposalFactory(question=question, text="=SOMME(A1:A9) pour tous")
    ProposalFactory(question=question, text="Une proposition ordinaire")
    response = client.get(reverse("open_data_xlsx"))
    assert re.match(
        r'attachment; filename="propositions-[\w-]+-\d{4}-\d{2}-\d{2}\.xlsx"',
        response["Content-Disposition"],
    )
    sheet = load_workbook(io.BytesIO(body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:6] == [
        "Identifiant",
        "Thème",
        "N° de trajectoire",
        "Trajectoire",
        "Question",
        "Proposition",
    ]
    assert len(header) == len(opendata.CSV_HEADER)
    texts = {row[header.index("Proposition")]: row for row in rows[1:]}
    assert set(texts) == {"=SOMME(A1:A9) pour tous", "Une proposition ordinaire"}
    assert texts["Une proposition ordinaire"][header.index("Région")] == "Occitanie"
    cell = next(
        cell for cell in sheet[f"F2:F{sheet.max_row}"] if cell[0].value.startswith("=")
    )[0]
    assert cell.data_type == "s"


def test_the_workbook_follows_the_consultation_in_its_address(client, question):
    other = ConsultationFactory(opens_at=timezone.now() - timezone.timedelta(days=900))
    ProposalFactory(question=question, text="Dans la consultation en cours")
    response = client.get(reverse("consultation_open_data_xlsx", args=[other.slug]))
    rows = list(load_workbook(io.BytesIO(body(response))).active.values)
    assert len(rows) == 1  # the header alone: that consultation has no proposal
