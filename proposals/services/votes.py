"""
Votes: `vote_cast` is the only code path that creates, changes or removes a vote, in a
few statements and never by reading a value into Python to write it back:

1. the voter's vote row is written first: inserted (with the voter's participation), or
   locked and changed, or deleted. One voter's concurrent votes on a proposal (a double
   click, a second tab) queue on that row;
2. one statement then moves the proposal's counters, its score and its two per-group
   tallies, only if the proposal is still open to votes (a data-modifying CTE on
   PostgreSQL; two statements on SQLite, which writes one transaction at a time).

The proposal's row is locked from that statement to the commit (`bench` reports how
long: about a millisecond under load at the large tier), and the counters, score and
tallies always equal the vote rows. On PostgreSQL the statement is prepared once per
database session (`_counters_prepared`), so that it is not planned while the row is
locked.
"""

import time
from collections.abc import Iterable
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
PARTICIPATION = Participation._meta.db_table

# A vote changed and removed between two of our statements is looked for again.
VOTE_WRITE_ATTEMPTS = 3

# A row as the database cursor returns it.
Row = tuple[Any, ...]

# PostgreSQL's counters' statement, prepared once per database session: $1–$3 the
# deltas of the three choices, $4 the proposal, $5 the status open to votes, $6–$8 a
# new tally row's counts, $9–$12 the two (dimension, key) groups.
COUNTERS_STATEMENT = "vote_counters_move"
_COUNTERS_PREPARE = f"""
    PREPARE {COUNTERS_STATEMENT}
        (integer, integer, integer, bigint, text, integer, integer, integer,
         text, text, text, text) AS
    WITH moved AS (
        UPDATE {PROPOSAL} SET
            agree_count = agree_count + $1,
            mixed_count = mixed_count + $2,
            disagree_count = disagree_count + $3,
            vote_count = vote_count + $1 + $2 + $3,
            score = wilson_lower_bound(
                agree_count + $1, mixed_count + $2, disagree_count + $3
            )
        WHERE id = $4 AND status = $5
        RETURNING id, agree_count, mixed_count, disagree_count
    ), tallied AS (
        INSERT INTO {TALLY} (proposal_id, dimension, key, agree_count, mixed_count,
                             disagree_count)
        SELECT moved.id, grouped.dimension, grouped.key, $6, $7, $8
        FROM moved CROSS JOIN (VALUES ($9, $10), ($11, $12)) AS grouped (dimension, key)
        WHERE true
        ON CONFLICT (proposal_id, dimension, key) DO UPDATE SET
            agree_count = {TALLY}.agree_count + $1,
            mixed_count = {TALLY}.mixed_count + $2,
            disagree_count = {TALLY}.disagree_count + $3
    )
    SELECT agree_count, mixed_count, disagree_count FROM moved
"""  # noqa: S608 - the tables are the models', values are parameters


def _counters_prepared() -> None:
    """Prepare the counters' statement on this PostgreSQL session, unless it is (a
    prepared statement outlives transactions, not the session)."""
    if connection.vendor != "postgresql":
        return
    connection.ensure_connection()
    session = connection.connection
    if getattr(connection, "counters_prepared_on", None) is not session:
        with connection.cursor() as cursor:
            cursor.execute(_COUNTERS_PREPARE)
        connection.counters_prepared_on = session  # type: ignore[attr-defined]


def _vote_insert(*, proposal: Proposal, voter: User, choice: str) -> int | None:
    """Insert `voter`'s vote unless they already have one; its id, or None. A first
    vote also counts the voter among the consultation's participants."""
    consultation_id = proposal.question.trajectory.consultation_id
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    vote: list[Any] = [proposal.pk, voter.pk, choice, voter.region_id]
    vote += [voter.organisation_type, now, now]
    insert = f"""
        INSERT INTO {VOTE} (proposal_id, voter_id, choice, region_id,
                            organisation_type, created_at, updated_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (proposal_id, voter_id) DO NOTHING
        RETURNING id
    """  # noqa: S608 - the table names are the models', values are parameters
    participation: list[Any] = [consultation_id, voter.pk, voter.region_id]
    participation += [voter.organisation_type, now]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""
                WITH vote AS ({insert}), participation AS (
                    INSERT INTO {PARTICIPATION} (consultation_id, user_id, region_id,
                                                 organisation_type, created_at)
                    SELECT %s, %s, %s, %s, %s FROM vote
                    ON CONFLICT (consultation_id, user_id) DO NOTHING
                )
                SELECT id FROM vote
                """,  # noqa: S608 - as above
                vote + participation,
            )
            row = cursor.fetchone()
        else:
            cursor.execute(insert, vote)
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
    if connection.vendor != "postgresql":
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
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {VOTE} SET
                choice = %s,
                updated_at = CASE WHEN previous.choice = %s
                                  THEN {VOTE}.updated_at ELSE %s END
            FROM (
                SELECT id, choice FROM {VOTE}
                WHERE proposal_id = %s AND voter_id = %s FOR UPDATE
            ) AS previous
            WHERE {VOTE}.id = previous.id
            RETURNING {VOTE}.id, previous.choice, {VOTE}.region_id,
                      {VOTE}.organisation_type
            """,  # noqa: S608 - the table name is the model's, values are parameters
            [choice, choice, timezone.now(), proposal.pk, voter.pk],
        )
        return cursor.fetchone()


