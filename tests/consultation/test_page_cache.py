"""Whole pages for anonymous readers, from the cache (`consultation.page_cache`)."""

import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from proposals import services
from proposals.views.pages import SEARCH_PAGE_SECONDS
from tests.factories import GuidingQuestionFactory, ProposalFactory, UserFactory

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


def test_cookies_the_site_does_not_read_do_not_bypass_the_cache(
    proposal, django_assert_num_queries
):
    """An analytics or consent cookie changes nothing on a page: it is still served
    from the cache; the session and the flash messages are what make a page personal."""
    url = proposal.question.trajectory.get_absolute_url()
    Client().get(url)
    reader = Client()
    reader.cookies["_pk_id.1.1fff"] = "0123456789abcdef.1732800000."
    reader.cookies["consentement"] = "mesure-audience"
    reader.get(url)  # its order of proposals, chosen once
    with django_assert_num_queries(0):
        response = reader.get(url)
    assert response["X-Page-Cache"] == "hit"


def test_a_filter_form_submission_lands_on_the_canonical_address_which_is_cached(
    proposal,
):
    """The filter form sends every field, empty ones too, in the form's order: the page
    answers with its canonical address (the one it caches) rather than computing an
    address no one else will ask for."""
    trajectory_url = proposal.question.trajectory.get_absolute_url()
    submitted = (
        f"{trajectory_url}?q=&sort=best&question=&region=76"
        "&organisation_type=cooperative&source=&answer="
    )
    reader = Client()
    response = reader.get(submitted)
    assert response.status_code == 302
    canonical = f"{trajectory_url}?organisation_type=cooperative&region=76&sort=best"
    assert response.url == canonical
    assert proposal.text in reader.get(canonical).content.decode()
    assert reader.get(canonical)["X-Page-Cache"] == "hit"
    # A search is answered at its canonical address too (its words with single
    # spaces), and kept a short time once asked again.
    search = reader.get(f"{trajectory_url}?q=%20cache%20&sort=best")
    assert search.status_code == 302
    canonical_search = f"{trajectory_url}?sort=best&q=cache"
    assert search.url == canonical_search
    first, second, third = (reader.get(canonical_search) for _ in range(3))
    assert proposal.text in first.content.decode()
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert third["X-Page-Cache"] == "hit"
    expiries = [
        expiry - time.time()
        for key, expiry in cache._expire_info.items()
        if "q=cache" in key and not key.endswith(":asked")
    ]
    assert expiries and max(expiries) <= SEARCH_PAGE_SECONDS


def test_the_pagination_links_of_a_filtered_list_are_canonical(proposal):
    """Each page's link is the address the page cache keeps: no detour by a redirect."""
    ProposalFactory.create_batch(45, question=proposal.question)
    trajectory_url = proposal.question.trajectory.get_absolute_url()
    reader = Client()
    page = reader.get(f"{trajectory_url}?region=76&sort=best&page=2").content.decode()
    for link in ("?region=76&amp;sort=best#", "?region=76&amp;sort=best&amp;page=3#"):
        assert f'href="{link}' in page, link
    for query in ("?region=76&sort=best", "?region=76&sort=best&page=3"):
        assert reader.get(trajectory_url + query).status_code == 200
        assert reader.get(trajectory_url + query)["X-Page-Cache"] == "hit"


def test_a_decision_leaves_the_pages_it_does_not_change_in_the_cache(
    question, moderator, django_capture_on_commit_callbacks
):
    """A moderation decision on a proposal of trajectory A empties trajectory A's pages
    and that proposal's page; the other trajectories, proposals and themes stay
    cached, and so do the home page and the results, which do not show it (their
    figures follow at their next freshness)."""
    decided = ProposalFactory(question=question, text="Une proposition décidée")
    other_question = GuidingQuestionFactory(
        trajectory__theme__consultation=question.trajectory.consultation
    )
    untouched = ProposalFactory(question=other_question, text="Une autre, intacte")
    neighbour = ProposalFactory(question=question, text="Sa voisine de trajectoire")
    reader = Client()
    kept = [
        other_question.trajectory.get_absolute_url(),
        untouched.get_absolute_url(),
        neighbour.get_absolute_url(),
        other_question.trajectory.theme.get_absolute_url(),
        reverse("results"),
        "/",
    ]
    emptied = [question.trajectory.get_absolute_url()]
    for url in kept + emptied:
        reader.get(url)
        assert reader.get(url)["X-Page-Cache"] == "hit", url
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(
            proposal=decided, moderator=moderator, reason="Doublon"
        )
    for url in kept:
        assert reader.get(url)["X-Page-Cache"] == "hit", url
    for url in emptied:
        assert "X-Page-Cache" not in reader.get(url), url
    assert (
        decided.text
        not in reader.get(question.trajectory.get_absolute_url()).content.decode()
    )
    assert reader.get(decided.get_absolute_url()).status_code == 404


def test_a_proposal_moved_to_another_trajectory_leaves_both_lists_at_once(
    question, moderator, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(question=question, text="Une proposition déplacée")
    elsewhere = GuidingQuestionFactory(
        trajectory__theme__consultation=question.trajectory.consultation
    )
    reader = Client()
    before, after = (
        question.trajectory.get_absolute_url(),
        elsewhere.trajectory.get_absolute_url(),
    )
    for url in (before, after):
        reader.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_edit(
            proposal=proposal,
            moderator=moderator,
            text=proposal.text,
            question=elsewhere,
            region=proposal.region,
        )
    assert proposal.text not in reader.get(before).content.decode()
    assert proposal.text in reader.get(after).content.decode()


def test_a_page_past_its_freshness_is_served_at_once_then_rendered_again(
    proposal, settings
):
    """Votes moved its counts: every reader still gets the page without waiting, and
    the one that found it stale has it rendered again after its response."""
    settings.RESULTS_CACHE_SECONDS = 0  # every kept page is past its freshness
    url = proposal.get_absolute_url()
    kept = Client().get(url)
    services.vote_cast(proposal=proposal, voter=UserFactory(), choice="agree")
    # Served as it was kept; the test client closes the response as a server does
    # once it is sent, which renders the page again.
    stale = Client().get(url)
    assert stale["X-Page-Cache"] == "stale"
    assert stale.content == kept.content
    assert "1 vote," not in stale.content.decode()
    # Its response closed, the page was rendered again: the next reader sees the vote.
    fresh = Client().get(url)
    assert fresh["X-Page-Cache"] in ("hit", "stale")
    assert "1 vote," in fresh.content.decode()


def test_a_stale_page_is_rendered_again_by_one_request_at_a_time(proposal, settings):
    from django.core.cache import cache

    settings.RESULTS_CACHE_SECONDS = 0
    url = proposal.get_absolute_url()
    Client().get(url)
    # Another request is rendering it (it holds the lock): readers get the stale copy
    # and none of them renders it too.
    refreshing = f"page:fr:testserver:{url}:refreshing"
    cache.add(refreshing, 1)
    responses = [Client().get(url) for _ in range(3)]
    assert [r["X-Page-Cache"] for r in responses] == ["hit"] * 3
    cache.delete(refreshing)
    assert Client().get(url)["X-Page-Cache"] == "stale"
