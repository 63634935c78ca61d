"""An organisation's own proposals: submitting one, and withdrawing it."""

from django.db import IntegrityError, transaction

from consultation.models import User
from trajectories.models import GuidingQuestion

from .. import permissions
from ..models import ModerationAction, Proposal, Source, Status
from .common import ProposalActionError, locked_proposal, refuse_if, text_normalised
from .moderation import moderation_record
from .votes import participation_record


class WithdrawalNeedsConfirmation(ProposalActionError):
    """The proposal has votes: its author must confirm that it leaves the rankings."""


class DuplicateProposal(ProposalActionError):
    """The same text (case, accents and punctuation aside) exists under the question."""

    def __init__(self, message: str, existing: Proposal) -> None:
        super().__init__(message)
        self.existing = existing


def _duplicate_error(existing: Proposal, author: User) -> DuplicateProposal:
    return DuplicateProposal(
        permissions.submission_duplicate_refusal(author, existing), existing
    )


@transaction.atomic
def proposal_submit(*, author: User, question: GuidingQuestion, text: str) -> Proposal:
    """Submit an online proposal; it waits for moderation (status `pending`)."""
    text = text_normalised(text)
    consultation = question.trajectory.consultation
    refuse_if(permissions.submission_refusal(author, consultation))
    refuse_if(permissions.text_refusal(text))
    # A published one first: it is the one to link to.
    existing = Proposal.objects.live_duplicates(question, text).first()
    if existing is not None:
        raise _duplicate_error(existing, author)
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                question=question,
                text=text,
                source=Source.ONLINE,
                author=author,
                region_id=author.region_id,
                organisation_type=author.organisation_type,
                status=Status.PENDING,
            )
    except IntegrityError:
        # A concurrent submission of the same text (a double click) got there first.
        existing = Proposal.objects.live_duplicates(question, text).get(
            source=Source.ONLINE
        )
        raise _duplicate_error(existing, author) from None
    participation_record(consultation=consultation, user=author)
    return proposal


@transaction.atomic
def proposal_withdraw(
    *, proposal: Proposal, author: User, confirmed: bool = False
) -> Proposal:
    """
    Let an author withdraw their own pending or published proposal. Once others have
    voted on it, the author must confirm: it then stays on record, its page at its
    address and its votes frozen and counted, out of the rankings.
    """
    proposal = locked_proposal(proposal)
    refuse_if(permissions.withdrawal_refusal(author, proposal))
    if refusal := permissions.withdrawal_confirmation_refusal(proposal, confirmed):
        raise WithdrawalNeedsConfirmation(refusal)
    previous_status = proposal.status
    proposal.status = Status.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    moderation_record(
        proposal,
        actor=author,
        action=ModerationAction.WITHDRAWN,
        previous_status=previous_status,
    )
    return proposal
