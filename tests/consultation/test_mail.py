"""The text part of the site's mails: written as typed, never HTML-escaped, with links."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from consultation import services as account_services
from proposals import services
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

AWKWARD = "L'Atelier <coopératif> & fils"
TEXT = "Un fonds d'amorçage < 10 000 € pour « L'Atelier »"


@pytest.fixture
def author():
    return UserFactory(organisation=AWKWARD)


def test_the_publication_mail_is_plain_text_and_links_to_the_proposal(
    question, moderator, author, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(
        question=question, author=author, status="pending", text=TEXT
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_publish(proposal=proposal, moderator=moderator)
    (message,) = mail.outbox
    assert TEXT in message.body
    assert "&#x27;" not in message.body and "&lt;" not in message.body
    assert f"{settings.SITE_URL}/propositions/{proposal.pk}/" in message.body
    assert "L’équipe de Trajectoires ESS" in message.body


def test_the_rejection_mail_keeps_the_reason_as_written(
    question, moderator, author, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(
        question=question, author=author, status="pending", text=TEXT
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(
            proposal=proposal,
            moderator=moderator,
            reason="Hors sujet : l'<ESS> d'abord",
        )
    (message,) = mail.outbox
    assert "Hors sujet : l'<ESS> d'abord" in message.body
    assert TEXT in message.body


def test_the_confirmation_mail_names_the_organisation_as_written(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://trajectoires.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_signup(
            email="atelier@exemple.fr",
            password="un-mot-de-passe-tres-solide",
            organisation=AWKWARD,
            organisation_type="association",
            region=None,
        )
    (message,) = mail.outbox
    assert f"« {AWKWARD} »" in message.body
    assert "https://trajectoires.example.org/compte/confirmer/" in message.body


def test_the_password_reset_mail_is_plain_text(
    client, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": participant.email})
    (message,) = mail.outbox
    assert "Quelqu’un (vous, sans doute)" in message.body
    assert "&#x27;" not in message.body
