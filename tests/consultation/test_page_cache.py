"""Whole pages for anonymous readers, from the cache (`consultation.page_cache`)."""

import pytest
from django.test import Client
from django.urls import reverse

from proposals import services
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(question):
    return ProposalFactory(question=question, text="Une proposition à mettre en cache")


def test_an_anonymous_reader_gets_the_page_from_the_cache_without_a_query(
    client, proposal, django_assert_num_queries
):
    url = proposal.question.trajectory.get_absolute_url()
    first = client.get(url)
    assert "X-Page-Cache" not in first
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Content-Security-Policy" in second and second["X-Frame-Options"] == "DENY"


def test_other_anonymous_readers_share_it_and_lists_keep_each_ones_order(proposal):
    url = proposal.get_absolute_url()
    Client().get(url)
    response = Client().get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "ordre" not in response.cookies  # this page lists nothing in an order
    listing = proposal.question.trajectory.get_absolute_url()
    reader = Client()
    first = reader.get(listing)
    assert "ordre" in first.cookies  # a first visit to a list gets its order
    again = reader.get(listing)
    assert again["X-Page-Cache"] == "hit" and again.content == first.content


def test_logged_in_people_never_get_a_cached_page(client, proposal):
    url = proposal.question.trajectory.get_absolute_url()
    Client().get(url)
    voter = UserFactory()
    client.force_login(voter)
    services.vote_cast(proposal=proposal, voter=voter, choice="agree")
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert 'aria-pressed="true"' in response.content.decode()


def test_pages_with_a_form_token_are_never_cached():
    first, second = Client(), Client()
    first.get(reverse("signup"))
    response = second.get(reverse("signup"))
    assert "X-Page-Cache" not in response
    assert response.context is not None


def test_each_language_has_its_own_copy(proposal):
    url = proposal.get_absolute_url()
    Client().get(url)
    english = Client()
    english.cookies["django_language"] = "en"
    page = english.get(url).content.decode()
    assert "Vote distribution" in page and "Répartition des votes" not in page


def test_a_visitor_with_messages_is_not_served_the_cached_page(client, proposal):
    url = proposal.get_absolute_url()
    Client().get(url)
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in client.get(url)


def test_a_moderation_decision_empties_the_cached_pages_at_once(
    proposal, moderator, django_capture_on_commit_callbacks
):
    trajectory_url = proposal.question.trajectory.get_absolute_url()
    reader = Client()
    assert proposal.text in reader.get(trajectory_url).content.decode()
    assert reader.get(trajectory_url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(
            proposal=proposal, moderator=moderator, reason="Doublon"
        )
    response = reader.get(trajectory_url)
    assert "X-Page-Cache" not in response
    assert proposal.text not in response.content.decode()
    assert reader.get(proposal.get_absolute_url()).status_code == 404


def test_a_theme_renamed_in_the_admin_shows_at_once_on_cached_pages(
    client, moderator, question, django_capture_on_commit_callbacks
):
    trajectory = question.trajectory
    theme = trajectory.theme
    reader = Client()
    assert theme.title in reader.get(reverse("home")).content.decode()
    assert reader.get(reverse("home"))["X-Page-Cache"] == "hit"
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:trajectories_theme_change", args=[theme.pk]),
            {
                "title": "UN TITRE CORRIGÉ",
                "position": theme.position,
                "trajectories-TOTAL_FORMS": "1",
                "trajectories-INITIAL_FORMS": "1",
                "trajectories-MIN_NUM_FORMS": "0",
                "trajectories-MAX_NUM_FORMS": "1000",
                "trajectories-0-id": trajectory.pk,
                "trajectories-0-theme": theme.pk,
                "trajectories-0-number": trajectory.number,
                "trajectories-0-title": trajectory.title,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = reader.get(reverse("home"))
    assert "UN TITRE CORRIGÉ" in page.content.decode()
