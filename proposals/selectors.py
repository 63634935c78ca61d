"""Reads of proposals: what the public may see, with the relations each page needs."""

import datetime
import functools
import hashlib
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)

from consultation.cache import STRUCTURE, content_versions, trajectory_scope
from consultation.models import AccountMailKind, Consultation, Region, User
from consultation.scopes import moderation_scope
from trajectories.models import GuidingQuestion, Trajectory

from .models import (
    AnswerState,
    Argument,
    Choice,
    CoSignature,
    CoSignatureStatus,
    Follow,
    Notification,
    NotificationPreferences,
    NotificationState,
    Participation,
    Proposal,
    Side,
    Source,
    Status,
    TallyDimension,
    Vote,
    VoteTally,
    Workshop,
    choice_counts,
    preferences_of,
)
from .permissions import Person
from .ranking import RANKING_MIN_VOTES
from .search import proposal_search

# How long a trajectory's shuffled order is kept once computed (a new content version
# makes a new one at once).
SHUFFLED_ORDER_SECONDS = 60 * 60


class Sort:
    RANDOM = "random"
    BEST = "best"
    RECENT = "recent"
    DEBATED = "debated"


ORDERINGS = {
    Sort.BEST: ["-score", "-vote_count", "pk"],
    Sort.RECENT: ["-published_at", "-pk"],
    Sort.DEBATED: ["-vote_count", "pk"],
}


# What a page shows of a proposal: its question, trajectory, theme and consultation
# (their addresses name it), region and author.
PROPOSAL_PAGE_RELATIONS = [
    "answer",
    "question__trajectory__theme__consultation",
    "question__trajectory__consultation",
    "region",
    "author",
]


def proposal_list() -> QuerySet[Proposal]:
    """Every proposal, whatever its consultation and status (check who may see it),
    with the workshops it comes from."""
    return Proposal.objects.select_related(*PROPOSAL_PAGE_RELATIONS).prefetch_related(
        Prefetch("workshops", queryset=Workshop.objects.select_related("region"))
    )


def proposal_public_list(*, consultation: Consultation) -> QuerySet[Proposal]:
    """Published proposals of a consultation, with what a page shows of each."""
    return Proposal.objects.public_in(consultation).select_related(
        *PROPOSAL_PAGE_RELATIONS
    )


def consultation_archive_list() -> list[Consultation]:
    """The public consultations, the current first, each with its key figures counted
    in three grouped queries whatever their number (`proposals`, `votes`,
    `organisations`)."""
    consultations = list(Consultation.objects.public().order_by("-opens_at", "-pk"))
    ids = [consultation.pk for consultation in consultations]
    totals = {
        row["question__trajectory__consultation"]: row
        for row in Proposal.objects.on_record()
        .filter(question__trajectory__consultation__in=ids)
        .order_by()
        .values("question__trajectory__consultation")
        .annotate(
            proposals=Count("id", filter=Q(status=Status.PUBLISHED)),
            votes=Sum("vote_count"),
        )
    }
    organisations = dict(
        Participation.objects.filter(consultation__in=ids)
        .order_by()
        .values_list("consultation")
        .annotate(count=Count("id"))
    )
    for consultation in consultations:
        row = totals.get(consultation.pk, {})
        consultation.figures = {
            "proposals": row.get("proposals", 0),
            "votes": row.get("votes") or 0,
            "organisations": organisations.get(consultation.pk, 0),
        }
    return consultations


def with_voter_choice(
    proposals: QuerySet[Proposal], voter: Person
) -> QuerySet[Proposal]:
    """Annotate each proposal with `voter`'s choice (`my_vote`), in the same query."""
    if not voter.is_authenticated:
        return proposals
    mine = Vote.objects.filter(proposal=OuterRef("pk"), voter=voter).values("choice")[
        :1
    ]
    # The model declares `my_vote`: this fills it.
    return proposals.annotate(my_vote=Subquery(mine))  # type: ignore[no-redef]


