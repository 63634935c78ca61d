"""
Cosigned proposals: the author invites organisations by the e-mail of their account,
each accepts or declines in « Mon espace », a cosigner may leave and the author may
withdraw an invitation. The proposal's count of the organisations that carry it, and
of their regions, moves in the same transaction.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from consultation.cache import content_changed
from consultation.mail import account_mail_queue
from consultation.models import AccountMailKind, User

from .. import permissions
from ..models import (
    CoSignature,
    CoSignatureStatus,
    Proposal,
)
from .common import locked_proposal, refuse_if
from .notifications import notify_cosigned


def _carriers_recount(proposal: Proposal) -> None:
    """Its author (or workshop) and accepted cosigners, and their regions."""
    accepted = proposal.cosignatures.filter(status=CoSignatureStatus.ACCEPTED)
    regions: set[str | None] = set(accepted.values_list("region_id", flat=True))
    regions.add(proposal.region_id)
    Proposal.objects.filter(pk=proposal.pk).update(
        carrier_count=1 + accepted.count(),
        carrier_region_count=len(regions - {None}),
    )
    trajectory = proposal.question.trajectory
    content_changed(
        trajectory.consultation_id,
        trajectories=[trajectory.pk],
        proposals=[proposal.pk],
    )


@transaction.atomic
def cosignature_invite(*, proposal: Proposal, author: User, email: str) -> CoSignature:
    """
    Invite the organisation whose account has `email` to cosign `proposal`. The
    invitation is kept whether or not an account has that address (nobody learns who
    has an account); an existing account is mailed it, in its language.
    """
    proposal = locked_proposal(proposal)
    refuse_if(permissions.invitation_refusal(author, proposal))
    email = User.objects.normalize_email(email)
    refuse_if(permissions.invitee_refusal(author, proposal, email))
    invited = User.objects.filter(email=email, is_active=True).first()
    cosignature = CoSignature.objects.create(
        proposal=proposal, email=email, cosigner=invited
    )
    if invited is not None:
        # Queued, and sent after the response: the author waits as long either way.
        account_mail_queue(
            kind=AccountMailKind.INVITATION,
            user=invited,
            data={"cosignature": cosignature.pk, "organisation": author.organisation},
        )
    return cosignature


def _locked(cosignature: CoSignature) -> CoSignature:
    return (
        CoSignature.objects.select_for_update(of=("self",))
        .select_related("proposal__question__trajectory__consultation")
        .get(pk=cosignature.pk)
    )


def _answered(cosignature: CoSignature, status: str, **fields: Any) -> None:
    cosignature.status = status
    cosignature.answered_at = timezone.now()
    for name, value in fields.items():
        setattr(cosignature, name, value)
    cosignature.save(update_fields=["status", "answered_at", *fields])


@transaction.atomic
def cosignature_accept(*, cosignature: CoSignature, user: User) -> CoSignature:
    """`user` cosigns: its organisation is shown with the proposal and counted, and
    the author is told (`send_notifications`)."""
    cosignature = _locked(cosignature)
    refuse_if(permissions.cosigning_refusal(user, cosignature))
    _answered(
        cosignature,
        CoSignatureStatus.ACCEPTED,
        cosigner=user,
        organisation=user.organisation,
        organisation_type=user.organisation_type,
        region_id=user.region_id,
    )
    _carriers_recount(cosignature.proposal)
    notify_cosigned(cosignature)
    return cosignature


@transaction.atomic
def cosignature_decline(*, cosignature: CoSignature, user: User) -> None:
    cosignature = _locked(cosignature)
    refuse_if(permissions.declining_refusal(user, cosignature))
    _answered(cosignature, CoSignatureStatus.DECLINED, cosigner=user)


@transaction.atomic
def cosignature_leave(*, cosignature: CoSignature, user: User) -> None:
    """A cosigner no longer carries the proposal."""
    cosignature = _locked(cosignature)
    refuse_if(permissions.leaving_refusal(user, cosignature))
    _answered(cosignature, CoSignatureStatus.LEFT)
    _carriers_recount(cosignature.proposal)


@transaction.atomic
def cosignature_withdraw(*, cosignature: CoSignature, author: User) -> None:
    """The author withdraws an invitation not answered yet."""
    cosignature = _locked(cosignature)
    refuse_if(permissions.invitation_withdrawal_refusal(author, cosignature))
    _answered(cosignature, CoSignatureStatus.WITHDRAWN)
