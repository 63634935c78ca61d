"""
Every change of state of proposals and votes goes through a function of this package:
one transaction, the rows locked or moved by the database itself (never read into Python
to be written back), and a `ProposalActionError` (with a message for the person) when a
rule forbids the change.

- `votes`: `vote_cast`, the only path that creates, changes or removes a vote;
- `submissions`: an organisation submits or withdraws its proposals;
- `moderation`: moderators publish or reject, each decision recorded;
- `arguments`: arguments for and against, their reports and their moderation;
- `cosignatures`: organisations invited to cosign a proposal, and their answers;
- `merges`: a moderator merges a duplicate proposal into another;
- `notifications`: following proposals and trajectories, and the mails it brings;
- `accounts`: what happens to proposals and votes when an account is deleted.

Workshop documents are imported by `proposals.imports`.
"""

from .accounts import account_delete, invitation_addresses_erase
from .answers import AnswerImportError, answers_import, answers_parse, proposal_answer
from .arguments import (
    argument_add,
    argument_hide,
    argument_keep,
    argument_remove,
    argument_report,
)
from .common import ProposalActionError, text_normalised
from .cosignatures import (
    cosignature_accept,
    cosignature_decline,
    cosignature_invite,
    cosignature_leave,
    cosignature_withdraw,
)
from .merges import merge_preview, proposal_merge
from .moderation import proposal_edit, proposal_publish, proposal_reject
from .notifications import (
    NOTIFICATION_BATCH,
    follows_proposal,
    follows_trajectory,
    notification_preferences_set,
    notifications_from_answers,
    notifications_from_digest,
    notifications_send,
    proposal_follow,
    trajectory_follow,
    user_unsubscribe,
)
from .submissions import (
    DuplicateProposal,
    WithdrawalNeedsConfirmation,
    proposal_submit,
    proposal_withdraw,
)
from .votes import participation_record, vote_cast, vote_counters_repair

__all__ = [
    "NOTIFICATION_BATCH",
    "DuplicateProposal",
    "ProposalActionError",
    "WithdrawalNeedsConfirmation",
    "AnswerImportError",
    "account_delete",
    "invitation_addresses_erase",
    "cosignature_accept",
    "cosignature_decline",
    "cosignature_invite",
    "cosignature_leave",
    "cosignature_withdraw",
    "argument_add",
    "argument_hide",
    "argument_keep",
    "argument_remove",
    "argument_report",
    "answers_import",
    "answers_parse",
    "proposal_answer",
    "proposal_edit",
    "proposal_follow",
    "follows_proposal",
    "follows_trajectory",
    "proposal_merge",
    "merge_preview",
    "notifications_from_answers",
    "notifications_from_digest",
    "notification_preferences_set",
    "notifications_send",
    "user_unsubscribe",
    "trajectory_follow",
    "text_normalised",
    "participation_record",
    "proposal_publish",
    "proposal_reject",
    "proposal_submit",
    "proposal_withdraw",
    "vote_cast",
    "vote_counters_repair",
]
