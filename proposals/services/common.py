"""What every service of proposals shares: the refusal exception, the row lock and a
proposal's text as it is stored."""

from consultation.text import visible_text

from ..models import Proposal


class ProposalActionError(Exception):
    """A rule forbids the change: the message is meant for the person who asked,
    `code` for scripts and tests (`permissions.Refusal`)."""

    def __init__(self, refusal: str) -> None:
        super().__init__(refusal)
        self.code = getattr(refusal, "code", "refused")


def refuse_if(refusal: str | None) -> None:
    """Raise `refusal` (a predicate's answer, see `permissions`) unless it is None."""
    if refusal is not None:
        raise ProposalActionError(refusal)


def locked_proposal(proposal: Proposal) -> Proposal:
    """Lock the proposal's row until the end of the transaction and read it afresh."""
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("question__trajectory__consultation")
        .get(pk=proposal.pk)
    )


def text_normalised(text: str) -> str:
    """A proposal's text as it is stored (`consultation.text.visible_text`)."""
    return visible_text(text)