def proposal_trajectory_list(
    *,
    trajectory: Trajectory,
    sort: str = Sort.RANDOM,
    seed: int = 0,
    question: GuidingQuestion | None = None,
    region: Region | None = None,
    organisation_type: str | None = None,
    source: str | None = None,
    search: str = "",
    workshop: Workshop | None = None,
    answer: str | None = None,
) -> QuerySet[Proposal] | list[int]:
    """A trajectory's published proposals, filtered, in the visitor's chosen order."""
    proposals = Proposal.objects.public_in(trajectory.consultation_id).filter(
        question__trajectory=trajectory
    )
    if question is not None:
        proposals = proposals.filter(question=question)
    if region:
        proposals = proposals.filter(region_id=region)
    if organisation_type:
        proposals = proposals.filter(organisation_type=organisation_type)
    if source:
        proposals = proposals.filter(source=source)
    if workshop:
        proposals = proposals.filter(workshops=workshop)
    if answer:
        proposals = proposals.filter(answer__state=answer)
    if search:
        proposals, ranked = proposal_search(proposals, search)
        if ranked and sort == Sort.RANDOM:
            # Searching, and no order asked for: the most relevant first.
            return proposals.order_by("-relevance", "pk")
    if sort == Sort.RANDOM:
        order = shuffled_ids(trajectory, seed)
        filters = [question, region, organisation_type, source, workshop, answer]
        if not any([*filters, search]):
            return order  # the whole order
        shown = set(proposals.values_list("pk", flat=True))
        # Any published since the order was kept (its content version not yet moved)
        # takes its place in the order too.
        unknown = shown.difference(order)
        if unknown:
            order = _shuffled([*order, *unknown], seed)
        return [pk for pk in order if pk in shown]
    return proposals.order_by(*ORDERINGS[sort])


def _shuffled(ids: Iterable[int], seed: int) -> list[int]:
    """`ids` ordered by a hash of each salted with the visitor's seed: a stable,
    well-mixed order for each visitor (no random())."""
    return sorted(
        ids,
        key=lambda pk: (
            hashlib.md5(f"{pk}:{seed}".encode(), usedforsecurity=False).digest(),
            pk,
        ),
    )


def page_number(value: object) -> int | None:
    """The page asked, or None: ASCII digits, 1 or more (Python's `isdigit` also
    takes « ² » or Arabic-Indic digits, which `int()` refuses)."""
    value = str(value or "")
    if value.isascii() and value.isdigit() and int(value) > 0:
        return int(value)
    return None


def shuffled_ids(trajectory: Trajectory, seed: int) -> list[int]:
    """
    The ids of a trajectory's published proposals in the order of `seed`: computed
    once per order and content version of the trajectory (a decision on one of its
    proposals, a change of structure) and kept, not hashed again at each request.
    """
    scopes = [trajectory_scope(trajectory.pk), STRUCTURE]
    versions = content_versions(scopes)
    key = ":".join(
        ["shuffled", str(trajectory.pk), str(seed), *(str(versions[s]) for s in scopes)]
    )
    order = cache.get(key)
    if order is None:
        ids = (
            Proposal.objects.public_in(trajectory.consultation_id)
            .filter(question__trajectory=trajectory)
            .values_list("pk", flat=True)
        )
        order = _shuffled(ids, seed)
        cache.set(key, order, timeout=SHUFFLED_ORDER_SECONDS)
    return order


def counts_of(proposals: Iterable[Proposal]) -> dict[int, tuple[int, int, int]]:
    """{id: (agree, mixed, disagree)} of proposals already read."""
    return {p.pk: (p.agree_count, p.mixed_count, p.disagree_count) for p in proposals}


