"""Moderators' decisions on proposals: publish, reject; each one recorded."""

from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation.cache import content_changed
from consultation.mail import Delivery
from consultation.models import Region, User
from consultation.scopes import moderation_scope
from trajectories.models import GuidingQuestion

from .. import permissions
from ..models import ModerationAction, ModerationEvent, Proposal, Status
from .common import (
    ProposalActionError,
    locked_proposal,
    refuse_if,
    text_normalised,
)
from .notifications import notify_decision


def moderation_record(
    proposal: Proposal,
    *,
    actor: User | None,
    action: str,
    previous_status: str,
    reason: str = "",
    previous_text: str = "",
    previous_trajectory_id: int | None = None,
) -> ModerationEvent:
    """Record a moderation decision; what the public sees changes with it: the
    proposal's page, its trajectory's (and the one it left), the consultation's."""
    trajectory = proposal.question.trajectory
    content_changed(
        trajectory.consultation_id,
        trajectories={trajectory.pk, previous_trajectory_id or trajectory.pk},
        proposals=[proposal.pk],
    )
    return ModerationEvent.objects.create(
        proposal=proposal,
        actor=actor,
        action=action,
        previous_status=previous_status,
        reason=reason,
        previous_text=previous_text,
        scope=decision_scope(actor, action),
    )


def decision_scope(actor: User | None, action: str) -> str:
    """The scope a moderator decided within, in words; none for an author's
    withdrawal."""
    if actor is None or action == ModerationAction.WITHDRAWN:
        return ""
    return moderation_scope(actor).label()


class Decision(NamedTuple):
    proposal: Proposal
    notice: Delivery  # the mail to the author (already sent when there is none)


@transaction.atomic
def proposal_publish(*, proposal: Proposal, moderator: User) -> Decision:
    """Publish a pending (or previously rejected) proposal; its author is mailed
    (unless it turned that mail off)."""
    proposal = locked_proposal(proposal)
    refuse_if(permissions.publication_refusal(moderator, proposal))
    refuse_if(
        permissions.duplicate_refusal(
            proposal.question, proposal.text, exclude=proposal
        )
    )
    previous_status = proposal.status
    proposal.status = Status.PUBLISHED
    proposal.moderation_reason = ""
    proposal.published_at = proposal.published_at or timezone.now()
    proposal.save(
        update_fields=["status", "moderation_reason", "published_at", "updated_at"]
    )
    event = moderation_record(
        proposal,
        actor=moderator,
        action=ModerationAction.PUBLISHED,
        previous_status=previous_status,
    )
    return Decision(proposal, notify_decision(proposal, event=event.pk))


@transaction.atomic
def proposal_reject(*, proposal: Proposal, moderator: User, reason: str) -> Decision:
    """Reject a pending or published proposal; its author is mailed the required
    reason, which they also see in « Mon espace »."""
    reason = (reason or "").strip()
    proposal = locked_proposal(proposal)
    refuse_if(permissions.rejection_refusal(moderator, proposal))
    refuse_if(permissions.rejection_reason_refusal(reason))
    previous_status = proposal.status
    proposal.status = Status.REJECTED
    proposal.moderation_reason = reason
    proposal.save(update_fields=["status", "moderation_reason", "updated_at"])
    event = moderation_record(
        proposal,
        actor=moderator,
        action=ModerationAction.REJECTED,
        previous_status=previous_status,
        reason=reason,
    )
    return Decision(proposal, notify_decision(proposal, event=event.pk))


@transaction.atomic
def proposal_edit(
    *,
    proposal: Proposal,
    moderator: User,
    text: str,
    question: GuidingQuestion,
    region: Region | None,
) -> Proposal:
    """
    A moderator corrects a proposal: its text (within the same rules as a
    submission, and never the same as another live proposal of the question), its
    question or its region. Each edit is recorded with the text it replaced.
    """
    proposal = locked_proposal(proposal)
    refuse_if(permissions.edit_refusal(moderator, proposal))
    refuse_if(
        permissions.place_refusal(moderator, question.trajectory.consultation, region)
    )
    text = text_normalised(text)
    refuse_if(permissions.text_refusal(text))
    refuse_if(permissions.edit_duplicate_refusal(proposal, question, text))
    previous_text = proposal.text
    previous_trajectory_id = proposal.question.trajectory_id
    changed = (text, question.pk, region.pk if region else None) != (
        proposal.text,
        proposal.question_id,
        proposal.region_id,
    )
    if not changed:
        return proposal
    proposal.text, proposal.question, proposal.region = text, question, region
    try:
        with transaction.atomic():
            proposal.save(update_fields=["text", "question", "region", "updated_at"])
    except IntegrityError:
        # An identical proposal arrived in the meantime (the unique constraint).
        raise ProposalActionError(permissions.race_refusal("edit.duplicate")) from None
    moderation_record(
        proposal,
        actor=moderator,
        action=ModerationAction.EDITED,
        previous_status=proposal.status,
        previous_text=previous_text if previous_text != text else "",
        previous_trajectory_id=previous_trajectory_id,
    )
    return proposal
