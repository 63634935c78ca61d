"""
The synthesis of a consultation: built by `build_synthesis` into stored files (page
body, PDF, workbook) from the results' selectors, and served as they were built.
"""

import io
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate

from consultation.models import OrganisationType, Phase, Region, StoredFile
from proposals.models import Answer, AnswerState, Source, Workshop
from synthesis.models import Synthesis
from synthesis.services import synthesis_build
from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    UserFactory,
    cast_votes,
)

pytestmark = pytest.mark.django_db
FILES = ["synthese.en.html", "synthese.fr.html", "synthese.pdf", "synthese.xlsx"]


def stored_names(folder):
    """The names of the files stored under `folder`, in order."""
    return sorted(
        name.rsplit("/", 1)[-1]
        for name in StoredFile.objects.filter(
            name__startswith=f"{folder}/"
        ).values_list("name", flat=True)
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def voters(count, *, region="76", kind=OrganisationType.COOPERATIVE):
    return [
        UserFactory(region=Region.objects.get(code=region), organisation_type=kind)
        for _ in range(count)
    ]


@pytest.fixture
def story(consultation):
    """Two trajectories; a ranked order that the votes decide; voters from two
    regions and two organisation types; a workshop; an answer; a pending proposal."""
    first = GuidingQuestionFactory(
        trajectory__theme__consultation=consultation,
        trajectory__number=1,
        trajectory__title="Coopérer sur les territoires",
        text="Comment coopérer davantage ?",
    )
    second = GuidingQuestionFactory(
        trajectory__theme=first.trajectory.theme,
        trajectory__number=2,
        trajectory__title="Financer l'innovation sociale",
        text="Comment financer mieux ?",
    )
    workshop = Workshop.objects.create(
        consultation=consultation,
        region=Region.objects.get(code="53"),
        date=date(2024, 3, 12),
        place="Rennes",
        organiser="CRESS Bretagne",
        participant_count=34,
    )
    loved = ProposalFactory(question=first, text="Créer des pôles territoriaux")
    split = ProposalFactory(question=first, text="Mutualiser les achats publics")
    formula = ProposalFactory(question=second, text="=Fonds régional dédié")
    fresh = ProposalFactory(
        question=second, text="Une proposition encore peu votée", source=Source.WORKSHOP
    )
    fresh.workshops.add(workshop)
    ProposalFactory(question=first, text="En attente de modération", status="pending")
    occitans = voters(4, region="76")
    bretons = voters(3, region="53", kind=OrganisationType.ASSOCIATION)
    votes = [(loved, voter, "agree") for voter in occitans + bretons]
    votes += [(split, voter, "agree") for voter in occitans[:3]]
    votes += [(split, voter, "disagree") for voter in bretons]
    votes += [(formula, voter, "mixed") for voter in occitans + bretons[:1]]
    votes += [(fresh, occitans[0], "agree")]
    cast_votes(votes)
    Answer.objects.create(
        proposal=loved, state=AnswerState.ADOPTED, text="Inscrite au plan 2027."
    )
    return {
        "loved": loved,
        "split": split,
        "formula": formula,
        "fresh": fresh,
        "workshop": workshop,
        "trajectories": (first.trajectory, second.trajectory),
    }


def download(client, name, consultation):
    response = client.get(reverse(name, args=[consultation.slug]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_before_any_build_the_page_says_so_and_nothing_downloads(client, consultation):
    response = client.get(reverse("synthesis", args=[consultation.slug]))
    assert response.status_code == 200
    assert "n’a pas encore été établie" in response.content.decode()
    for name in ("synthesis_pdf", "synthesis_xlsx"):
        assert client.get(reverse(name, args=[consultation.slug])).status_code == 404


def test_the_page_shows_every_published_proposal_ranked_with_its_figures(
    client, consultation, story, django_assert_max_num_queries
):
    call_command("build_synthesis", consultation.slug, stdout=io.StringIO())
    with django_assert_max_num_queries(6):
        response = client.get(reverse("synthesis", args=[consultation.slug]))
    page = response.content.decode()
    assert "Établie le" in page
    # Ranked under its question: 7 agree out of 7 before 3 agree out of 6.
    assert page.index("Créer des pôles territoriaux") < page.index(
        "Mutualiser les achats publics"
    )
    assert "7 (100 %)" in page  # the loved one's « D'accord », with its percentage
    assert "3 (50 %)" in page  # the split one's « Pas d'accord »
    assert "En attente de modération" not in page
    assert "Atelier Bretagne, 12 mars 2024, Rennes, 34 participants" in page
    assert "Inscrite au plan 2027." in page
    assert "1 retenue" in page
    # Cross-table: Occitanie's cooperatives approved 4 + 3 + 4 × ½ + 1 of 4 + 3 + 4 + 1
    # votes (10 of 12: 83 %); Brittany's associations 3 + 0 + ½ of 7 (50 %).
    assert "83\u202f% (12)" in page and "50\u202f% (7)" in page
    assert reverse("synthesis_pdf", args=[consultation.slug]) in page


def test_the_page_escapes_what_people_wrote(client, consultation, question):
    ProposalFactory(question=question, text="<script>alert(1)</script> & co")
    synthesis_build(consultation)
    page = client.get(reverse("synthesis", args=[consultation.slug])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<script>alert(1)" not in page


def test_the_page_and_its_method_exist_in_english(client, consultation, story):
    synthesis_build(consultation)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("synthesis", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Method and figures" in page
    assert "Méthode et chiffres" not in page
    assert "12 March 2024" in page


def test_the_pdf_holds_the_whole_synthesis_a_trajectory_per_page(
    client, consultation, story
):
    synthesis = synthesis_build(consultation)
    response, data = download(client, "synthesis_pdf", consultation)
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="synthese-{consultation.slug}-{synthesis.built_at:%Y-%m-%d}.pdf"'
        in response["Content-Disposition"]
    )
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    whole = "\n".join(pages)
    for text in (
        f"Synthèse : {consultation.title}",
        "Établie le",
        "Méthode et chiffres",
        "Créer des pôles territoriaux",
        "=Fonds régional dédié",
        "Une proposition encore peu votée",
        "Réponse : Retenue — Inscrite au plan 2027.",
        "Atelier Bretagne, 12 mars 2024, Rennes, 34 participants",
        "Soutien par région et par type d’organisation",
        "83\u202f%",
    ):
        assert text in whole, text
    assert "En attente de modération" not in whole
    first, second = story["trajectories"]
    # The cover, the contents and the charts name every trajectory: its own pages
    # are the last that do.
    first_page = next(
        i for i, text in enumerate(pages) if "Créer des pôles territoriaux" in text
    )
    second_page = max(i for i, text in enumerate(pages) if second.title in text)
    assert first.title in pages[first_page]
    assert second_page > first_page
    assert "Créer des pôles territoriaux" in pages[first_page]
    assert "Créer des pôles territoriaux" not in pages[second_page]


def test_a_text_beyond_the_built_in_font_still_prints(client, consultation, question):
    ProposalFactory(question=question, text="Jumelage avec la coopérative de Doğu")
    synthesis_build(consultation)
    _response, data = download(client, "synthesis_pdf", consultation)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Jumelage avec la coopérative de Doğu" in text


def test_the_workbook_reads_back_with_every_figure(client, consultation, story):
    synthesis_build(consultation)
    response, data = download(client, "synthesis_xlsx", consultation)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        "Chiffres",
        "Propositions",
        "Adhésion région × type (%)",
        "Votes région × type",
        "Soutien par groupe",
        "Ateliers",
    ]
    sheet = workbook["Propositions"]
    header = [cell.value for cell in sheet[1]]
    rows = {
        row[header.index("Proposition")]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(rows) == {
        "Créer des pôles territoriaux",
        "Mutualiser les achats publics",
        "=Fonds régional dédié",
        "Une proposition encore peu votée",
    }
    loved = rows["Créer des pôles territoriaux"]
    assert (
        loved["Rang"],
        loved["D’accord"],
        loved["Votes"],
        loved["Adhésion (%)"],
    ) == (
        1,
        7,
        7,
        100,
    )
    assert loved["Réponse officielle"] == "Retenue"
    split = rows["Mutualiser les achats publics"]
    assert (split["Rang"], split["Pas d’accord (%)"]) == (2, 50)
    fresh = rows["Une proposition encore peu votée"]
    assert fresh["Rang"] is None  # one vote: not ranked
    assert fresh["Ateliers"].startswith("Atelier Bretagne, 12 mars 2024")
    # A text that looks like a formula stays a text.
    formula_cell = next(
        cell
        for (cell,) in sheet.iter_rows(
            min_col=header.index("Proposition") + 1,
            max_col=header.index("Proposition") + 1,
        )
        if cell.value == "=Fonds régional dédié"
    )
    assert formula_cell.data_type == "s"

    approval = workbook["Adhésion région × type (%)"]
    cross = {row[0]: row[1:] for row in approval.iter_rows(min_row=2, values_only=True)}
    types = [cell.value for cell in approval[1]][1:]
    occitanie = dict(zip(types, cross["Occitanie"], strict=True))
    assert occitanie["Coopérative"] == 83
    assert occitanie["Association"] is None
    bretagne = dict(zip(types, cross["Bretagne"], strict=True))
    assert bretagne["Association"] == 50
    workshops = list(workbook["Ateliers"].iter_rows(min_row=2, values_only=True))
    assert workshops[0][1:] == ("Bretagne", "Rennes", "CRESS Bretagne", 34, 1)


def test_a_rebuild_replaces_the_files_and_removes_the_previous_ones(
    consultation, story, settings, django_capture_on_commit_callbacks
):
    first = synthesis_build(consultation)
    assert stored_names(first.folder) == FILES
    ProposalFactory(question=story["loved"].question, text="Une nouvelle venue")
    with django_capture_on_commit_callbacks(execute=True):
        second = synthesis_build(consultation)
    assert Synthesis.objects.count() == 1
    assert second.folder != first.folder and stored_names(first.folder) == []
    assert stored_names(second.folder) == FILES
    assert second.proposal_count == first.proposal_count + 1
    with default_storage.open(second.file_name("synthese.fr.html")) as page:
        assert "Une nouvelle venue" in page.read().decode()


def test_readers_see_a_new_build_at_once_even_through_the_page_cache(
    client, consultation, story, django_capture_on_commit_callbacks
):
    address = reverse("synthesis", args=[consultation.slug])
    with django_capture_on_commit_callbacks(execute=True):
        synthesis_build(consultation)
    client.get(address)
    assert client.get(address)["X-Page-Cache"] == "hit"
    ProposalFactory(question=story["loved"].question, text="Une nouvelle venue")
    with django_capture_on_commit_callbacks(execute=True):
        synthesis_build(consultation)
    assert "Une nouvelle venue" in client.get(address).content.decode()


def test_a_failed_build_leaves_the_previous_synthesis_whole(
    consultation, story, settings, monkeypatch
):
    before = synthesis_build(consultation)
    stored = list(StoredFile.objects.order_by("name").values_list("name", "sha256"))

    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SimpleDocTemplate, "build", disk_full)
    with pytest.raises(OSError):
        synthesis_build(consultation)
    after = Synthesis.objects.get()
    assert (after.folder, after.built_at) == (before.folder, before.built_at)
    # Its files as they were, and nothing half-written beside them.
    assert (
        list(StoredFile.objects.order_by("name").values_list("name", "sha256"))
        == stored
    )


def test_the_command_names_consultations_or_takes_all_public_ones(consultation):
    in_preparation = ConsultationFactory(phase=Phase.PREPARATION)
    with pytest.raises(CommandError, match="slug"):
        call_command("build_synthesis", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No consultation called nowhere"):
        call_command("build_synthesis", "nowhere", stdout=io.StringIO())
    out = io.StringIO()
    call_command("build_synthesis", "--all", stdout=out)
    assert f"{consultation.slug}: 0 proposals" in out.getvalue()
    assert set(Synthesis.objects.values_list("consultation", flat=True)) == {
        consultation.pk
    }
    assert in_preparation.slug not in out.getvalue()


def test_a_consultation_in_preparation_has_no_public_synthesis(client):
    hidden = ConsultationFactory(phase=Phase.PREPARATION)
    synthesis_build(hidden)
    assert client.get(reverse("synthesis", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("synthesis_pdf", args=[hidden.slug])).status_code == 404


def test_the_results_and_home_pages_link_to_the_synthesis(client, consultation):
    target = reverse("synthesis", args=[consultation.slug])
    for name in ("consultation_results", "consultation_home"):
        page = client.get(reverse(name, args=[consultation.slug])).content.decode()
        assert target in page, name