def current_counts(ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """{id: (agree, mixed, disagree)} as they are now (`counts_of`'s, read again)."""
    return {
        pk: (agree, mixed, disagree)
        for pk, agree, mixed, disagree in Proposal.objects.filter(
            pk__in=ids
        ).values_list("pk", "agree_count", "mixed_count", "disagree_count")
    }


def proposal_page(
    proposals: QuerySet[Proposal] | list[int],
    *,
    number: str | int | None,
    per_page: int,
    voter: Person,
) -> Page[Any]:
    """
    One page of `proposals` (a queryset, or their ids in order): the order and the
    count are computed on ids alone (a narrow sort), then only the page's rows are
    read with what a card shows.
    """
    page: Page[Any]
    if isinstance(proposals, list):  # ids already in order
        page = Paginator(proposals, per_page).get_page(number)
    else:
        page = _page_with_count(proposals, number, per_page)
    ids = list(page.object_list)
    rows = with_voter_choice(
        Proposal.objects.filter(pk__in=ids).select_related(
            "question", "region", "author", "answer"
        ),
        voter,
    ).in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids]
    return page


def _page_with_count(
    proposals: QuerySet[Proposal], number: str | int | None, per_page: int
) -> Page[Any]:
    """A page of `proposals`' ids and their count in one statement (a window count
    beside the page's ids: a search runs once, not once more to count); a page past
    the end gives the last, as `Paginator.get_page` does."""
    number = page_number(number) or 1
    start = (number - 1) * per_page
    rows = list(
        proposals.annotate(total=Window(Count("pk"))).values_list("pk", "total")[
            start : start + per_page
        ]
    )
    paginator = Paginator(proposals.values_list("pk", flat=True), per_page)
    if not rows:
        return paginator.get_page(number)
    paginator.count = rows[0][1]  # known: not counted again
    return Page([pk for pk, _total in rows], number, paginator)


def consultation_figures(
    *,
    consultation: Consultation,
    voting_regions: Iterable[str | None] | None = None,
    proposing_regions: Iterable[str | None] | None = None,
    by_source: bool = False,
    by_trajectory: bool = False,
) -> dict[str, Any]:
    """
    Key figures: published proposals, votes (those on withdrawn proposals included:
    they were cast), organisations and regions involved. `voting_regions` and
    `proposing_regions`, when the caller has them (from the tallies, from the
    proposals), save a query each. With `by_source`, the same query also counts the
    published proposals and their votes of each source (`sources`: {source:
    {"proposals", "agree", "mixed", "disagree"}}); with `by_trajectory`, it is
    grouped by trajectory (`trajectories`: {trajectory id: {"proposals", "agree",
    "mixed", "disagree"}}) and summed here.
    """
    published = Proposal.objects.public_in(consultation)
    on_record = Proposal.objects.on_record_in(consultation)
    measures = figure_measures(by_source=by_source, by_trajectory=by_trajectory)
    groups = None
    if by_trajectory:
        groups = list(
            on_record.order_by().values("question__trajectory").annotate(**measures)
        )
        totals = {name: sum(group[name] or 0 for group in groups) for name in measures}
    else:
        totals = on_record.aggregate(**measures)
    if voting_regions is None:
        voting_regions = (
            VoteTally.objects.filter(
                proposal__in=on_record, dimension=TallyDimension.REGION, key__gt=""
            )
            .filter(
                Q(agree_count__gt=0) | Q(mixed_count__gt=0) | Q(disagree_count__gt=0)
            )
            .order_by()
            .values_list("key", flat=True)
            .distinct()
        )
    if proposing_regions is None:
        proposing_regions = (
            published.exclude(region=None)
            .order_by()
            .values_list("region", flat=True)
            .distinct()
        )
    return figures_from_totals(
        totals,
        groups,
        organisations=Participation.objects.filter(consultation=consultation).count(),
        regions=len(set(voting_regions) - {""} | set(proposing_regions)),
        by_source=by_source,
    )


