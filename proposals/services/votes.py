"""
Votes: `vote_cast` is the only code path that creates, changes or removes a vote, never
by reading a value into Python to write it back:

1. the voter's vote row is written first: inserted (with the voter's participation), or
   locked and changed, or deleted. One voter's concurrent votes on a proposal (a double
   click, a second tab) queue on that row;
2. the proposal's counters, score and two per-group tallies then move, only if the
   proposal is still open to votes.

On PostgreSQL both are one statement, the function `proposals_vote_cast` (migration
0031), sent outside any transaction: the statement is its own transaction, and the
proposal's row is locked from its counters' update to the commit with no round trip to
the application in between (`bench` reports how long: from the lock, on the server's
clock, to the answer's arrival). SQLite, which writes one transaction at a time, runs
the same steps as a few statements in a transaction. The counters, score and tallies
always equal the vote rows.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from consultation.models import Consultation, User

from .. import permissions
from ..models import (
    Choice,
    Participation,
    Proposal,
    Status,
    TallyDimension,
    Vote,
    VoteTally,
)
from ..ranking import wilson_lower_bound
from .common import ProposalActionError, refuse_if

PROPOSAL = Proposal._meta.db_table
VOTE = Vote._meta.db_table
TALLY = VoteTally._meta.db_table

# A vote changed and removed between two of our statements is looked for again.
VOTE_WRITE_ATTEMPTS = 3

# A row as the database cursor returns it.
Row = tuple[Any, ...]


def _vote_insert(*, proposal: Proposal, voter: User, choice: str) -> int | None:
    """Insert `voter`'s vote unless they already have one; its id, or None. A first
    vote also counts the voter among the consultation's participants."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {VOTE} (proposal_id, voter_id, choice, region_id,
                                organisation_type, created_at, updated_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (proposal_id, voter_id) DO NOTHING
            RETURNING id
            """,  # noqa: S608 - the table name is the model's, values are parameters
            [proposal.pk, voter.pk, choice, voter.region_id, voter.organisation_type]
            + [connection.ops.adapt_datetimefield_value(now)] * 2,
        )
        row = cursor.fetchone()
    if row is not None:
        participation_record(
            consultation=proposal.question.trajectory.consultation, user=voter
        )
    return row[0] if row else None


def _vote_delete(*, proposal: Proposal, voter: User) -> Row | None:
    """Delete `voter`'s vote; its (choice, region, organisation type), or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            DELETE FROM {VOTE} WHERE proposal_id = %s AND voter_id = %s
            RETURNING choice, region_id, organisation_type
            """,  # noqa: S608 - the table name is the model's
            [proposal.pk, voter.pk],
        )
        return cursor.fetchone()


def _vote_change(*, proposal: Proposal, voter: User, choice: str) -> Row | None:
    """Lock `voter`'s existing vote and set its choice; its (id, previous choice,
    region, organisation type), or None when there is none."""
    existing = (
        Vote.objects.select_for_update()
        .filter(proposal=proposal, voter=voter)
        .values_list("pk", "choice", "region_id", "organisation_type")
        .first()
    )
    if existing is not None and existing[1] != choice:
        Vote.objects.filter(pk=existing[0]).update(
            choice=choice, updated_at=timezone.now()
        )
    return existing


def _vote_write(
    *, proposal: Proposal, voter: User, choice: str | None
) -> tuple[int | None, str | None, list[Any] | None]:
    """
    Write `voter`'s vote on `proposal`. Returns the vote's id (None once removed), its
    previous choice and the (region, organisation type) its tallies count it in.
    """
    if choice is None:
        removed = _vote_delete(proposal=proposal, voter=voter)
        if removed is None:
            return None, None, None
        previous, *group = removed
        return None, previous, group
    for _attempt in range(VOTE_WRITE_ATTEMPTS):
        vote_id = _vote_insert(proposal=proposal, voter=voter, choice=choice)
        if vote_id is None:
            existing = _vote_change(proposal=proposal, voter=voter, choice=choice)
            if existing is None:  # removed since the insert met it: insert again
                continue
            vote_id, previous, *group = existing
        else:
            previous, group = None, [voter.region_id, voter.organisation_type]
        return vote_id, previous, group
    raise ProposalActionError(permissions.race_refusal("vote.retry"))


def _counts_move(
    *, proposal: Proposal, group: list[Any], add: str | None, remove: str | None
) -> Row | None:
    """
    Move `proposal`'s counters, score and tallies in the database, if it is still
    published. Returns its new (agree, mixed, disagree) counts, or None.
    """
    deltas = [int(choice == add) - int(choice == remove) for choice in Choice.values]
    # A new group's row can only come with an added vote: it is inserted with the
    # additions, and an existing row takes the deltas. (SQLite checks the inserted
    # values against the non-negative constraint before it looks for a conflict.)
    inserted = [max(delta, 0) for delta in deltas]
    region, organisation_type = group
    groups: list[Any] = [
        TallyDimension.REGION,
        region or "",
        TallyDimension.ORGANISATION_TYPE,
        organisation_type,
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {PROPOSAL} SET
                agree_count = agree_count + %s,
                mixed_count = mixed_count + %s,
                disagree_count = disagree_count + %s,
                vote_count = vote_count + %s,
                score = wilson_lower_bound(
                    agree_count + %s, mixed_count + %s, disagree_count + %s
                )
            WHERE id = %s AND status = %s
            RETURNING id, agree_count, mixed_count, disagree_count
            """,  # noqa: S608 - the table name is the model's, values are parameters
            [*deltas, sum(deltas), *deltas, proposal.pk, Status.PUBLISHED],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(
            f"""
            INSERT INTO {TALLY} (proposal_id, dimension, key, agree_count,
                                 mixed_count, disagree_count)
            VALUES (%s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (proposal_id, dimension, key) DO UPDATE SET
                agree_count = {TALLY}.agree_count + %s,
                mixed_count = {TALLY}.mixed_count + %s,
                disagree_count = {TALLY}.disagree_count + %s
            """,  # noqa: S608 - as above
            [
                *(proposal.pk, *groups[:2], *inserted),
                *(proposal.pk, *groups[2:], *inserted),
                *deltas,
            ],
        )
        return row[1:]


