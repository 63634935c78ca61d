"""
Each region's synthesis (`build_synthesis --regions`): the page, the PDF and the
workbook of a region's part of the consultation compared with the country, on data
where Brittany (53) and Île-de-France (11) vote in mirror; built for every region from
one reading of the consultation; published like the national one.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate

from consultation.models import Region, StoredFile
from synthesis.models import RegionalSynthesis
from synthesis.regional import regional_contents
from synthesis.services import regional_syntheses_build
from tests.reading import NARROW, squeeze
from tests.synthesis.test_synthesis import stored_names
from tests.two_regions import two_regions

pytestmark = pytest.mark.django_db
FILES = ["synthese.en.html", "synthese.fr.html", "synthese.pdf", "synthese.xlsx"]
BZH = "L'économie d'abord & ensemble, en Bretagne."
IDF = "Des tiers-lieux franciliens partout."
SHARED = "Une proposition des deux ateliers."
FEW = "Une proposition bretonne peu votée."


@pytest.fixture
def regions(consultation, answerer):
    return two_regions(consultation, answerer)


def build(consultation, *codes):
    chosen = Region.objects.filter(code__in=codes) if codes else None
    return {
        synthesis.region_id: synthesis
        for synthesis in regional_syntheses_build(consultation, chosen)
    }


def address(name, consultation, code):
    return reverse(name, kwargs={"slug": consultation.slug, "code": code})


def downloaded(client, name, consultation, code):
    response = client.get(address(name, consultation, code))
    assert response.status_code == 200, response.status_code
    return response, b"".join(response.streaming_content)


def pdf_text(data):
    return squeeze(
        "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    )


def test_every_region_is_read_from_one_reading_of_the_consultation(
    consultation, regions
):
    def queries(regions):
        with CaptureQueriesContext(connection) as captured:
            contents = list(regional_contents(consultation, regions))
        return len(captured), contents

    one, (brittany,) = queries(Region.objects.filter(code="53"))
    every, contents = queries(None)
    # The regions' list is the one more read: the eighteen cost what one costs.
    assert every <= one + 1
    assert len(contents) == Region.objects.count() == 18
    assert "53" in [content.region.code for content in contents]
    assert brittany.figures == {
        "proposals": 3,  # its own two and the one both workshops brought
        "votes": 6 * 3 + 3,
        "organisations": 6,  # as its page says: those that voted or proposed
        "workshops": 1,
    }


def test_the_pdf_compares_the_region_with_the_country(client, regions):
    consultation = regions["consultation"]
    synthesis = build(consultation, "53")["53"]
    response, data = downloaded(client, "regional_synthesis_pdf", consultation, "53")
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="synthese-{consultation.slug}-region-53-'
        f'{synthesis.built_at:%Y-%m-%d}.pdf"'
    ) in response["Content-Disposition"]
    text = pdf_text(data)
    percent = f"{NARROW}%"
    for expected in (
        "Synthèse régionale : Bretagne",
        consultation.title,
        "La région et le pays",
        "Plus soutenues dans la région",
        "Rennes",
        "CRESS Bretagne",
        "Coopérative",
        BZH,  # apostrophes and & as written
        SHARED,
        FEW,
        f"100{percent} 50{percent} +50 pts",  # region, country, gap
        "Réponse : Retenue — Retenue : elle entre au plan régional.",
        # The columns' headings whole, not cut inside a word.
        "Votes (pays) Adhésion (pays) Votes (région) Adhésion (région) Écart",
    ):
        assert expected in text, expected
    # Île-de-France's own proposal is compared, not listed as Brittany's.
    less = text.split("Moins soutenues dans la région")[1]
    assert IDF in less
    assert f"0{percent} 50{percent} \u201350 pts" in less  # the font's minus
    assert text.count(IDF) == 1
    assert "en attente" not in text


def test_the_workbook_holds_the_regions_and_the_countrys_figures(client, regions):
    consultation = regions["consultation"]
    build(consultation, "53")
    _response, data = downloaded(client, "regional_synthesis_xlsx", consultation, "53")
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    figures = dict(
        row[:2] for row in workbook["Chiffres"].iter_rows(min_row=2, values_only=True)
    )
    assert figures["Région"] == "Bretagne"
    assert figures["Propositions de la région"] == 3
    assert figures["Votes de la région"] == 21
    sheet = list(workbook["Propositions"].iter_rows(values_only=True))
    header, rows = (
        sheet[0],
        {row[5]: dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]},
    )
    assert set(rows) == {BZH, SHARED, FEW}
    bzh = rows[BZH]
    assert (
        bzh["Votes (pays)"],
        bzh["Adhésion (pays, %)"],
        bzh["Votes (région)"],
        bzh["Adhésion (région, %)"],
        bzh["Écart (points)"],
    ) == (12, 50, 6, 100, 50)
    assert bzh["Réponse officielle"] == "Retenue"
    few = rows[FEW]
    # Too few votes to rank or compare: no rank, no gap.
    assert (few["Rang"], few["Votes (région)"], few["Écart (points)"]) == (
        None,
        3,
        None,
    )
    compared = list(workbook["La région et le pays"].iter_rows(values_only=True))[1:]
    assert [(row[2], row[5]) for row in compared] == [(BZH, 50), (IDF, -50)]
    assert "Texte de la réponse" in header


def test_the_page_in_both_languages_and_linked_from_the_regions_page(
    client, regions, django_capture_on_commit_callbacks
):
    consultation = regions["consultation"]
    page_address = address("regional_synthesis", consultation, "53")
    before = client.get(page_address).content.decode()
    assert "La synthèse de cette région n’a pas encore été établie." in before
    region_page = client.get(address("consultation_region", consultation, "53"))
    assert page_address in region_page.content.decode()
    for name in ("regional_synthesis_pdf", "regional_synthesis_xlsx"):
        assert client.get(address(name, consultation, "53")).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # the cached page goes
        build(consultation, "53", "11")
    page = squeeze(client.get(page_address).content.decode())
    assert "Synthèse régionale : Bretagne" in page
    assert "L&#x27;économie d&#x27;abord &amp; ensemble" in page  # escaped once
    assert "+50" in page and "Télécharger en PDF" in page
    english = client.get(page_address, headers={"accept-language": "en"})
    assert "The region and the country" in english.content.decode()
    other = squeeze(
        client.get(address("regional_synthesis", consultation, "11")).content.decode()
    )
    assert "Synthèse régionale : Île-de-France" in other and IDF in other


def test_unknown_regions_and_private_consultations_have_no_synthesis(client, regions):
    consultation = regions["consultation"]
    build(consultation, "53")
    for name in (
        "regional_synthesis",
        "regional_synthesis_pdf",
        "regional_synthesis_xlsx",
    ):
        assert client.get(address(name, consultation, "99")).status_code == 404
        assert client.get(address(name, consultation, "84")).status_code == (
            200 if name == "regional_synthesis" else 404
        )


def test_a_rebuild_replaces_a_regions_files(consultation, regions):
    first = build(consultation, "53")["53"]
    second = build(consultation, "53")["53"]
    assert second.folder != first.folder
    assert stored_names(first.folder) == []
    assert stored_names(second.folder) == FILES
    assert RegionalSynthesis.objects.count() == 1


def test_a_failed_build_leaves_that_regions_previous_synthesis_whole(
    consultation, regions, monkeypatch
):
    before = build(consultation, "11", "53")
    stored = list(StoredFile.objects.order_by("name").values_list("name", "sha256"))
    built = SimpleDocTemplate.build
    calls = []

    def disk_full_the_second_time(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return built(self, *args, **kwargs)

    monkeypatch.setattr(SimpleDocTemplate, "build", disk_full_the_second_time)
    with pytest.raises(OSError):
        build(consultation, "11", "53")
    after = {row.region_id: row for row in RegionalSynthesis.objects.all()}
    # Brittany (built first, in the order of the names) is new and whole;
    # Île-de-France, whose PDF failed, is as it was, files and all.
    assert after["53"].folder != before["53"].folder
    assert stored_names(after["53"].folder) == FILES
    assert (after["11"].folder, after["11"].built_at) == (
        before["11"].folder,
        before["11"].built_at,
    )
    now = dict(StoredFile.objects.values_list("name", "sha256"))
    kept = [
        (name, digest)
        for name, digest in stored
        if name.startswith(before["11"].folder)
    ]
    assert len(kept) == len(FILES)
    assert all(now[name] == digest for name, digest in kept)
    # Nothing half-written beside them.
    assert set(now) == {name for name, _digest in kept} | {
        f"{after['53'].folder}/{name}" for name in FILES
    }


def test_the_command_builds_every_region_with_the_national_synthesis(
    consultation, regions
):
    out = io.StringIO()
    call_command("build_synthesis", consultation.slug, "--regions", stdout=out)
    said = out.getvalue()
    assert f"{consultation.slug}: 18 regional syntheses built in" in said
    assert f"{consultation.slug} / Bretagne: 3 proposals" in said
    assert RegionalSynthesis.objects.filter(consultation=consultation).count() == 18
    out = io.StringIO()
    call_command("build_synthesis", consultation.slug, stdout=out)
    assert "regional" not in out.getvalue()  # only when asked


def test_a_region_that_has_not_taken_part_gets_a_synthesis_that_says_so(
    client, regions
):
    consultation = regions["consultation"]
    build(consultation, "84")
    _response, data = downloaded(client, "regional_synthesis_pdf", consultation, "84")
    text = pdf_text(data)
    assert "Synthèse régionale : Auvergne-Rhône-Alpes" in text
    assert "Aucune proposition n’a encore assez de votes de la région" in text
    assert "Aucun atelier de la région n’a encore été importé" in text
    assert "Aucune organisation de la région n’a encore voté ni proposé." in text
    # Each trajectory says it holds none, without naming each empty question.
    assert text.count("Aucune proposition de la région dans cette trajectoire.") == 2
    assert "Aucune proposition publiée pour cette question." not in text
    for proposal in (BZH, IDF, SHARED, FEW):
        assert proposal not in text