def figure_measures(*, by_source: bool, by_trajectory: bool) -> dict[str, Aggregate]:
    """What `consultation_figures` counts over the proposals on record, by name."""
    breakdown_counts: dict[str, Aggregate] = {}
    if by_source:
        for state in AnswerState.values:
            breakdown_counts[f"answers__{state}"] = Count(
                "id", filter=Q(status=Status.PUBLISHED, answer__state=state)
            )
        for source in Source.values:
            mine = Q(status=Status.PUBLISHED, source=source)
            breakdown_counts[f"{source}__proposals"] = Count("id", filter=mine)
            for choice in Choice.values:
                breakdown_counts[f"{source}__{choice}"] = Sum(
                    f"{choice}_count", filter=mine
                )
    if by_trajectory:
        for choice in Choice.values:
            breakdown_counts[f"trajectory__{choice}"] = Sum(f"{choice}_count")
    return {
        "proposals": Count("id", filter=Q(status=Status.PUBLISHED)),
        "unranked": Count(
            "id",
            filter=Q(status=Status.PUBLISHED, vote_count__lt=RANKING_MIN_VOTES),
        ),
        "votes": Sum("vote_count"),
        **breakdown_counts,
    }


def figures_from_totals(
    totals: dict[str, Any],
    groups: list[dict[str, Any]] | None,
    *,
    organisations: int,
    regions: int,
    by_source: bool,
) -> dict[str, Any]:
    """The key figures from `figure_measures`' totals (and, by trajectory, its rows
    grouped by `question__trajectory`)."""
    figures = {
        "proposals": totals["proposals"] or 0,
        # published, with too few votes to be ranked
        "unranked": totals["unranked"] or 0,
        "votes": totals["votes"] or 0,
        "organisations": organisations,
        "regions": regions,
    }
    if by_source:
        figures["answers"] = {
            state: totals[f"answers__{state}"] or 0 for state in AnswerState.values
        }
        figures["sources"] = {
            source: {
                measure: totals[f"{source}__{measure}"] or 0
                for measure in ("proposals", *Choice.values)
            }
            for source in Source.values
        }
    if groups is not None:
        figures["trajectories"] = {
            group["question__trajectory"]: {
                "proposals": group["proposals"] or 0,
                **{
                    choice: group[f"trajectory__{choice}"] or 0
                    for choice in Choice.values
                },
            }
            for group in groups
        }
    return figures


def proposal_list_by_author(*, author: User) -> QuerySet[Proposal]:
    """An author's proposals, whatever their status, newest first."""
    return (
        Proposal.objects.filter(author=author)
        .select_related("question__trajectory__consultation")
        .order_by("-created_at", "-pk")
    )


def vote_list_by_voter(*, voter: User) -> QuerySet[Vote]:
    """A voter's votes with their proposals, most recently changed first."""
    return (
        Vote.objects.filter(voter=voter)
        .select_related("proposal__question__trajectory")
        .order_by("-updated_at", "-pk")
    )


