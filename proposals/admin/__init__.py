"""The proposals' admin: moderation (`proposals`) and workshop imports (`imports`)."""

from .proposals import ProposalAdmin, VoteAdmin

__all__ = ["ProposalAdmin", "VoteAdmin"]
