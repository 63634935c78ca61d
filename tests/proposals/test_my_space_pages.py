"""« Mon espace » paged list by list: an organisation with 2,000 votes, many proposals
and follows reads it in as many queries as one with a few."""

import lxml.html
import pytest
from django.urls import reverse

from proposals.models import Follow
from tests.factories import ProposalFactory, UserFactory, cast_votes
from tests.reading import squeeze

pytestmark = pytest.mark.django_db


def _active(member, question, *, proposals, votes, follows):
    mine = ProposalFactory.create_batch(proposals, question=question, author=member)
    others = ProposalFactory.create_batch(max(votes, follows), question=question)
    cast_votes((proposal, member, "agree") for proposal in others[:votes])
    Follow.objects.bulk_create(
        Follow(user=member, proposal=proposal, following=True)
        for proposal in others[:follows]
    )
    return mine


def _queries(client, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(40) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), lxml.html.fromstring(response.content)


def test_my_space_reads_as_fast_with_many_votes_proposals_and_follows(
    client, question, django_assert_max_num_queries
):
    few, many = UserFactory(), UserFactory()
    _active(few, question, proposals=2, votes=3, follows=2)
    _active(many, question, proposals=45, votes=120, follows=60)
    client.force_login(few)
    small, _page = _queries(client, django_assert_max_num_queries, reverse("my_space"))
    client.force_login(many)
    large, page = _queries(client, django_assert_max_num_queries, reverse("my_space"))
    assert large <= small + 2  # the pages' counts, not a query per row
    text = squeeze(page.text_content())
    assert "120 votes" in text
    # Each list pages with its own parameter and opens at its own section.
    links = set(page.xpath("//nav[@aria-label='Pagination']//a/@href"))
    assert {"?page=2", "?propositions=2#my-proposals", "?suivis=2#notifications"} <= {
        link.split("&")[0] if link.startswith("?page") else link for link in links
    }
    _count, second = _queries(
        client, django_assert_max_num_queries, reverse("my_space") + "?propositions=3"
    )
    cards = second.xpath("//section[@aria-labelledby='my-proposals']//article")
    assert len(cards) == 45 - 2 * 20
