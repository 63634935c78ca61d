"""Similar proposals: shown while writing one, and to moderators (on SQLite and, in the
PostgreSQL pass of CI, with full-text search)."""

import pytest
from django.urls import reverse

from proposals.models import Proposal, Status
from proposals.similar import SIMILAR_MAX, significant_words, similar_proposals
from tests.factories import GuidingQuestionFactory, ProposalFactory

pytestmark = pytest.mark.django_db

DRAFT = "Créer un fonds régional pour financer les projets des associations."


@pytest.fixture
def existing(question):
    return {
        "close": ProposalFactory(
            question=question,
            text="Un fonds régional qui finance les projets associatifs des associations.",
        ),
        "far": ProposalFactory(
            question=question, text="Former les élus locaux à la commande publique."
        ),
        "pending": ProposalFactory(
            question=question,
            text="Créer un fonds régional pour financer des projets d'associations.",
            status=Status.PENDING,
        ),
        "elsewhere": ProposalFactory(
            question=GuidingQuestionFactory(trajectory=question.trajectory),
            text="Créer un fonds régional pour financer les projets associatifs.",
        ),
    }


def test_the_significant_words_leave_out_case_accents_plurals_and_common_words():
    assert significant_words("Créer DES Fonds pour les Régions") == {
        "creer",
        "fond",
        "region",
    }


def test_only_the_published_proposals_of_the_question_that_say_nearly_the_same(
    question, existing
):
    found = similar_proposals(question, DRAFT)
    assert found == [existing["close"]]
    assert found[0].likeness >= 0.5
    assert similar_proposals(question, "Rien à voir : la mobilité rurale.") == []


def test_at_most_five_the_most_alike_first(question):
    for number in range(8):
        ProposalFactory(
            question=question,
            text=f"Créer un fonds régional pour financer les projets, variante {number}.",
        )
    exact = ProposalFactory(question=question, text=DRAFT + " Vite.")
    found = similar_proposals(question, DRAFT)
    assert len(found) == SIMILAR_MAX
    assert found[0] == exact


def test_the_form_shows_them_before_sending_then_sends_when_asked(
    client, participant, question, existing
):
    client.force_login(participant)
    url = reverse("proposal_create", kwargs={"number": question.trajectory.number})
    first = client.post(url, {"question": question.pk, "text": DRAFT})
    page = first.content.decode()
    assert first.status_code == 200
    assert 'id="propositions-proches"' in page
    assert f'href="{existing["close"].get_absolute_url()}#votes-title"' in page
    assert "Voter pour celle-ci" in page
    assert 'name="similar_seen" value="True"' in page or (
        'name="similar_seen" value="1"' in page
    )
    assert not Proposal.objects.filter(author=participant).exists()
    second = client.post(
        url, {"question": question.pk, "text": DRAFT, "similar_seen": "1"}
    )
    assert second.status_code == 302
    assert Proposal.objects.filter(author=participant, text=DRAFT).exists()


def test_a_proposal_unlike_any_other_is_sent_at_once(
    client, participant, question, existing
):
    client.force_login(participant)
    url = reverse("proposal_create", kwargs={"number": question.trajectory.number})
    response = client.post(
        url, {"question": question.pk, "text": "Ouvrir des tiers-lieux en zone rurale."}
    )
    assert response.status_code == 302
