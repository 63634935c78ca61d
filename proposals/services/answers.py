"""The organisers' official answers to proposals, one by one or from a CSV file."""

import csv
import io
import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _

from consultation.cache import content_changed
from consultation.models import User
from consultation.scopes import moderation_scope
from consultation.text import visible_text

from .. import permissions
from ..models import Answer, Proposal
from .common import ProposalActionError, locked_proposal, refuse_if


@transaction.atomic
def proposal_answer(
    *, proposal: Proposal, author: User, state: str, text: str | None
) -> Answer:
    """Give (or change) the official answer to a published proposal; the
    organisations concerned are told by `send_notifications`."""
    proposal = locked_proposal(proposal)
    refuse_if(permissions.answer_refusal(author, proposal))
    text = visible_text(text or "")
    if refusal := permissions.answer_content_refusal(state, text):
        raise ProposalActionError(refusal.capitalised())
    answer, _created = Answer.objects.update_or_create(
        proposal=proposal,
        defaults={
            "state": state,
            "text": text,
            "author": author,
            "scope": moderation_scope(author).label(),
            "notified_at": None,
        },
    )
    trajectory = proposal.question.trajectory
    content_changed(
        trajectory.consultation_id,
        trajectories=[trajectory.pk],
        proposals=[proposal.pk],
    )
    return answer


# A line of an answers file, read: (line number, proposal, state, text).
AnswerRow = tuple[int, Proposal, str, str]


class AnswerImportError(ProposalActionError):
    """Lines of an answers file that cannot be imported: [(line, reason)]."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in errors))
        self.errors = errors


def _proposal_id(cell: str) -> int | None:
    """The id in a cell, or None: ASCII digits only (Python's `isdigit` also takes
    « ² » or Arabic-Indic digits, which `int()` or the database then refuse)."""
    cell = cell.strip()
    return int(cell) if cell.isascii() and cell.isdigit() else None


def _control_character(text: str) -> str | None:
    """The first control character of `text` (line breaks and tabs aside), or None."""
    return next(
        (c for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r"),
        None,
    )


def answers_parse(text: str, *, author: User) -> list[AnswerRow]:
    """
    The rows of an answers file (`id,state,answer`, UTF-8, a header row) as
    [(line, proposal, state, text)], or AnswerImportError with every bad line.
    """
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header[:3] != ["id", "state", "answer"]:
        raise AnswerImportError([(1, _("l'en-tête doit être « id,state,answer »."))])
    rows, errors = [], []
    cells_by_line = [
        (line, cells) for line, cells in enumerate(reader, start=2) if cells
    ]
    wanted = {_proposal_id(cells[0]) for _, cells in cells_by_line}
    proposals = Proposal.objects.select_related(
        "question__trajectory__consultation"
    ).in_bulk([pk for pk in wanted if pk is not None])
    for line, cells in cells_by_line:
        if len(cells) < 3:
            errors.append((line, _("trois colonnes attendues : id, état, réponse.")))
            continue
        if control := _control_character("".join(cells)):
            errors.append(
                (
                    line,
                    _("caractère de contrôle %(char)s interdit.")
                    % {"char": f"U+{ord(control):04X}"},
                )
            )
            continue
        pk, state, answer_text = (
            cells[0].strip(),
            cells[1].strip(),
            visible_text(cells[2]),
        )
        proposal = proposals.get(_proposal_id(pk))
        if proposal is None:
            errors.append((line, _("aucune proposition n° %(pk)s.") % {"pk": pk}))
            continue
        refusal = permissions.answer_content_refusal(
            state, answer_text
        ) or permissions.answer_refusal(author, proposal)
        if refusal:
            errors.append((line, refusal))
            continue
        rows.append((line, proposal, state, answer_text))
    if errors:
        raise AnswerImportError(errors)
    return rows


@transaction.atomic
def answers_import(*, text: str, author: User) -> list[AnswerRow]:
    """Import an answers file: all its rows, or none (AnswerImportError)."""
    rows = answers_parse(text, author=author)
    for _line, proposal, state, answer_text in rows:
        proposal_answer(proposal=proposal, author=author, state=state, text=answer_text)
    return rows
