"""
The personal facts on the pages participants read (`consultation.shared_pages`): a
reader's vote on each proposal shown, and whether they follow the proposal or the
trajectory. Each is rendered in advance for every value it may take and read for a
person in one query.
"""

from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.urls import reverse

from consultation.shared_pages import SlotKind

from .models import Choice, CoSignature, CoSignatureStatus, Follow, Proposal, Vote


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
    """As `services.follows_proposal`, for several proposals in one query: the choice
    made, else followed when own (author or accepted cosigner) or voted, as the
    account asks."""
    rows = Proposal.objects.filter(pk__in=keys).annotate(
        chosen=Subquery(
            Follow.objects.filter(user=user, proposal=OuterRef("pk")).values(
                "following"
            )[:1]
        ),
        own=Value(user.follows_own)
        & (
            Q(author=user)
            | Exists(
                CoSignature.objects.filter(
                    proposal=OuterRef("pk"),
                    cosigner=user,
                    status=CoSignatureStatus.ACCEPTED,
                )
            )
        ),
        voted=Value(user.follows_voted)
        & Exists(Vote.objects.filter(proposal=OuterRef("pk"), voter=user)),
    )
    return {
        pk: chosen if chosen is not None else bool(own or voted)
        for pk, chosen, own, voted in rows.values_list("pk", "chosen", "own", "voted")
    }


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
