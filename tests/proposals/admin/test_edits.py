"""
A moderator edits proposals in the admin: every form really saved, every bad input a
clear message (never a 500), every edit of a text a recorded moderation event.
"""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from proposals import services
from proposals.models import ModerationAction, ModerationEvent, Source, Status
from tests.factories import ProposalFactory, UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client(moderator):
    client = Client(raise_request_exception=False)
    client.force_login(moderator)
    return client


def change_url(proposal):
    return reverse("admin:proposals_proposal_change", args=[proposal.pk])


def edit(client, proposal, **fields):
    """Post the proposal's change form as the admin shows it, with `fields` changed."""
    data = {
        "question": proposal.question_id,
        "text": proposal.text,
        "region": proposal.region_id or "",
        "moderation_events-TOTAL_FORMS": "0",
        "moderation_events-INITIAL_FORMS": "0",
        "moderation_events-MIN_NUM_FORMS": "0",
        "moderation_events-MAX_NUM_FORMS": "0",
        **fields,
    }
    return client.post(change_url(proposal), data)


def online(question, text, status=Status.PUBLISHED):
    return ProposalFactory(
        question=question,
        text=text,
        source=Source.ONLINE,
        status=status,
        author=UserFactory(),
        moderation_reason="Hors sujet" if status == Status.REJECTED else "",
    )


def test_a_moderator_edits_a_text_and_the_edit_is_recorded(
    moderator_client, question, moderator
):
    proposal = online(question, "Un texte avec une fote de frappe.")
    response = edit(moderator_client, proposal, text="Un texte sans faute de frappe.")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.text == "Un texte sans faute de frappe."
    event = ModerationEvent.objects.get(proposal=proposal)
    assert (event.action, event.actor) == (ModerationAction.EDITED, moderator)
    assert event.previous_text == "Un texte avec une fote de frappe."


def test_an_edit_to_another_proposals_text_is_refused_with_a_message(
    moderator_client, question
):
    first = online(question, "Créer un fonds régional d'amorçage.")
    second = online(question, "Une autre idée, bien différente.")
    response = edit(
        moderator_client, second, text="Créer un fonds régional d’amorçage !"
    )
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert f"n° {first.pk}" in response.content.decode()
    second.refresh_from_db()
    assert second.text == "Une autre idée, bien différente."


@pytest.mark.parametrize("text", ["Trop court", "x" * 1001, "   "])
def test_an_edit_is_bounded_by_the_same_length_rules_as_the_form(
    moderator_client, question, text
):
    proposal = online(question, "Un texte de longueur raisonnable.")
    response = edit(moderator_client, proposal, text=text)
    assert response.status_code == 200
    assert "entre 15 et 1000 caractères" in response.content.decode() or (
        "Ce champ est obligatoire" in response.content.decode()
    )
    assert not ModerationEvent.objects.filter(proposal=proposal).exists()


def test_publishing_a_rejected_proposal_over_a_live_identical_one_is_refused(
    moderator_client, question
):
    rejected = online(question, "Ouvrir un tiers-lieu par canton.", Status.REJECTED)
    pending = online(question, "Ouvrir un tiers-lieu par canton !", Status.PENDING)
    response = moderator_client.post(
        reverse("admin:proposals_proposal_publish", args=[rejected.pk])
    )
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"n° {pending.pk}" in message for message in messages), messages
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED


def test_the_service_refuses_to_publish_over_a_live_identical_proposal(
    question, moderator
):
    rejected = online(question, "Ouvrir un tiers-lieu par canton.", Status.REJECTED)
    online(question, "Ouvrir un tiers-lieu par canton.", Status.PUBLISHED)
    with refused("proposal.duplicate"):
        services.proposal_publish(proposal=rejected, moderator=moderator)


@pytest.mark.parametrize(
    "query",
    ["?region__code__exact=%00", "?q=%00", "?status=%00", "?trajectory=1%00"],
)
def test_a_nul_byte_in_the_admin_lists_gives_a_clear_400(
    moderator_client, published_proposal, query
):
    response = moderator_client.get(
        reverse("admin:proposals_proposal_changelist") + query
    )
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()


def test_a_nul_byte_on_a_public_page_gives_a_clear_400(client, published_proposal):
    url = published_proposal.question.trajectory.get_absolute_url() + "?q=a%00b"
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400
