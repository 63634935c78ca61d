"""
Who may do what with proposals: small predicates, used by views to show or hide an
action and by services to enforce it.

They read `proposal.question.trajectory.consultation`: callers select it in advance.
"""

from .models import Status


def is_participant(user):
    """An active account with a confirmed email that speaks for an organisation."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organisation
        and user.email_confirmed_at is not None
    )


def can_view_proposal(user, proposal):
    """Published proposals are public; others only to their author and moderators."""
    if proposal.status == Status.PUBLISHED:
        return proposal.question.trajectory.consultation.is_public
    return user.is_authenticated and (
        proposal.author_id == user.pk or can_moderate_proposals(user)
    )


def can_vote_proposal(user, proposal):
    """Participants vote on published proposals while the phase allows votes."""
    return (
        is_participant(user)
        and proposal.status == Status.PUBLISHED
        and proposal.question.trajectory.consultation.accepts_votes
    )


def can_submit_proposal(user, question):
    """Participants submit proposals while the phase allows contributions."""
    return is_participant(user) and question.trajectory.consultation.accepts_proposals


def can_withdraw_proposal(user, proposal):
    """Authors may withdraw their own proposal while it is pending or published."""
    return (
        user.is_authenticated
        and proposal.author_id == user.pk
        and proposal.status in (Status.PENDING, Status.PUBLISHED)
    )


def can_moderate_proposals(user):
    """Moderators: staff allowed to change proposals (the "Modérateurs" group)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("proposals.change_proposal")
    )
