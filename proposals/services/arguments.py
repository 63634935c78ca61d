"""
Arguments for and against proposals: an organisation adds one (published at once) or
takes it back, any account reports one, a moderator hides one (its author is told) or
keeps it. The proposal's argument counters move in the same transaction, with F()
expressions, so that they always equal its published arguments.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from consultation.cache import content_changed
from consultation.mail import mail_after_commit
from consultation.models import User
from consultation.scopes import moderation_scope
from consultation.text import visible_text

from .. import permissions
from ..models import (
    Argument,
    ArgumentReport,
    ArgumentStatus,
    Proposal,
    Side,
)
from .common import ProposalActionError, refuse_if


def _count_field(side: str) -> str:
    return "argument_for_count" if side == Side.FOR else "argument_against_count"


def _counted(argument: Argument, delta: int) -> None:
    """Move `argument`'s proposal's counter of its side by `delta`, and let every
    page that shows the proposal show it."""
    field = _count_field(argument.side)
    Proposal.objects.filter(pk=argument.proposal_id).update(**{field: F(field) + delta})
    trajectory = argument.proposal.question.trajectory
    content_changed(
        trajectory.consultation_id,
        trajectories=[trajectory.pk],
        proposals=[argument.proposal_id],
    )


@transaction.atomic
def argument_add(
    *, proposal: Proposal, author: User, side: str, text: str | None
) -> Argument:
    """Publish `author`'s argument `side` (a `Side` value) on `proposal`."""
    refuse_if(permissions.argument_refusal(author, proposal))
    text = visible_text(text or "")
    refuse_if(permissions.argument_content_refusal(side, text))
    try:
        with transaction.atomic():
            argument = Argument.objects.create(
                proposal=proposal,
                author=author,
                side=side,
                text=text,
                organisation=author.organisation,
                organisation_type=author.organisation_type,
                region_id=author.region_id,
            )
    except IntegrityError:
        raise ProposalActionError(
            permissions.race_refusal("argument.already")
        ) from None
    _counted(argument, +1)
    return argument


@transaction.atomic
def argument_remove(*, argument: Argument, author: User) -> None:
    """`author` takes back their argument (hidden ones stay, with their reason)."""
    refuse_if(permissions.argument_removal_refusal(author, argument))
    deleted, _rows = Argument.objects.filter(
        pk=argument.pk, status=ArgumentStatus.PUBLISHED
    ).delete()
    if deleted:
        _counted(argument, -1)


@transaction.atomic
def argument_report(*, argument: Argument, reporter: User, reason: str) -> None:
    """`reporter` reports `argument` for `reason` (a `ReportReason` value), once."""
    refuse_if(permissions.report_refusal(reporter, argument))
    refuse_if(permissions.report_reason_refusal(reason))
    _report, created = ArgumentReport.objects.get_or_create(
        argument=argument, reporter=reporter, defaults={"reason": reason}
    )
    if not created:
        raise ProposalActionError(permissions.race_refusal("report.already"))


def _locked(argument: Argument) -> Argument:
    return (
        Argument.objects.select_for_update(of=("self",))
        .select_related("proposal__question__trajectory", "author")
        .get(pk=argument.pk)
    )


@transaction.atomic
def argument_hide(
    *, argument: Argument, moderator: User, reason: str | None
) -> Argument:
    """Hide a published argument with a reason its author is mailed."""
    reason = visible_text(reason or "")
    argument = _locked(argument)
    refuse_if(permissions.hiding_refusal(moderator, argument, reason))
    argument.status = ArgumentStatus.HIDDEN
    argument.hidden_reason = reason
    argument.reviewed_at = timezone.now()
    argument.reviewed_by = moderator
    argument.review_scope = moderation_scope(moderator).label()
    argument.save(
        update_fields=[
            "status",
            "hidden_reason",
            "reviewed_at",
            "reviewed_by",
            "review_scope",
        ]
    )
    _counted(argument, -1)
    author = argument.author
    if author is not None and author.email:
        mail_after_commit(
            template="proposals/email/argument_hidden",
            context={
                "argument": argument,
                "author": author,
                "link": settings.SITE_URL + argument.proposal.get_absolute_url(),
            },
            recipient=author.email,
            language=author.language,
        )
    return argument


@transaction.atomic
def argument_keep(*, argument: Argument, moderator: User) -> None:
    """The reports of `argument` were looked at: it stays published."""
    refuse_if(permissions.argument_moderation_refusal(moderator, argument))
    Argument.objects.filter(pk=argument.pk).update(
        reviewed_at=timezone.now(),
        reviewed_by=moderator,
        review_scope=moderation_scope(moderator).label(),
    )
