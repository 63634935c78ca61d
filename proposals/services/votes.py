"""
Votes: `vote_cast` is the only code path that creates, changes or removes a vote. The
proposal's row is locked, and the counters, score and per-group tallies move in the same
transaction, so that they always equal the vote rows.
"""

from django.db import connection, transaction
from django.db.models import F

from .. import permissions
from ..models import Choice, Participation, Proposal, TallyDimension, Vote, VoteTally
from ..ranking import wilson_lower_bound
from .common import locked_proposal, refuse_if


def _move_counters(proposal_id, *, add=None, remove=None):
    """
    Move the vote counters in the database, never through a value read in Python, then
    store the new score. The caller holds the proposal's row lock.
    """
    changes = {}
    if add:
        changes[f"{add}_count"] = F(f"{add}_count") + 1
    if remove:
        changes[f"{remove}_count"] = F(f"{remove}_count") - 1
    changes["vote_count"] = F("vote_count") + int(bool(add)) - int(bool(remove))
    rows = Proposal.objects.filter(pk=proposal_id)
    rows.update(**changes)
    counts = rows.values_list("agree_count", "mixed_count", "disagree_count").get()
    rows.update(score=wilson_lower_bound(*counts))


def _move_tallies(vote, *, add=None, remove=None):
    """
    Move the per-region and per-organisation-type tallies of `vote`'s proposal, in one
    upsert (the same SQL on PostgreSQL and SQLite). The caller holds the row lock.
    """
    deltas = [int(choice == add) - int(choice == remove) for choice in Choice.values]
    # A new group's row can only come with an added vote: it is inserted with the
    # additions, and an existing row takes the deltas. (SQLite checks the inserted
    # values against the non-negative constraint before it looks for a conflict.)
    inserted = [max(delta, 0) for delta in deltas]
    table = VoteTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
                (proposal_id, dimension, key, agree_count, mixed_count, disagree_count)
            VALUES (%s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (proposal_id, dimension, key) DO UPDATE SET
                agree_count = {table}.agree_count + %s,
                mixed_count = {table}.mixed_count + %s,
                disagree_count = {table}.disagree_count + %s
            """,  # noqa: S608 - the table name is the model's, values are parameters
            [
                *(vote.proposal_id, TallyDimension.REGION, vote.region_id or ""),
                *inserted,
                *(vote.proposal_id, TallyDimension.ORGANISATION_TYPE),
                *(vote.organisation_type, *inserted),
                *deltas,
            ],
        )  # fmt: skip
    if add is None:
        # A removed vote may leave a group with no vote: its row goes, so that every
        # tally counts at least one vote.
        VoteTally.objects.filter(
            proposal_id=vote.proposal_id, agree_count=0, mixed_count=0, disagree_count=0
        ).delete()


def participation_record(*, consultation, user):
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
def vote_cast(*, proposal, voter, choice):
    """
    Set `voter`'s vote on `proposal` to `choice` (a `Choice` value), or remove it when
    `choice` is None. Returns the vote, or None once removed.

    The proposal's row is locked, so concurrent votes on it (a double click, a second
    tab) are applied one after the other, and the counters and tallies always equal the
    vote rows.
    """
    proposal = locked_proposal(proposal)
    refuse_if(permissions.vote_refusal(voter, proposal))

    vote = Vote.objects.filter(proposal=proposal, voter=voter).first()
    previous = vote.choice if vote else None
    if choice == previous:
        return vote
    if vote is None:
        vote = Vote.objects.create(
            proposal=proposal,
            voter=voter,
            choice=choice,
            region_id=voter.region_id,
            organisation_type=voter.organisation_type,
        )
        participation_record(
            consultation=proposal.question.trajectory.consultation, user=voter
        )
    elif choice is None:
        vote.delete()
    else:
        vote.choice = choice
        vote.save(update_fields=["choice", "updated_at"])
    _move_counters(proposal.pk, add=choice, remove=previous)
    _move_tallies(vote, add=choice, remove=previous)
    return vote if choice is not None else None


@transaction.atomic
def vote_counters_repair(*, proposals):
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
