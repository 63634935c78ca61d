"""
A proposal's card keeps what it shows of the proposal in the cache (by what may change
on it and the language), so that a logged-in page renders the cards once for all its
readers; each reader's own vote is never shared.
"""

import re

import pytest
from django.test import Client

from proposals import services
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def pressed(html):
    return re.findall(r'value="(\w+)"[^>]*aria-pressed="true"', html)


def rendered(response):
    return [template.name for template in response.templates]


def test_the_cards_are_rendered_once_and_each_reader_keeps_their_own_vote(question):
    proposals = ProposalFactory.create_batch(3, question=question)
    url = question.trajectory.get_absolute_url()
    first_reader, second_reader = UserFactory(), UserFactory()
    services.vote_cast(proposal=proposals[0], voter=first_reader, choice="agree")
    first, second = Client(), Client()
    first.force_login(first_reader)
    second.force_login(second_reader)
    page = first.get(url)
    assert "proposals/includes/proposal_origin.html" in rendered(page)
    assert pressed(page.content.decode()) == ["agree"]
    again = second.get(url)
    assert "proposals/includes/proposal_origin.html" not in rendered(again)
    assert "proposals/includes/vote_counts.html" not in rendered(again)
    assert pressed(again.content.decode()) == []  # not the first reader's vote
    assert "1 d’accord" in again.content.decode()


def test_a_card_shows_a_change_at_once(
    question, moderator, answerer, settings, django_capture_on_commit_callbacks
):
    """A decision shows at once on the page participants share; the counts of
    others' votes once the page's freshness has passed, as for anonymous readers."""
    proposal = ProposalFactory(question=question, text="Le texte d'origine")
    url = question.trajectory.get_absolute_url()
    reader = Client()
    reader.force_login(UserFactory())
    reader.get(url)
    assert reader.get(url)["X-Page-Cache"] == "shared"
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_edit(
            proposal=proposal,
            moderator=moderator,
            text="Le texte corrigé par la modération",
            question=question,
            region=proposal.region,
        )
        services.proposal_answer(
            proposal=proposal, author=answerer, state="adopted", text="Oui."
        )
    settings.RESULTS_CACHE_SECONDS = 0  # the copy stored next is stale at once
    page = reader.get(url).content.decode()
    assert "Le texte corrigé par la modération" in page
    assert "Réponse : Retenue" in " ".join(page.split())
    services.vote_cast(proposal=proposal, voter=UserFactory(), choice="mixed")
    stale = reader.get(url)
    assert stale["X-Page-Cache"] == "shared-stale"  # served, then rendered again
    assert "1 mitigé" in reader.get(url).content.decode()


def test_the_cards_speak_each_language(question):
    ProposalFactory(question=question)
    url = question.trajectory.get_absolute_url()
    french, english = Client(), Client()
    for client in (french, english):
        client.force_login(UserFactory())
    english.cookies["django_language"] = "en"
    assert "Pas encore de vote." in french.get(url).content.decode()
    assert "No vote yet." in english.get(url).content.decode()
