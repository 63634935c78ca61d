"""CSRF on every state-changing URL, and user-written HTML shown as text everywhere."""

import pytest
from django.test import Client
from django.urls import reverse

from proposals import services
from proposals.models import Status
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_every_state_changing_url_refuses_a_post_without_csrf_token(
    csrf_client, question, moderator
):
    author = UserFactory()
    proposal = ProposalFactory(question=question, author=author)
    pending = ProposalFactory(question=question, status=Status.PENDING)
    number = question.trajectory.number
    participant_posts = [
        (reverse("vote", args=[proposal.pk]), {"choice": "agree"}),
        (
            reverse("proposal_create", kwargs={"number": number}),
            {"question": question.pk, "text": "Une idée sans jeton CSRF"},
        ),
        (reverse("proposal_withdraw", args=[proposal.pk]), {}),
        (reverse("account_delete"), {"password": "mot-de-passe-solide-42"}),
        (reverse("confirmation_resend"), {}),
        (
            reverse("profile"),
            {"organisation": "X", "organisation_type": "association", "region": "53"},
        ),
        (reverse("logout"), {}),
    ]
    csrf_client.force_login(author)
    for url, data in participant_posts:
        assert csrf_client.post(url, data).status_code == 403, url
    csrf_client.logout()
    anonymous_posts = [
        (reverse("signup"), {"email": "x@exemple.fr"}),
        (reverse("login"), {"username": author.email, "password": "x"}),
        (reverse("password_reset"), {"email": author.email}),
    ]
    for url, data in anonymous_posts:
        assert csrf_client.post(url, data).status_code == 403, url
    csrf_client.force_login(moderator)
    for url, data in [
        (reverse("admin:proposals_proposal_publish", args=[pending.pk]), {}),
        (
            reverse("admin:proposals_proposal_reject", args=[pending.pk]),
            {"reason": "x"},
        ),
        (
            reverse("admin:proposals_proposal_changelist"),
            {"action": "publish_selected", "_selected_action": [pending.pk]},
        ),
    ]:
        assert csrf_client.post(url, data).status_code == 403, url
    pending.refresh_from_db()
    proposal.refresh_from_db()
    assert pending.status == Status.PENDING
    assert (proposal.status, proposal.vote_count) == (Status.PUBLISHED, 0)


def test_a_post_with_the_csrf_token_goes_through(csrf_client, published_proposal):
    csrf_client.force_login(UserFactory())
    page = csrf_client.get(published_proposal.get_absolute_url())
    token = page.context["csrf_token"]
    response = csrf_client.post(
        reverse("vote", args=[published_proposal.pk]),
        {"choice": "agree", "csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 302
    published_proposal.refresh_from_db()
    assert published_proposal.agree_count == 1


HOSTILE = '<img src=x onerror="alert(1)">'


def test_html_in_proposals_and_organisation_names_is_shown_as_text(
    client, question, moderator
):
    author = UserFactory(organisation=f"Asso {HOSTILE}")
    proposal = ProposalFactory(
        question=question, author=author, text=f"Idée {HOSTILE} forte"
    )
    services.vote_cast(proposal=proposal, voter=UserFactory(), choice="agree")
    pages = [
        question.trajectory.get_absolute_url(),
        proposal.get_absolute_url(),
        reverse("results"),
        reverse("home"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert "<img src=x" not in html, url
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    client.force_login(author)
    assert HOSTILE not in client.get(reverse("my_space")).content.decode()
    client.force_login(moderator)
    for url in (
        reverse("admin:proposals_proposal_changelist") + "?status=all",
        reverse("admin:proposals_proposal_change", args=[proposal.pk]),
        reverse("admin:consultation_organisation_changelist"),
    ):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html, url


def test_the_language_switch_is_the_one_post_without_a_token(csrf_client):
    # Exempt on purpose: a forged request can only change the display language, and
    # without a token in the switcher, anonymous pages stay cacheable.
    response = csrf_client.post(
        reverse("set_language"), {"language": "en", "next": "/"}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
