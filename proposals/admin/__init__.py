"""The proposals' admin: moderation (`proposals`) and workshop imports (`imports`)."""

from .proposals import ProposalAdmin, VoteAdmin, WorkshopAdmin

__all__ = ["ProposalAdmin", "VoteAdmin", "WorkshopAdmin"]