def _vote_write(
    *, proposal: Proposal, voter: User, choice: str | None
) -> tuple[Vote | None, str | None, list[Any] | None]:
    """
    Write `voter`'s vote on `proposal`. Returns the vote (None once removed), its
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
        vote = Vote(
            pk=vote_id,
            proposal=proposal,
            voter=voter,
            choice=choice,
            region_id=group[0],
            organisation_type=group[1],
        )
        return vote, previous, group
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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXECUTE {COUNTERS_STATEMENT} "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [*deltas, proposal.pk, Status.PUBLISHED, *inserted, *groups],
            )
            return cursor.fetchone()
    counters = f"""
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
    """  # noqa: S608 - the table name is the model's, values are parameters
    counters_params: list[Any] = [
        *deltas,
        sum(deltas),
        *deltas,
        proposal.pk,
        Status.PUBLISHED,
    ]
    upsert = f"""
        ON CONFLICT (proposal_id, dimension, key) DO UPDATE SET
            agree_count = {TALLY}.agree_count + %s,
            mixed_count = {TALLY}.mixed_count + %s,
            disagree_count = {TALLY}.disagree_count + %s
    """  # noqa: S608 - as above
    with connection.cursor() as cursor:
        cursor.execute(counters, counters_params)
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(
            f"""
            INSERT INTO {TALLY} (proposal_id, dimension, key, agree_count,
                                 mixed_count, disagree_count)
            VALUES (%s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s)
            {upsert}
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


@transaction.atomic
def vote_cast(*, proposal: Proposal, voter: User, choice: str | None) -> Vote | None:
    """
    Set `voter`'s vote on `proposal` to `choice` (a `Choice` value), or remove it when
    `choice` is None. Returns the vote, or None once removed; `proposal`'s counters
    and `my_vote` are set to what the database now holds.
    """
    if proposal.status != Status.PUBLISHED:
        proposal.refresh_from_db(fields=["status"])  # published since it was read?
    refuse_if(permissions.vote_refusal(voter, proposal))
    vote, previous, group = _vote_write(proposal=proposal, voter=voter, choice=choice)
    if choice != previous and group is not None:  # None: no vote before nor after
        _counters_prepared()
        if settings.VOTE_LOCK_LOG:
            _lock_time_logged()
        counts = _counts_move(
            proposal=proposal, group=group, add=choice, remove=previous
        )
        if counts is None:
            # Closed to votes since it was read (withdrawn, rejected): the vote written
            # above is rolled back with this exception.
            fresh = Proposal.objects.select_related(
                "question__trajectory__consultation"
            ).get(pk=proposal.pk)
            refuse_if(permissions.vote_refusal(voter, fresh))
            raise ProposalActionError(permissions.race_refusal("vote.not_published"))
        if choice is None:
            # A removed vote may leave a group with no vote: its row goes, so that every
            # tally counts at least one vote.
            VoteTally.objects.filter(
                proposal_id=proposal.pk,
                agree_count=0,
                mixed_count=0,
                disagree_count=0,
            ).delete()
        proposal.agree_count, proposal.mixed_count, proposal.disagree_count = counts
        proposal.vote_count = sum(counts)
        proposal.score = wilson_lower_bound(*counts)
    proposal.my_vote = choice
    return vote


def _lock_time_logged() -> None:
    """From now (the counters' statement locks the proposal's row) to the commit that
    releases it: appended to `settings.VOTE_LOCK_LOG`, for `bench`."""
    locked_at = time.perf_counter()

    def released() -> None:
        with open(settings.VOTE_LOCK_LOG, "a") as log:
            log.write(f"{time.perf_counter() - locked_at:.6f}\n")

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
