"""
A kept page whose only moving part is its proposals' counts (`counts_shown`) is
rendered again past its freshness only once one of those counts moved: otherwise it
is kept as it is, for the price of one query.
"""

import pytest
from django.core.cache import cache
from django.test import Client

from proposals import services
from proposals.models import Choice
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_lists(question):
    """A proposal on the page read, another in another trajectory."""
    shown = ProposalFactory(question=question)
    elsewhere = ProposalFactory()
    return shown, elsewhere


def _reader():
    """An anonymous reader who keeps their order of the lists (its cookie)."""
    return Client()


@pytest.mark.parametrize("order", ["", "?sort=recent"])
def test_a_stale_list_whose_counts_did_not_move_is_kept_without_a_render(
    two_lists, settings, django_assert_max_num_queries, order
):
    settings.RESULTS_CACHE_SECONDS = 0  # every kept page is past its freshness
    shown, elsewhere = two_lists
    url = shown.question.trajectory.get_absolute_url() + order
    reader = _reader()
    kept = reader.get(url)
    services.vote_cast(proposal=elsewhere, voter=UserFactory(), choice=Choice.AGREE)
    # Served stale; its refresh (when the test client closes the response) reads the
    # counts of the page's proposals once, finds them unchanged, renders nothing.
    with django_assert_max_num_queries(1):
        stale = reader.get(url)
    assert stale["X-Page-Cache"] == "stale"
    assert reader.get(url).content == kept.content


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("order", ["", "?sort=recent"])
def test_a_stale_list_whose_counts_moved_gets_them_written_in_without_a_render(
    question, settings, django_assert_max_num_queries, language, order
):
    """The moved counts are written into the kept copy (its marked summaries): the
    copy is then what a render would give, for the price of one query."""
    settings.RESULTS_CACHE_SECONDS = 0
    voted, unvoted = (ProposalFactory(question=question) for _ in range(2))
    services.vote_cast(proposal=voted, voter=UserFactory(), choice=Choice.MIXED)
    url = question.trajectory.get_absolute_url() + order
    reader = _reader()
    reader.cookies["django_language"] = language
    before = reader.get(url).content
    services.vote_cast(proposal=voted, voter=UserFactory(), choice=Choice.AGREE)
    services.vote_cast(proposal=unvoted, voter=UserFactory(), choice=Choice.DISAGREE)
    with django_assert_max_num_queries(1):
        assert reader.get(url).content == before  # stale, then written in
    patched = reader.get(url).content
    assert patched != before
    cache.clear()
    assert patched == reader.get(url).content  # as rendered now


def test_a_proposal_page_is_kept_until_its_own_counts_move(
    two_lists, settings, django_assert_max_num_queries
):
    settings.RESULTS_CACHE_SECONDS = 0
    shown, elsewhere = two_lists
    url = shown.get_absolute_url()
    kept = Client().get(url).content
    services.vote_cast(proposal=elsewhere, voter=UserFactory(), choice=Choice.AGREE)
    with django_assert_max_num_queries(1):
        assert Client().get(url)["X-Page-Cache"] == "stale"
    assert Client().get(url).content == kept
    services.vote_cast(proposal=shown, voter=UserFactory(), choice=Choice.AGREE)
    Client().get(url)
    assert "1 vote," in Client().get(url).content.decode()


@pytest.mark.parametrize("order", ["best", "debated"])
def test_an_order_that_follows_the_votes_is_rendered_again_whatever_the_counts(
    two_lists, settings, django_assert_max_num_queries, order
):
    """Others' votes move its order: it does not say its counts are all that moves."""
    settings.RESULTS_CACHE_SECONDS = 0
    shown, elsewhere = two_lists
    url = shown.question.trajectory.get_absolute_url() + f"?sort={order}"
    reader = _reader()
    reader.get(url)
    services.vote_cast(proposal=elsewhere, voter=UserFactory(), choice=Choice.AGREE)
    with pytest.raises(pytest.fail.Exception), django_assert_max_num_queries(1):
        assert reader.get(url)["X-Page-Cache"] == "stale"


def test_counts_are_written_only_into_a_copy_that_marks_every_moved_summary():
    """Otherwise (a summary not marked, a copy kept as text) the page is rendered."""
    from proposals.fragments import summaries_written

    marked = b"<div><!--counts:1-->old<!--/counts:1--></div>"
    written = summaries_written([marked, ("vote", 1), b"<p></p>"], {1: (2, 0, 1)})
    assert written[1:] == [("vote", 1), b"<p></p>"]
    assert b"old" not in written[0] and b"vote-counts" in written[0]
    assert summaries_written([marked], {1: (2, 0, 1), 2: (1, 0, 0)}) is None
    assert summaries_written([marked.decode()], {1: (2, 0, 1)}) is None