def account_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about an account, as data it can download."""
    preferences = preferences_of(user)
    return {
        "account": {
            "email": user.email,
            "organisation": user.organisation,
            "organisation_type": user.organisation_type or None,
            "region": user.region_id,
            "legal_identifier": user.legal_identifier or None,
            "organisation_verified": user.organisation_verified,
            "email_confirmed_at": _iso(user.email_confirmed_at),
            "terms_accepted_at": _iso(user.terms_accepted_at),
            "terms_version": user.terms_version or None,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "follows_own": preferences.follows_own,
            "follows_voted": preferences.follows_voted,
            "mails_off": list(preferences.mails_off),
        },
        "follows": [
            {
                "proposal_id": follow.proposal_id,
                "trajectory_id": follow.trajectory_id,
                "following": follow.following,
                "created_at": _iso(follow.created_at),
            }
            for follow in user.follows.order_by("pk")
        ],
        "proposals": [
            {
                "id": proposal.pk,
                "trajectory_number": proposal.question.trajectory.number,
                "question": proposal.question.text,
                "text": proposal.text,
                "status": proposal.status,
                "moderation_reason": proposal.moderation_reason or None,
                "created_at": _iso(proposal.created_at),
                "votes": {
                    "agree": proposal.agree_count,
                    "mixed": proposal.mixed_count,
                    "disagree": proposal.disagree_count,
                },
            }
            for proposal in Proposal.objects.filter(author=user)
            .select_related("question__trajectory")
            .order_by("pk")
        ],
        "votes": [
            {
                "proposal_id": vote.proposal_id,
                "proposal_text": vote.proposal.text,
                "choice": vote.choice,
                "created_at": _iso(vote.created_at),
                "updated_at": _iso(vote.updated_at),
            }
            for vote in Vote.objects.filter(voter=user)
            .select_related("proposal")
            .order_by("pk")
        ],
        "arguments": [
            {
                "proposal_id": argument.proposal_id,
                "side": argument.side,
                "text": argument.text,
                "status": argument.status,
                "hidden_reason": argument.hidden_reason or None,
                "created_at": _iso(argument.created_at),
            }
            for argument in Argument.objects.filter(author=user).order_by("pk")
        ],
        "cosignatures": [
            {
                "proposal_id": cosignature.proposal_id,
                "status": cosignature.status,
                "invited_at": _iso(cosignature.invited_at),
                "answered_at": _iso(cosignature.answered_at),
            }
            for cosignature in CoSignature.objects.filter(
                Q(cosigner=user) | Q(email=user.email)
            ).order_by("pk")
        ],
        "argument_reports": [
            {
                "argument_id": report.argument_id,
                "reason": report.reason,
                "created_at": _iso(report.created_at),
            }
            for report in user.argument_reports.order_by("pk")
        ],
    }


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def proposal_counter_drift() -> QuerySet[Proposal]:
    """Proposals whose counters differ from their vote rows, with the true counts
    (`true_agree`, `true_mixed`, `true_disagree`)."""
    counted = Proposal.objects.annotate(
        **{
            f"true_{choice}": count
            for choice, count in choice_counts(through="votes__").items()
        }
    )
    return counted.exclude(
        **{f"{choice}_count": F(f"true_{choice}") for choice in Choice.values}
    ).order_by("pk")


def vote_tally_drift() -> set[int]:
    """Ids of the proposals whose per-group tallies differ from their vote rows."""
    drifting = set()
    for dimension in TallyDimension.values:  # each is also a field of `Vote`
        true_counts = {
            (row["proposal"], row[dimension] or ""): tuple(
                row[choice] for choice in Choice.values
            )
            for row in Vote.objects.choice_counts_by("proposal", dimension)
        }
        stored = {
            (proposal, key): counts
            for proposal, key, *counts in VoteTally.objects.filter(
                dimension=dimension
            ).values_list(
                "proposal", "key", "agree_count", "mixed_count", "disagree_count"
            )
        }
        for group in true_counts.keys() | stored.keys():
            if tuple(stored.get(group, (0, 0, 0))) != true_counts.get(group, (0, 0, 0)):
                drifting.add(group[0])
    return drifting


RETENTION = datetime.timedelta(days=365)


def account_past_retention_list(*, now: datetime.datetime) -> QuerySet[User]:
    """
    Accounts whose personal data the privacy page promises to delete by `now`: one
    year after the closing of the last consultation they took part in, or, for those
    that never took part, a year after they signed up and last logged in. Staff
    accounts are kept.
    """
    cutoff = now - RETENTION
    not_long_closed = Consultation.objects.filter(
        Q(closes_at__isnull=True) | Q(closes_at__gt=cutoff)
    )
    idle = Q(date_joined__lt=cutoff) & (
        Q(last_login__isnull=True) | Q(last_login__lt=cutoff)
    )
    return (
        get_user_model()
        .objects.filter(is_staff=False, is_superuser=False)
        .exclude(participations__consultation__in=not_long_closed)
        .filter(Q(participations__isnull=False) | idle)
        .distinct()
        .order_by("pk")
    )


# Where each kind of object is, for a moderator's scope (`consultation.scopes.Scope`):
# the lookups of its region and its consultation.
PROPOSAL_PLACE = {
    "region": "region",
    "consultation": "question__trajectory__consultation",
}
ARGUMENT_PLACE = {axis: f"proposal__{path}" for axis, path in PROPOSAL_PLACE.items()}
VOTE_PLACE = ARGUMENT_PLACE
WORKSHOP_PLACE = {"region": "region", "consultation": "consultation"}


def moderated_proposals(user: Person) -> QuerySet[Proposal]:
    """The proposals in `user`'s moderation scope (every one for a national
    moderator): the same rule as `permissions.scope_refusal`, as a query."""
    return moderation_scope(user).filter(Proposal.objects.all(), **PROPOSAL_PLACE)


def proposal_next_pending(
    after: Proposal, among: QuerySet[Proposal] | None = None
) -> Proposal | None:
    """The pending proposal that follows `after` in the moderation queue (oldest
    first) of `among` (a moderator's proposals), or the first one when none follows;
    None when the queue is empty."""
    pending = (
        (Proposal.objects.all() if among is None else among)
        .filter(status=Status.PENDING)
        .exclude(pk=after.pk)
        .order_by("created_at", "pk")
    )
    later = pending.filter(
        Q(created_at__gt=after.created_at)
        | Q(created_at=after.created_at, pk__gt=after.pk)
    ).first()
    return later or pending.first()


def moderation_queue_summary(user: Person) -> dict[str, Any]:
    """How many proposals of `user`'s scope wait for moderation, and the oldest one
    (`first_pk`), with the time it was submitted (`oldest`); how many reported
    arguments (`arguments`)."""
    scope = moderation_scope(user)
    pending = moderated_proposals(user).filter(status=Status.PENDING)
    oldest = pending.order_by("created_at", "pk").values("pk", "created_at").first()
    return {
        "pending": pending.count() if oldest else 0,
        "oldest": oldest["created_at"] if oldest else None,
        "first_pk": oldest["pk"] if oldest else None,
        "arguments": scope.filter(
            Argument.objects.to_review(), **ARGUMENT_PLACE
        ).count(),
    }


def argument_columns(proposal: Proposal) -> dict[str, list[Argument]]:
    """`proposal`'s published arguments in two columns, most recent first:
    {"for": [...], "against": [...]} (one query)."""
    columns: dict[str, list[Argument]] = {Side.FOR: [], Side.AGAINST: []}
    for argument in proposal.arguments.published().select_related("region"):
        columns[argument.side].append(argument)
    return {"for": columns[Side.FOR], "against": columns[Side.AGAINST]}


def own_argument(proposal: Proposal, user: Person) -> Argument | None:
    """`user`'s argument on `proposal`, published or hidden, or None."""
    if not user.is_authenticated:
        return None
    return proposal.arguments.filter(author=user).first()


def cosigner_list(proposal: Proposal) -> list[CoSignature]:
    """The organisations that cosign `proposal`, first accepted first (one query)."""
    return list(
        proposal.cosignatures.filter(status=CoSignatureStatus.ACCEPTED)
        .select_related("region")
        .order_by("answered_at", "pk")
    )


def invitation_list(proposal: Proposal) -> list[CoSignature]:
    """The invitations its author sent, and their answers, most recent first."""
    return list(proposal.cosignatures.order_by("-invited_at", "-pk"))


def invitations_for(user: User) -> list[CoSignature]:
    """The invitations to cosign addressed to `user`'s e-mail, not answered yet."""
    return list(
        CoSignature.objects.filter(email=user.email, status=CoSignatureStatus.INVITED)
        .select_related("proposal__question__trajectory", "proposal__author")
        .order_by("-invited_at")
    )


def cosignature_list_by(user: User) -> list[CoSignature]:
    """The proposals `user` cosigns."""
    return list(
        CoSignature.objects.filter(cosigner=user, status=CoSignatureStatus.ACCEPTED)
        .select_related("proposal")
        .order_by("-answered_at")
    )


def merged_into(proposal: Proposal) -> list[Proposal]:
    """The proposals merged into `proposal`, in the order of their merge."""
    return list(
        proposal.merged_proposals.order_by("updated_at", "pk").only(
            "pk", "text", "merged_into_id", "updated_at"
        )
    )


def follow_list(user: User) -> QuerySet[Follow]:
    """What `user` chose to follow: trajectories, then proposals, most recent first."""
    return (
        Follow.objects.filter(user=user, following=True)
        .select_related("trajectory__consultation", "proposal")
        .order_by("-created_at", "-pk")
    )


def confirmation_mail_waiting(user: User) -> bool:
    """Whether `user`'s latest confirmation mail has not gone out because the mail
    server failed (the queue tries it again, or gave up)."""
    latest = (
        Notification.objects.filter(user=user, kind=AccountMailKind.CONFIRMATION)
        .order_by("-pk")
        .values_list("state", "attempts")
        .first()
    )
    return latest is not None and latest[0] != NotificationState.SENT and latest[1] > 0


# What « Mon espace » shows of an account's own things: per table, the values read and
# the rows they are read from, with the parameters these need (`my_space_stamp`).
_MY_SPACE_PARTS = [
    ("votes", ["COUNT(*)", "MAX(updated_at)"], "voter_id = %s", ["pk"]),
    (
        "proposals",
        [
            "COUNT(*)",
            "MAX(updated_at)",
            "SUM(agree_count)",
            "SUM(mixed_count)",
            "SUM(disagree_count)",
        ],
        "author_id = %s",
        ["pk"],
    ),
    # Which rows are followed, not only how many: one followed, another not.
    (
        "follows",
        ["COUNT(*)", "SUM(id)"],
        "user_id = %s AND following = %s",
        ["pk", "true"],
    ),
    ("cosignatures", ["SUM(id)"], "email = %s AND status = %s", ["email", "invited"]),
    (
        "cosignatures",
        ["SUM(id)"],
        "cosigner_id = %s AND status = %s",
        ["pk", "accepted"],
    ),
    (
        "preferences",
        ["follows_own", "follows_voted", "mails_off"],
        "user_id = %s",
        ["pk"],
    ),
    (
        "notifications",
        ["id", "state", "attempts"],
        "user_id = %s AND kind = %s ORDER BY id DESC LIMIT 1",
        ["pk", "confirmation"],
    ),
]


@functools.cache
def _my_space_sql() -> str:
    """`_MY_SPACE_PARTS` as one statement, written once per process."""
    tables = {
        "votes": Vote._meta.db_table,
        "proposals": Proposal._meta.db_table,
        "follows": Follow._meta.db_table,
        "cosignatures": CoSignature._meta.db_table,
        "preferences": NotificationPreferences._meta.db_table,
        "notifications": Notification._meta.db_table,
    }
    # One text per table: fewer subqueries to plan (0.50 → 0.32 ms at the large tier).
    # The tables and columns are the constants above; every value is a parameter.
    subqueries = [
        "SELECT "  # noqa: S608
        + " || ',' || ".join(f"COALESCE(CAST({value} AS TEXT), '')" for value in read)
        + f" FROM {tables[table]} WHERE {where}"
        for table, read, where, _names in _MY_SPACE_PARTS
    ]
    return "SELECT " + ", ".join(f"({subquery})" for subquery in subqueries)


def my_space_stamp(user: User) -> str:
    """
    What « Mon espace » shows of `user`'s own things, condensed, in one statement
    (and the account's row, already read): it changes whenever the page would (a vote
    cast or changed, a proposal of theirs written, decided or voted on, a follow, an
    invitation or a cosignature, their e-mail choices, their confirmation mail, their
    organisation's details), so that a page kept for them with the
    same stamp is the page they would get rendered now
    (`consultation.shared_pages.kept_for_its_owner`).
    Changes to what others wrote (a text edited, a decision) bump the site's content
    version, which the kept page depends on too.
    """
    values: dict[str, Any] = {
        "pk": user.pk,
        "email": user.email,
        "true": True,
        "invited": CoSignatureStatus.INVITED.value,
        "accepted": CoSignatureStatus.ACCEPTED.value,
        "confirmation": AccountMailKind.CONFIRMATION.value,
    }
    params = [values[name] for *_part, names in _MY_SPACE_PARTS for name in names]
    with connection.cursor() as cursor:
        cursor.execute(_my_space_sql(), params)
        row = cursor.fetchone()
    # The account's own row as read for this request: its name, type, region,
    # confirmation… (all but what a login changes).
    account = [
        getattr(user, field.attname)
        for field in user._meta.concrete_fields
        if field.name not in ("password", "last_login")
    ]
    return repr((row, account))


# A model read by `proposal_for_vote`: its fields, each with its column and converters.
ReadPlan = list[tuple[Any, list[Any], list[tuple[Any, list[Any]]]]]


@functools.cache
def _vote_read_plan(vendor: str) -> tuple[str, ReadPlan]:
    """The statement of `proposal_for_vote` and, per model, its fields with their
    converters: built once per process (the ORM would build them at each vote)."""
    quote = connection.ops.quote_name
    # (model, alias, the fields read: all of them, or else its key and the next one's)
    chain: list[tuple[Any, str, list[Any] | None, str | None]] = [
        (Proposal, "proposal", list(Proposal._meta.concrete_fields), "question"),
        (GuidingQuestion, "question", None, "trajectory"),
        (Trajectory, "trajectory", None, "consultation"),
        (Consultation, "consultation", list(Consultation._meta.concrete_fields), None),
    ]
    columns, tables, plan = [], [], []
    joined_on = None  # the previous model's column that leads to this one
    for model, alias, read, leads_to in chain:
        table = f"{quote(model._meta.db_table)} AS {alias}"
        if joined_on is not None:
            key = f"{alias}.{quote(model._meta.pk.column)}"
            table = f"JOIN {table} ON {key} = {joined_on}"
        tables.append(table)
        link: Any = model._meta.get_field(leads_to) if leads_to else None
        fields = read or [model._meta.pk, link]
        columns += [f"{alias}.{quote(field.column)}" for field in fields]
        converters = []
        for field in fields:
            column = field.get_col(alias)
            functions = connection.ops.get_db_converters(column)
            functions += field.get_db_converters(connection)
            converters.append((column, functions))
        plan.append((model, fields, converters))
        joined_on = f"{alias}.{quote(link.column)}" if link else None
    where = f"proposal.{quote(Proposal._meta.pk.column)} = %s"
    sql = f"SELECT {', '.join(columns)} FROM {' '.join(tables)} WHERE {where}"  # noqa: S608 - names from the models
    return sql, plan


def proposal_for_vote(pk: int) -> Proposal | None:
    """The proposal `pk` with its question, trajectory and consultation (these two
    with only the keys that lead to the consultation; the rest is read if asked for),
    in one statement and without building a query: a vote reads nothing else."""
    sql, plan = _vote_read_plan(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = iter(row)
    instances = []
    for model, fields, converters in plan:
        converted = []
        for (column, functions), value in zip(converters, values, strict=False):
            for function in functions:
                value = function(value, column, connection)
            converted.append(value)
        names = [field.attname for field in fields]
        instances.append(model.from_db(connection.alias, names, converted))
    proposal, question, trajectory, consultation = instances
    trajectory.consultation = consultation
    question.trajectory = trajectory
    proposal.question = question
    return proposal
