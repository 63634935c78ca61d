"""What every service of proposals shares: the refusal exception, the row lock and the
rules of a proposal's text."""

from django.utils.translation import gettext as _

from consultation.text import visible_text

from ..models import Proposal, Status
from ..text import text_fingerprint

PROPOSAL_MIN_LENGTH = 15
PROPOSAL_MAX_LENGTH = 1000


class ProposalActionError(Exception):
    """A rule forbids the change: the message is meant for the person who asked,
    `code` for scripts and tests (`permissions.Refusal`)."""

    def __init__(self, refusal):
        super().__init__(refusal)
        self.code = getattr(refusal, "code", "refused")


def refuse_if(refusal):
    """Raise `refusal` (a predicate's answer, see `permissions`) unless it is None."""
    if refusal is not None:
        raise ProposalActionError(refusal)


def locked_proposal(proposal):
    """Lock the proposal's row until the end of the transaction and read it afresh."""
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("question__trajectory__consultation")
        .get(pk=proposal.pk)
    )


def text_normalised(text):
    """A proposal's text as it is stored (`consultation.text.visible_text`)."""
    return visible_text(text)


def text_refusal(text):
    """Why `text` (normalised) cannot be a proposal's text, or None."""
    if not PROPOSAL_MIN_LENGTH <= len(text) <= PROPOSAL_MAX_LENGTH:
        return _("Une proposition compte entre %(min)s et %(max)s caractères.") % {
            "min": PROPOSAL_MIN_LENGTH,
            "max": PROPOSAL_MAX_LENGTH,
        }
    return None


def live_duplicates(question, text, *, exclude=None):
    """Pending or published proposals of `question` with the same text (case, accents
    and punctuation aside), the published ones first."""
    duplicates = Proposal.objects.filter(
        question=question,
        fingerprint=text_fingerprint(text),
        status__in=Status.LIVE,
    ).order_by("-status", "pk")
    return duplicates.exclude(pk=exclude.pk) if exclude is not None else duplicates


def edit_duplicate_refusal(proposal, question, text):
    """Why a moderator may not give `proposal` this `text` under `question`: the same
    as another live proposal of it (a proposal that is no longer live is not held to
    it). The admin's form shows it; `proposal_edit` applies it again."""
    if proposal.status in Status.LIVE:
        return duplicate_refusal(question, text, exclude=proposal)
    return None


def duplicate_refusal(question, text, *, exclude=None):
    """For moderators: why `text` would duplicate a live proposal, or None."""
    duplicate = live_duplicates(question, text, exclude=exclude).first()
    if duplicate is None:
        return None
    return _(
        "Une proposition identique existe déjà pour cette question (n° %(pk)s, "
        "%(status)s) : « %(text)s »."
    ) % {
        "pk": duplicate.pk,
        "status": duplicate.get_status_display().lower(),
        "text": duplicate.text,
    }
