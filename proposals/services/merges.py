"""
Merging a duplicate proposal into another, in one transaction:

1. the votes of both proposals are locked, then both proposals (in id order): a vote
   being cast on either finishes first, and a vote arriving later waits for the merge
   (an insertion waits on the proposal's row, a change on its vote's row);
2. the merged proposal's votes move to the one kept, but for the voters who voted on
   both: they keep their vote on the proposal kept, the other is dropped (and recorded);
3. the counters, score and tallies of both are recounted from their vote rows, the
   participations of the moved voters checked, the arguments moved where their author
   has none on the proposal kept;
4. the merged proposal leads to the one kept, the merge is recorded with what it moved
   (so that it can be undone by hand), and the authors and followers are told.
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from consultation.cache import content_changed
from consultation.models import User

from .. import permissions
from ..models import (
    Argument,
    ArgumentStatus,
    ModerationAction,
    ModerationEvent,
    Participation,
    Proposal,
    Side,
    Status,
    Vote,
)
from .common import ProposalActionError, refuse_if
from .moderation import decision_scope
from .notifications import notify_merge
from .votes import vote_counters_repair


def _locked_pair(proposal: Proposal, into: Proposal) -> tuple[Proposal, Proposal]:
    """Lock the votes of both proposals, then both proposals, and read them afresh."""
    list(
        Vote.objects.select_for_update()
        .filter(proposal_id__in=[proposal.pk, into.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    list(
        Proposal.objects.select_for_update()
        .filter(pk__in=[proposal.pk, into.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    fresh = Proposal.objects.select_related(
        "question__trajectory__consultation"
    ).in_bulk([proposal.pk, into.pk])
    if proposal.pk not in fresh or into.pk not in fresh:
        raise ProposalActionError(permissions.race_refusal("merge.gone"))
    return fresh[proposal.pk], fresh[into.pk]


def _votes_move(
    proposal: Proposal, into: Proposal
) -> tuple[Sequence[tuple[int, int | None]], Sequence[Any]]:
    """Move `proposal`'s votes to `into`; those of voters who voted on both stay
    `into`'s, `proposal`'s are dropped. What moved and what was dropped."""
    both = Vote.objects.filter(
        proposal=proposal,
        voter__in=Vote.objects.filter(proposal=into, voter__isnull=False).values(
            "voter"
        ),
    )
    dropped = list(
        both.order_by("pk").values(
            "pk", "voter_id", "choice", "region_id", "organisation_type"
        )
    )
    both.delete()
    moving = Vote.objects.filter(proposal=proposal)
    moved = list(moving.order_by("pk").values_list("pk", "voter_id"))
    moving.update(proposal=into)
    return moved, dropped


def _participations_check(into: Proposal, voter_ids: list[int]) -> None:
    """Every moved voter takes part in `into`'s consultation (they did in the same
    one already: a merge stays within a consultation; this keeps it true)."""
    consultation_id = into.question.trajectory.consultation_id
    known = set(
        Participation.objects.filter(
            consultation_id=consultation_id, user_id__in=voter_ids
        ).values_list("user_id", flat=True)
    )
    missing = Vote.objects.filter(
        proposal=into, voter_id__in=set(voter_ids) - known
    ).values_list("voter_id", "voter__region_id", "voter__organisation_type")
    Participation.objects.bulk_create(
        [
            Participation(
                consultation_id=consultation_id,
                user_id=user_id,
                region_id=region_id,
                organisation_type=organisation_type,
            )
            for user_id, region_id, organisation_type in missing
        ],
        ignore_conflicts=True,
    )


def _arguments_move(proposal: Proposal, into: Proposal) -> list[int]:
    """Move `proposal`'s arguments whose author has none on `into`; recount both."""
    moving = Argument.objects.filter(proposal=proposal).exclude(
        author__in=Argument.objects.filter(proposal=into, author__isnull=False).values(
            "author"
        )
    )
    moved = list(moving.values_list("pk", flat=True))
    Argument.objects.filter(pk__in=moved).update(proposal=into)
    for each in (proposal, into):
        counts = Argument.objects.filter(
            proposal=each, status=ArgumentStatus.PUBLISHED
        ).aggregate(
            argument_for=Count("pk", filter=Q(side=Side.FOR)),
            argument_against=Count("pk", filter=Q(side=Side.AGAINST)),
        )
        Proposal.objects.filter(pk=each.pk).update(
            argument_for_count=counts["argument_for"],
            argument_against_count=counts["argument_against"],
        )
    return moved


@transaction.atomic
def proposal_merge(
    *, proposal: Proposal, into: Proposal, moderator: User, reason: str = ""
) -> ModerationEvent:
    """
    Merge `proposal` into `into` (a duplicate into the one kept): see the module.
    Returns the recorded `ModerationEvent`.
    """
    proposal, into = _locked_pair(proposal, into)
    refuse_if(permissions.merge_refusal(moderator, proposal, into))
    counts_before = {
        str(each.pk): [each.agree_count, each.mixed_count, each.disagree_count]
        for each in (proposal, into)
    }
    moved, dropped = _votes_move(proposal, into)
    vote_counters_repair(proposals=[proposal, into])
    voter_ids = [voter for _pk, voter in moved if voter is not None]
    _participations_check(into, voter_ids)
    arguments = _arguments_move(proposal, into)
    previous_status = proposal.status
    proposal.status, proposal.merged_into = Status.MERGED, into
    proposal.merged_vote_count = len(moved) + len(dropped)
    proposal.save(
        update_fields=["status", "merged_into", "merged_vote_count", "updated_at"]
    )
    into.save(update_fields=["updated_at"])  # its cards show the new counts
    event = ModerationEvent.objects.create(
        proposal=proposal,
        actor=moderator,
        action=ModerationAction.MERGED,
        previous_status=previous_status,
        reason=(reason or "").strip(),
        merged_into=into,
        scope=decision_scope(moderator, ModerationAction.MERGED),
        details={
            "moved_votes": [pk for pk, _voter in moved],
            "dropped_votes": dropped,
            "moved_arguments": arguments,
            "counts_before": counts_before,
        },
    )
    trajectories = {
        proposal.question.trajectory_id,
        into.question.trajectory_id,
    }
    content_changed(
        into.question.trajectory.consultation_id,
        trajectories=trajectories,
        proposals=[proposal.pk, into.pk],
    )
    notify_merge(
        proposal=proposal,
        into=into,
        event=event.pk,
        voter_ids=voter_ids + [row["voter_id"] for row in dropped],
    )
    return event


def merge_preview(*, proposal: Proposal, into: Proposal) -> dict[str, Any]:
    """What merging `proposal` into `into` would move, read without locking, for the
    moderator's confirmation: votes moved, votes dropped (their voter voted on both:
    the vote on the proposal kept stays), arguments moved."""
    voters_of_kept = Vote.objects.filter(proposal=into).values("voter")
    votes = Vote.objects.filter(proposal=proposal)
    dropped = votes.filter(voter__in=voters_of_kept).count()
    authors_of_kept = into.arguments.values("author")
    arguments = proposal.arguments.all()
    return {
        "votes_moved": votes.count() - dropped,
        "votes_dropped": dropped,
        "arguments_moved": arguments.exclude(author__in=authors_of_kept).count(),
    }