def participation_record(*, consultation: Consultation, user: User) -> None:
    """Count `user` among the consultation's participants (once)."""
    Participation.objects.bulk_create(
        [
            Participation(
                consultation=consultation,
                user=user,
                region_id=user.region_id,
                organisation_type=user.organisation_type,
            )
        ],
        ignore_conflicts=True,
    )


class _NotOpenToVotes(Exception):
    """Raised inside a vote's transaction to undo it: the proposal closed to votes."""


@dataclass(frozen=True)
class _Cast:
    """What writing a vote did: `outcome` (one of the `CAST_*` below), the vote's id
    and its (region, organisation type), and the new counts when they moved."""

    outcome: str
    vote_id: int | None = None
    group: tuple[Any, Any] | None = None
    counts: tuple[int, int, int] | None = None


CAST_MOVED, CAST_UNCHANGED = "moved", "unchanged"
CAST_NOT_PUBLISHED, CAST_RETRY = "not_published", "retry"


def _pair(group: list[Any] | None) -> tuple[Any, Any] | None:
    return None if group is None else (group[0], group[1])


def _cast_in_one_statement(
    *, proposal: Proposal, voter: User, choice: str | None
) -> _Cast:
    """PostgreSQL: the whole vote in one statement, its own transaction when no
    transaction is open (migration 0031)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM proposals_vote_cast(%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                proposal.pk,
                voter.pk,
                choice,
                voter.region_id,
                voter.organisation_type,
                proposal.question.trajectory.consultation_id,
                timezone.now(),
                Status.PUBLISHED,
            ],
        )
        outcome, vote_id, region, organisation_type, *counts, locked_at = (
            cursor.fetchone()
        )
    if outcome != CAST_MOVED:
        return _Cast(outcome, vote_id, (region, organisation_type))
    if settings.VOTE_LOCK_LOG:
        # The server's clock at the lock, ours once it is released: one clock when
        # the database runs on this machine, as under `bench`.
        _lock_time_logged(locked_at, clock=time.time)
    return _Cast(
        outcome, vote_id, (region, organisation_type), (counts[0], counts[1], counts[2])
    )


def _cast_in_statements(
    *, proposal: Proposal, voter: User, choice: str | None
) -> _Cast:
    """SQLite: the vote row, then the counters, in one transaction."""
    try:
        with transaction.atomic():
            vote_id, previous, group = _vote_write(
                proposal=proposal, voter=voter, choice=choice
            )
            if choice == previous or group is None:  # None: no vote before nor after
                return _Cast(CAST_UNCHANGED, vote_id, _pair(group))
            if settings.VOTE_LOCK_LOG:
                _lock_time_logged(time.perf_counter(), clock=time.perf_counter)
            counts = _counts_move(
                proposal=proposal, group=group, add=choice, remove=previous
            )
            if counts is None:
                raise _NotOpenToVotes  # the vote written above is rolled back
            if choice is None:
                # A removed vote may leave a group with no vote: its row goes, so that
                # every tally counts at least one vote.
                VoteTally.objects.filter(
                    proposal_id=proposal.pk,
                    agree_count=0,
                    mixed_count=0,
                    disagree_count=0,
                ).delete()
            return _Cast(
                CAST_MOVED, vote_id, _pair(group), (counts[0], counts[1], counts[2])
            )
    except _NotOpenToVotes:
        return _Cast(CAST_NOT_PUBLISHED)


def vote_cast(*, proposal: Proposal, voter: User, choice: str | None) -> Vote | None:
    """
    Set `voter`'s vote on `proposal` to `choice` (a `Choice` value), or remove it when
    `choice` is None. Returns the vote, or None once removed; `proposal`'s counters
    and `my_vote` are set to what the database now holds.
    """
    if proposal.status != Status.PUBLISHED:
        proposal.refresh_from_db(fields=["status"])  # published since it was read?
    refuse_if(permissions.vote_refusal(voter, proposal))
    if connection.vendor == "postgresql":
        cast = _cast_in_one_statement(proposal=proposal, voter=voter, choice=choice)
    else:
        cast = _cast_in_statements(proposal=proposal, voter=voter, choice=choice)
    if cast.outcome == CAST_RETRY:
        raise ProposalActionError(permissions.race_refusal("vote.retry"))
    if cast.outcome == CAST_NOT_PUBLISHED:
        # Closed to votes since it was read (withdrawn, rejected): nothing was kept.
        fresh = Proposal.objects.select_related(
            "question__trajectory__consultation"
        ).get(pk=proposal.pk)
        refuse_if(permissions.vote_refusal(voter, fresh))
        raise ProposalActionError(permissions.race_refusal("vote.not_published"))
    if cast.counts is not None:
        proposal.agree_count, proposal.mixed_count, proposal.disagree_count = (
            cast.counts
        )
        proposal.vote_count = sum(cast.counts)
        proposal.score = wilson_lower_bound(*cast.counts)
    proposal.my_vote = choice
    if choice is None or cast.vote_id is None or cast.group is None:
        return None
    region, organisation_type = cast.group
    return Vote(
        pk=cast.vote_id,
        proposal=proposal,
        voter=voter,
        choice=choice,
        region_id=region,
        organisation_type=organisation_type,
    )


def _lock_time_logged(locked_at: float, *, clock: Callable[[], float]) -> None:
    """From `locked_at` (on `clock`), when the counters' statement locked the
    proposal's row, to the end of the commit that releases it: appended to
    `settings.VOTE_LOCK_LOG`, for `bench`."""

    def released() -> None:
        with open(settings.VOTE_LOCK_LOG, "a") as log:
            log.write(f"{clock() - locked_at:.6f}\n")

    transaction.on_commit(released)


@transaction.atomic
def vote_counters_repair(*, proposals: Iterable[Proposal]) -> int:
    """
    Set the counters, score and tallies of `proposals` to what their vote rows say. Each
    row is locked first, so that no vote moves them while they are being recounted.
    """
    repaired = 0
    for proposal in proposals:
        locked = Proposal.objects.select_for_update().filter(pk=proposal.pk)
        if not locked.exists():
            continue
        votes = Vote.objects.filter(proposal_id=proposal.pk)
        counts = votes.choice_counts()
        locked.update(
            agree_count=counts[Choice.AGREE],
            mixed_count=counts[Choice.MIXED],
            disagree_count=counts[Choice.DISAGREE],
            vote_count=sum(counts.values()),
            score=wilson_lower_bound(*counts.values()),
        )
        VoteTally.objects.filter(proposal_id=proposal.pk).delete()
        VoteTally.objects.bulk_create(
            VoteTally(
                proposal_id=proposal.pk,
                dimension=dimension,
                key=row[dimension] or "",
                agree_count=row[Choice.AGREE],
                mixed_count=row[Choice.MIXED],
                disagree_count=row[Choice.DISAGREE],
            )
            for dimension in TallyDimension.values
            for row in votes.choice_counts_by(dimension)
        )
        repaired += 1
    return repaired
