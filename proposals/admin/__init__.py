"""The proposals' admin: moderation (`proposals`), arguments and their reports
(`arguments`) and workshop imports (`imports`)."""

from .arguments import ArgumentAdmin
from .proposals import ProposalAdmin, VoteAdmin, WorkshopAdmin

__all__ = ["ArgumentAdmin", "ProposalAdmin", "VoteAdmin", "WorkshopAdmin"]
