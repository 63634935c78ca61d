"""
The personal facts on the pages participants read (`consultation.shared_pages`): a
reader's vote on each proposal shown, and whether they follow the proposal or the
trajectory. Each is rendered in advance for every value it may take and read for a
person in one query.
"""

from django.db.models import Q
from django.urls import reverse

from consultation.shared_pages import SlotKind

from .models import Choice, CoSignatureStatus, Follow, Proposal, Vote


def _render_include(template_name, values):
    def render(context, key, value):
        template = context.template.engine.get_template(template_name)
        with context.push(**values(key, value)):
            return template.render(context)

    return render


def _votes(user, keys):
    return dict(
        Vote.objects.filter(voter=user, proposal_id__in=keys).values_list(
            "proposal_id", "choice"
        )
    )


VOTE = SlotKind(
    "vote",
    values=[None, *Choice.values],
    default=None,
    render=_render_include(
        "proposals/includes/vote_choice.html",
        values=lambda key, value: {"my_vote": value},
    ),
    facts=_votes,
)


def _follows_proposals(user, keys):
    """As `services.follows_proposal`, for several proposals at once: the choice
    made, else followed when own (author or cosigner) or voted, as the account asks."""
    followed = {}
    if user.follows_own:
        own = Proposal.objects.filter(pk__in=keys).filter(
            Q(author=user)
            | Q(
                cosignatures__cosigner=user,
                cosignatures__status=CoSignatureStatus.ACCEPTED,
            )
        )
        followed |= dict.fromkeys(own.values_list("pk", flat=True), True)
    if user.follows_voted:
        followed |= dict.fromkeys(_votes(user, keys), True)
    followed |= dict(
        Follow.objects.filter(user=user, proposal_id__in=keys).values_list(
            "proposal_id", "following"
        )
    )
    return followed


def _follows_trajectories(user, keys):
    return dict.fromkeys(
        Follow.objects.filter(
            user=user, trajectory_id__in=keys, following=True
        ).values_list("trajectory_id", flat=True),
        True,
    )


FOLLOW_PROPOSAL = SlotKind(
    "follow-proposal",
    values=[False, True],
    default=False,
    render=_render_include(
        "proposals/includes/follow_form.html",
        values=lambda key, value: {
            "following": value,
            "action": reverse("proposal_follow", args=[key]),
        },
    ),
    facts=_follows_proposals,
)
FOLLOW_TRAJECTORY = SlotKind(
    "follow-trajectory",
    values=[False, True],
    default=False,
    render=_render_include(
        "proposals/includes/follow_form.html",
        values=lambda key, value: {
            "following": value,
            "action": reverse("trajectory_follow", args=[key]),
        },
    ),
    facts=_follows_trajectories,
)
