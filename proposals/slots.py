"""
The personal facts on the pages participants read (`consultation.shared_pages`): a
reader's vote on each proposal shown, and whether they follow the proposal or the
trajectory. Each is rendered in advance for every value it may take and read for a
person in one query.
"""

from django.db import connection
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
    """As `services.follows_proposal`, for several proposals in one statement: the
    choice made, else followed when own (author or accepted cosigner) or voted, as the
    account asks. Written out: the ORM took longer to build it than the database to
    run it, on every shared proposal page."""
    ids = [int(key) for key in keys]
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        "SELECT p.id, "  # noqa: S608 (tables: the models')
        f"(SELECT f.following FROM {Follow._meta.db_table} f "
        " WHERE f.proposal_id = p.id AND f.user_id = %s), "
        "(p.author_id = %s OR EXISTS ("
        f" SELECT 1 FROM {CoSignature._meta.db_table} c WHERE c.proposal_id = p.id"
        " AND c.cosigner_id = %s AND c.status = %s)), "
        f"EXISTS (SELECT 1 FROM {Vote._meta.db_table} v "
        " WHERE v.proposal_id = p.id AND v.voter_id = %s) "
        f"FROM {Proposal._meta.db_table} p WHERE p.id IN ({marks})"
    )
    params = [user.pk, user.pk, user.pk, CoSignatureStatus.ACCEPTED, user.pk, *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        pk: bool(chosen)
        if chosen is not None
        else bool(user.follows_own and own or user.follows_voted and voted)
        for pk, chosen, own, voted in rows
    }


def _follows_trajectories(user, keys):
    return dict.fromkeys(
        Follow.objects.filter(
            user=user, trajectory_id__in=keys, following=True
        ).values_list("trajectory_id", flat=True),
        True,
    )


def _follow_kind(name, url_name, facts):
    """A follow button (`follow_form.html`): followed or not, posting to `url_name`."""
    return SlotKind(
        name,
        values=[False, True],
        default=False,
        render=_render_include(
            "proposals/includes/follow_form.html",
            values=lambda key, value: {
                "following": value,
                "action": reverse(url_name, args=[key]),
            },
        ),
        facts=facts,
    )


FOLLOW_PROPOSAL = _follow_kind("follow-proposal", "proposal_follow", _follows_proposals)
FOLLOW_TRAJECTORY = _follow_kind(
    "follow-trajectory", "trajectory_follow", _follows_trajectories
)
