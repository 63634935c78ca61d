"""
The personal facts on the pages participants read (`consultation.shared_pages`): a
reader's vote on each proposal shown, and whether they follow the proposal or the
trajectory. Each is rendered in advance for every value it may take and read for a
person with every other fact of the page in one statement: each kind gives its part,
whose rows are (fact_key, fact_value), written out because the ORM took longer to
build them than the database to run them.
"""

from django.urls import reverse

from consultation.shared_pages import SlotKind

from .models import (
    Choice,
    CoSignature,
    CoSignatureStatus,
    Follow,
    NotificationPreferences,
    Proposal,
    Vote,
)


def _render_include(template_name, values):
    def render(context, key, value):
        template = context.template.engine.get_template(template_name)
        with context.push(**values(key, value)):
            return template.render(context)

    return render


def _marks(keys):
    return ", ".join(["%s"] * len(keys))


def _votes(user, keys):
    sql = (
        "SELECT proposal_id AS fact_key, choice AS fact_value "  # noqa: S608
        f"FROM {Vote._meta.db_table} "
        f"WHERE voter_id = %s AND proposal_id IN ({_marks(keys)})"
    )
    return sql, [user.pk, *keys]


VOTE = SlotKind(
    "vote",
    values=[None, *Choice.values],
    default=None,
    render=_render_include(
        "proposals/includes/vote_choice.html",
        values=lambda key, value: {"my_vote": value},
    ),
    facts=_votes,
    parse=str,
    keyed=False,
)


def _follows_proposals(user, keys):
    """As `services.follows_proposal`: the choice made, else followed when own
    (author or accepted cosigner) or voted, as the account asks."""
    sql = (
        "SELECT p.id AS fact_key, CASE "  # noqa: S608 (tables: the models')
        " WHEN f.following IS NOT NULL THEN"
        "  CASE WHEN f.following THEN 'true' ELSE 'false' END"
        " WHEN COALESCE(n.follows_own, %s) AND (p.author_id = %s OR EXISTS ("
        f"  SELECT 1 FROM {CoSignature._meta.db_table} c WHERE c.proposal_id = p.id"
        "   AND c.cosigner_id = %s AND c.status = %s)) THEN 'true'"
        f" WHEN COALESCE(n.follows_voted, %s) AND EXISTS ("
        f"  SELECT 1 FROM {Vote._meta.db_table} v"
        "  WHERE v.proposal_id = p.id AND v.voter_id = %s) THEN 'true'"
        " ELSE 'false' END AS fact_value "
        f"FROM {Proposal._meta.db_table} p LEFT JOIN {Follow._meta.db_table} f"
        " ON f.proposal_id = p.id AND f.user_id = %s "
        f"LEFT JOIN {NotificationPreferences._meta.db_table} n ON n.user_id = %s "
        f"WHERE p.id IN ({_marks(keys)})"
    )
    # Without a row of preferences, the defaults: both followed.
    params = [True, user.pk, user.pk, CoSignatureStatus.ACCEPTED]
    params += [True, user.pk, user.pk, user.pk, *keys]
    return sql, params


def _follows_trajectories(user, keys):
    sql = (
        "SELECT trajectory_id AS fact_key, 'true' AS fact_value "  # noqa: S608
        f"FROM {Follow._meta.db_table} "
        f"WHERE user_id = %s AND following AND trajectory_id IN ({_marks(keys)})"
    )
    return sql, [user.pk, *keys]


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
        parse=lambda text: text == "true",
    )


FOLLOW_PROPOSAL = _follow_kind("follow-proposal", "proposal_follow", _follows_proposals)
FOLLOW_TRAJECTORY = _follow_kind(
    "follow-trajectory", "trajectory_follow", _follows_trajectories
)
