"""
Every mail has a text part and an HTML part (the site's template, readable without
images), carries the links its reader needs, and speaks the organisation's language.
"""

import re
from io import StringIO

import lxml.html
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from proposals import services
from tests.consultation.test_accounts import signup_data
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "Un fonds <coopératif> & solidaire pour « L'Atelier »"
MY_SPACE = settings.SITE_URL + reverse("my_space")


def html_of(message):
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    return html


def links(html):
    return set(lxml.html.fromstring(html).xpath("//a/@href"))


def check_branded(html, language="fr"):
    page = lxml.html.fromstring(html)
    assert page.get("lang") == language
    assert page.xpath("//img") == []  # readable with images off
    assert "Trajectoires" in page.text_content()
    assert MY_SPACE in links(html)


@pytest.fixture
def author():
    return UserFactory(email="autrice@exemple.fr")


def moderate(action, proposal, moderator, capture, **kwargs):
    with capture(execute=True):
        action(proposal=proposal, moderator=moderator, **kwargs)
    (message,) = mail.outbox
    return message


def test_the_publication_mail_in_text_and_html_links_the_proposal(
    question, moderator, author, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(
        question=question, author=author, status="pending", text=TEXT
    )
    message = moderate(
        services.proposal_publish,
        proposal,
        moderator,
        django_capture_on_commit_callbacks,
    )
    html = html_of(message)
    check_branded(html)
    url = settings.SITE_URL + proposal.get_absolute_url()
    assert url in links(html)
    assert url in message.body and MY_SPACE in message.body
    assert "Un fonds &lt;coopératif&gt; &amp; solidaire" in html  # escaped in HTML
    assert TEXT in message.body  # as written in text


def test_the_rejection_mail_links_the_proposal_and_my_space(
    question, moderator, author, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(question=question, author=author, status="pending")
    message = moderate(
        services.proposal_reject,
        proposal,
        moderator,
        django_capture_on_commit_callbacks,
        reason="Hors sujet : <voir> la question 2",
    )
    html = html_of(message)
    check_branded(html)
    assert settings.SITE_URL + proposal.get_absolute_url() in links(html)
    assert "Hors sujet : &lt;voir&gt; la question 2" in html
    assert settings.SITE_URL + proposal.get_absolute_url() in message.body


def test_the_answers_mail_links_each_proposal_and_unsubscribes_in_one_click(
    question, answerer
):
    voter = UserFactory(email="votante@exemple.fr")
    proposal = ProposalFactory(question=question, author=None)
    services.vote_cast(proposal=proposal, voter=voter, choice="agree")
    services.proposal_answer(
        proposal=proposal, author=answerer, state="adopted", text="Oui."
    )
    call_command("send_answer_mails", stdout=StringIO())
    (message,) = mail.outbox
    html = html_of(message)
    check_branded(html)
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert {settings.SITE_URL + proposal.get_absolute_url(), unsubscribe} <= links(html)
    assert unsubscribe in message.body


def test_the_account_mails_have_their_html_part_too(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), signup_data())
    (confirmation,) = mail.outbox
    html = html_of(confirmation)
    check_branded(html)
    assert any("/compte/confirmer/" in link for link in links(html))
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "contact@coop-exemple.fr"})
    reset = mail.outbox[1]
    html = html_of(reset)
    check_branded(html)
    (reset_link,) = [link for link in links(html) if "/compte/mot-de-passe/" in link]
    assert reset_link in reset.body


def test_mails_speak_the_language_of_the_organisation(
    client, question, moderator, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), signup_data())
    (confirmation,) = mail.outbox
    assert confirmation.body.startswith("Hello,")
    check_branded(html_of(confirmation), language="en")
    client.logout()
    client.cookies["django_language"] = "fr"  # asked from a French page: still English
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "contact@coop-exemple.fr"})
    assert mail.outbox[1].body.startswith("Hello,")
    mail.outbox.clear()

    english = UserFactory(language="en")
    proposal = ProposalFactory(question=question, author=english, status="pending")
    message = moderate(
        services.proposal_publish,
        proposal,
        moderator,
        django_capture_on_commit_callbacks,
    )
    assert "Your proposal is published" in message.body
    assert re.search(r"Your proposal is published", html_of(message))
    check_branded(html_of(message), language="en")


def test_the_profile_chooses_the_language_of_the_mails(client, participant):
    client.force_login(participant)
    assert 'name="language"' in client.get(reverse("profile")).content.decode()
    client.post(
        reverse("profile"),
        {
            "organisation": participant.organisation,
            "organisation_type": participant.organisation_type,
            "region": participant.region_id,
            "legal_identifier": participant.legal_identifier,
            "language": "en",
        },
    )
    participant.refresh_from_db()
    assert participant.language == "en"
