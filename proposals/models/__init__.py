"""Proposals answering guiding questions, the votes cast on them, and what is recorded
around them (moderation, tallies, workshops, official answers): one module each."""

from .answers import Answer, AnswerState
from .choices import Choice, Source, Status, choice_counts, counters_non_negative
from .moderation import ModerationAction, ModerationEvent, RejectionReason
from .proposals import Proposal, ProposalQuerySet
from .tallies import Participation, TallyDimension, VoteTally
from .votes import Vote, VoteQuerySet
from .workshops import Workshop

__all__ = [
    "Answer",
    "AnswerState",
    "Choice",
    "ModerationAction",
    "ModerationEvent",
    "Participation",
    "Proposal",
    "ProposalQuerySet",
    "RejectionReason",
    "Source",
    "Status",
    "TallyDimension",
    "Vote",
    "VoteQuerySet",
    "VoteTally",
    "Workshop",
    "choice_counts",
    "counters_non_negative",
]
