"""Proposals answering guiding questions, the votes cast on them, and what is recorded
around them (moderation, tallies, workshops, official answers): one module each."""

from .answers import ANSWER_MAX_LENGTH, Answer, AnswerState
from .arguments import (
    ARGUMENT_MAX_LENGTH,
    ARGUMENT_MIN_LENGTH,
    Argument,
    ArgumentReport,
    ArgumentStatus,
    ReportReason,
    Side,
)
from .choices import Choice, Source, Status, choice_counts, counters_non_negative
from .cosignatures import (
    ACTIVE_STATUSES,
    COSIGNERS_MAX,
    CoSignature,
    CoSignatureStatus,
)
from .exposures import Exposure
from .moderation import ModerationAction, ModerationEvent, RejectionReason
from .notifications import (
    Follow,
    Notification,
    NotificationKind,
    NotificationPreferences,
    NotificationState,
    preferences_of,
)
from .proposals import (
    PROPOSAL_MAX_LENGTH,
    PROPOSAL_MIN_LENGTH,
    Proposal,
    ProposalQuerySet,
)
from .tallies import Participation, TallyDimension, VoteTally
from .votes import Vote, VoteQuerySet
from .workshops import Workshop

__all__ = [
    "preferences_of",
    "ANSWER_MAX_LENGTH",
    "PROPOSAL_MAX_LENGTH",
    "PROPOSAL_MIN_LENGTH",
    "ACTIVE_STATUSES",
    "COSIGNERS_MAX",
    "CoSignature",
    "CoSignatureStatus",
    "ARGUMENT_MAX_LENGTH",
    "ARGUMENT_MIN_LENGTH",
    "Answer",
    "AnswerState",
    "Argument",
    "ArgumentReport",
    "ArgumentStatus",
    "Choice",
    "Exposure",
    "Follow",
    "Notification",
    "NotificationKind",
    "NotificationPreferences",
    "NotificationState",
    "ModerationAction",
    "ModerationEvent",
    "Participation",
    "Proposal",
    "ProposalQuerySet",
    "RejectionReason",
    "ReportReason",
    "Side",
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
