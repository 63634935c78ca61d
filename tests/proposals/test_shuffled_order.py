"""The random order of a trajectory's proposals (`selectors.shuffled_ids`): one order
per seed, computed once per content version of the trajectory and kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.cache import content_changed
from proposals.selectors import proposal_trajectory_list, shuffled_ids
from tests.factories import GuidingQuestionFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed():
    question = GuidingQuestionFactory()
    proposals = ProposalFactory.create_batch(40, question=question)
    ProposalFactory(question=question, status="pending")
    return question.trajectory, proposals


def test_each_seed_orders_every_published_proposal_its_own_way(listed):
    trajectory, proposals = listed
    orders = [shuffled_ids(trajectory, seed) for seed in range(4)]
    for order in orders:
        assert sorted(order) == sorted(p.pk for p in proposals)
        assert order != sorted(order)
    assert len({tuple(order) for order in orders}) == 4


def test_the_order_is_kept_until_the_trajectory_changes(
    listed, django_capture_on_commit_callbacks
):
    trajectory, proposals = listed
    first = shuffled_ids(trajectory, 3)
    with CaptureQueriesContext(connection) as queries:
        assert shuffled_ids(trajectory, 3) == first
    assert len(queries) == 0  # kept: no query, no hash
    added = ProposalFactory(question=proposals[0].question)
    with django_capture_on_commit_callbacks(execute=True):
        content_changed(
            trajectory.consultation_id,
            trajectories=[trajectory.pk],
            proposals=[added.pk],
        )
    again = shuffled_ids(trajectory, 3)
    assert added.pk in again
    assert [pk for pk in again if pk != added.pk] == first  # the others keep theirs


def test_a_filtered_list_keeps_the_order_of_the_whole(listed):
    trajectory, proposals = listed
    whole = shuffled_ids(trajectory, 5)
    some = {p.pk for p in proposals[::3]}
    for proposal in proposals[::3]:
        proposal.region_id = "53"
        proposal.save(update_fields=["region"])
    filtered = proposal_trajectory_list(trajectory=trajectory, seed=5, region="53")
    assert filtered == [pk for pk in whole if pk in some]


def test_a_page_of_a_filtered_list_reads_its_ids_and_count_in_one_statement(listed):
    """A search (or any sorted list) runs once: the count comes beside the page's ids
    (a window count), then the page's rows are read."""
    from django.contrib.auth.models import AnonymousUser

    from proposals.selectors import Sort, proposal_page

    trajectory, proposals = listed
    ordered = proposal_trajectory_list(trajectory=trajectory, sort=Sort.BEST)
    with CaptureQueriesContext(connection) as queries:
        page = proposal_page(ordered, number=2, per_page=15, voter=AnonymousUser())
    assert page.paginator.count == len(proposals) and page.number == 2
    assert len(page.object_list) == 15
    assert len(queries) == 2  # ids with their count, then the rows
