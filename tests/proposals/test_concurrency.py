"""
Votes under real concurrency, on PostgreSQL: threads with their own connections hit the
same rows at once; afterwards the counters must equal the vote rows exactly.

SQLite serialises every write, so there is nothing to race there: these tests run in the
PostgreSQL pass of CI (`.ci/run`).
"""

import contextlib
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from proposals import services
from proposals.models import Proposal, Vote
from proposals.selectors import proposal_counter_drift, vote_tally_drift
from tests.factories import ProposalFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency tests need PostgreSQL (CI runs them in its PostgreSQL pass)",
    ),
]

THREADS = 16


def run_at_once(calls):
    """Run the callables in THREADS threads released together; return their outcomes."""
    barrier = threading.Barrier(min(THREADS, len(calls)))

    def run(call):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=10)
        try:
            call()
            return "ok"
        except Exception as error:  # noqa: BLE001 - the outcome is what is asserted
            return repr(error)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, calls))


def counters(proposal):
    proposal.refresh_from_db()
    return proposal.agree_count, proposal.mixed_count, proposal.disagree_count


def test_many_accounts_voting_on_one_proposal_at_once_are_all_counted():
    assert connection.vendor == "postgresql"
    proposal = ProposalFactory()
    voters = UserFactory.create_batch(64)
    choices = ["agree", "mixed", "disagree", "agree"]
    calls = [
        (lambda voter=voter, choice=choices[i % 4]: services.vote_cast(
            proposal=proposal, voter=voter, choice=choice
        ))
        for i, voter in enumerate(voters)
    ]  # fmt: skip
    outcomes = run_at_once(calls)
    assert outcomes == ["ok"] * 64
    assert counters(proposal) == (32, 16, 16)
    assert Vote.objects.filter(proposal=proposal).count() == 64
    assert not proposal_counter_drift().exists()
    assert not vote_tally_drift()


def test_one_account_sending_the_same_vote_many_times_at_once_counts_once():
    proposal = ProposalFactory()
    voter = UserFactory()
    calls = [
        lambda: services.vote_cast(proposal=proposal, voter=voter, choice="agree")
    ] * 48
    outcomes = run_at_once(calls)
    assert outcomes == ["ok"] * 48
    assert counters(proposal) == (1, 0, 0)
    assert Vote.objects.filter(proposal=proposal).count() == 1


def test_one_account_changing_and_removing_its_vote_at_once_never_drifts():
    proposal = ProposalFactory()
    voter = UserFactory()
    sequence = ["agree", "mixed", None, "disagree", "agree", None] * 8
    calls = [
        (lambda choice=choice: services.vote_cast(
            proposal=proposal, voter=voter, choice=choice
        ))
        for choice in sequence
    ]  # fmt: skip
    assert run_at_once(calls) == ["ok"] * len(sequence)
    rows = Vote.objects.filter(proposal=proposal).count()
    assert rows in (0, 1)
    assert sum(counters(proposal)) == rows
    assert Proposal.objects.get(pk=proposal.pk).vote_count == rows
    assert not proposal_counter_drift().exists()
    assert not vote_tally_drift()


def test_concurrent_votes_on_many_proposals_by_many_accounts_leave_no_drift():
    proposals = ProposalFactory.create_batch(4)
    voters = UserFactory.create_batch(12)
    calls = [
        (
            lambda p=p, v=v, c=("agree", "mixed", "disagree")[(i + j) % 3]: (
                services.vote_cast(proposal=p, voter=v, choice=c)
            )
        )
        for i, p in enumerate(proposals)
        for j, v in enumerate(voters)
    ] * 2  # every vote sent twice, as by a double click
    assert run_at_once(calls) == ["ok"] * len(calls)
    assert Vote.objects.count() == 48
    assert not proposal_counter_drift().exists()
    assert not vote_tally_drift()


# The merge starts this long after the votes (before them when negative), one round
# each: from before any vote to after most of them.
MERGE_DELAYS = [-0.05, -0.01, 0, 0, 0.005, 0.01, 0.02, 0.05]


def test_votes_arriving_on_both_proposals_during_a_merge_lose_nothing_nor_drift(
    moderator,
):
    """Each round: 5 organisations voted on both proposals before; then, released
    together (16 threads), the merge, 5 new votes on the one kept, 5 new votes on the
    one merged and the 5 changing their vote on the one merged. Every vote on the one kept
    counts; a vote on the one merged counts (moved) if it came first, or is refused
    if it came after; nobody ends with two votes; no counter drifts."""
    moved_late = refused = 0
    for delay in MERGE_DELAYS:
        merge_wait, vote_wait = max(0, delay), max(0, -delay)
        kept = ProposalFactory()
        merged = ProposalFactory(question=kept.question)
        both, on_kept, on_merged = (UserFactory.create_batch(5) for _ in range(3))
        for voter in both:
            services.vote_cast(proposal=kept, voter=voter, choice="disagree")
            services.vote_cast(proposal=merged, voter=voter, choice="agree")

        def vote_on(proposal, voter, choice, wait=vote_wait):
            return lambda: (
                time.sleep(wait),
                services.vote_cast(proposal=proposal, voter=voter, choice=choice),
            )

        calls = [
            lambda kept=kept, merged=merged, wait=merge_wait: (
                time.sleep(wait),
                services.proposal_merge(
                    proposal=merged, into=kept, moderator=moderator
                ),
            ),
            *(vote_on(kept, voter, "agree") for voter in on_kept),
            *(vote_on(merged, voter, "mixed") for voter in on_merged),
            *(vote_on(merged, voter, "mixed") for voter in both),
        ]
        outcomes = run_at_once(calls)
        assert outcomes[0] == "ok", outcomes[0]  # the merge
        assert outcomes[1:6] == ["ok"] * 5  # votes on the one kept
        for voter, outcome in zip(on_merged, outcomes[6:11], strict=True):
            counted = Vote.objects.filter(proposal=kept, voter=voter).exists()
            assert counted == (outcome == "ok"), outcome
            assert outcome == "ok" or "ProposalActionError" in outcome
            moved_late += counted
            refused += not counted
        for voter in both:  # one vote each, the one on the proposal kept
            assert list(
                Vote.objects.filter(voter=voter).values_list("proposal_id", "choice")
            ) == [(kept.pk, "disagree")]
        assert not Vote.objects.filter(proposal=merged).exists()
        kept.refresh_from_db()
        assert kept.vote_count == Vote.objects.filter(proposal=kept).count()
        assert kept.vote_count == 5 + 5 + (
            Vote.objects.filter(proposal=kept, voter__in=on_merged).count()
        )
        out = io.StringIO()
        call_command("check_vote_counters", stdout=out)
        assert out.getvalue().startswith("No drift")
        assert not proposal_counter_drift().exists()
        assert not vote_tally_drift()
    print(f"merge race: {moved_late} late votes moved, {refused} refused after it")
    assert moved_late + refused == 5 * len(MERGE_DELAYS)
    assert moved_late and refused  # votes were written before and after the merge
