"""
The results of a consultation: rankings, support by region and organisation type,
consensus, divisive proposals, coverage. They read the vote counters and the per-group
tallies (never the vote rows), so their cost grows with the proposals, not the votes;
`consultation_results` caches them (see `consultation.cache`).
"""

import hashlib
import math
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Count, F, FloatField, QuerySet, Sum, Value, Window
from django.db.models.functions import Cast, Least, Ln, RowNumber
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from consultation.cache import (
    STRUCTURE,
    Scope,
    cached,
    cached_parts,
    content_version,
    shown_scope,
    shows_proposals,
    trajectory_scope,
)
from consultation.models import Consultation, OrganisationType, Region
from trajectories.models import Trajectory

from .fairness import exposure_fairness
from .models import (
    AnswerState,
    Choice,
    Participation,
    Proposal,
    Source,
    Status,
    TallyDimension,
    VoteTally,
)
from .ranking import (
    APPROVAL_WEIGHTS,
    CONSENSUS_MIN_REGIONS,
    RANKING_MIN_VOTES,
    approval_share,
    distribution,
)
from .region_map import approval_scale, region_tiles
from .selectors import (
    consultation_figures,
    figure_measures,
    figures_from_totals,
    proposal_public_list,
)


def consultation_tallies(consultation: Consultation) -> QuerySet[VoteTally]:
    """The per-group tallies of the votes cast in a consultation: on its published
    proposals and on those withdrawn after votes (`ProposalQuerySet.on_record`)."""
    return VoteTally.objects.filter(
        proposal__in=Proposal.objects.on_record_in(consultation)
    )


def region_names() -> dict[str, str]:
    """{INSEE code: name} of every region, and a label for votes without a region."""
    return {
        "": _("Région non renseignée"),
        **dict(Region.objects.values_list("code", "name")),
    }


def _row(
    key: str | int, label: str | Promise, agree: int, mixed: int, disagree: int
) -> dict[str, Any]:
    total = agree + mixed + disagree
    return {
        "key": key,
        "label": label,
        "agree": agree,
        "mixed": mixed,
        "disagree": disagree,
        "total": total,
        "approval": round(100 * approval_share(agree, mixed, disagree)) if total else 0,
        "distribution": distribution(agree, mixed, disagree),
    }


def tally_breakdowns(
    tallies: QuerySet[VoteTally], *, regions: dict[str, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Support by region and by organisation type, summed over the given tallies."""
    sums = (
        tallies.order_by()
        .values("dimension", "key")
        .annotate(
            agree=Sum("agree_count"),
            mixed=Sum("mixed_count"),
            disagree=Sum("disagree_count"),
        )
    )
    return breakdowns_from_sums(sums, regions=regions)


def breakdowns_from_sums(
    sums: Iterable[dict[str, Any]], *, regions: dict[str, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """`tally_breakdowns` from the tallies' sums by dimension and key (rows of
    "dimension", "key", "agree", "mixed", "disagree")."""
    labels: dict[str, dict[str, str | Promise]] = {
        TallyDimension.REGION: {**(regions or region_names())},
        TallyDimension.ORGANISATION_TYPE: {
            "": _("Type non renseigné"),
            **dict(OrganisationType.choices),
        },
    }
    breakdowns: dict[str, list[dict[str, Any]]] = {
        TallyDimension.REGION: [],
        TallyDimension.ORGANISATION_TYPE: [],
    }
    for row in sums:
        if row["agree"] + row["mixed"] + row["disagree"]:
            label = labels[row["dimension"]].get(row["key"], row["key"])
            breakdowns[row["dimension"]].append(
                _row(row["key"], label, row["agree"], row["mixed"], row["disagree"])
            )
    for rows in breakdowns.values():
        rows.sort(key=lambda row: (-row["total"], str(row["label"])))
    return {
        "regions": breakdowns[TallyDimension.REGION],
        "organisation_types": breakdowns[TallyDimension.ORGANISATION_TYPE],
    }


def proposal_top_per_trajectory(
    *,
    consultation: Consultation,
    limit: int,
    trajectory_ids: Collection[int] | None = None,
) -> QuerySet[Proposal]:
    """The `limit` best-ranked published proposals of each trajectory (of those
    named), in one query; only those with `RANKING_MIN_VOTES` votes are ranked."""
    return _first_per_trajectory(
        _in_trajectories(
            proposal_public_list(consultation=consultation), trajectory_ids
        ).filter(vote_count__gte=RANKING_MIN_VOTES),
        [F("score").desc(), F("vote_count").desc(), F("pk").asc()],
        limit,
    )


def _in_trajectories(
    proposals: QuerySet[Proposal], trajectory_ids: Collection[int] | None
) -> QuerySet[Proposal]:
    if trajectory_ids is None:
        return proposals
    return proposals.filter(question__trajectory__in=trajectory_ids)


def _first_per_trajectory(
    proposals: QuerySet[Proposal], order_by: list[Any], limit: int
) -> QuerySet[Proposal]:
    """The first `limit` of `proposals` in each trajectory, in `order_by` (`rank`).
    The ranking reads ids alone (a narrow window over every proposal, its own query:
    as a subquery, PostgreSQL joined every proposal's author before filtering); then
    the rows of the first, with what a page shows of each, are read for them only."""
    rank = Window(
        RowNumber(), partition_by=F("question__trajectory"), order_by=order_by
    )
    firsts = list(
        proposals.select_related(None)
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .values_list("pk", flat=True)
    )
    return (
        proposals.filter(pk__in=firsts)
        .annotate(rank=rank)
        .order_by("question__trajectory__number", "rank")
    )


DIVISIVE_ORDER = [F("split").desc(), F("vote_count").desc(), F("pk").asc()]


def proposal_divisive_list(
    *,
    consultation: Consultation,
    limit: int,
    trajectory_ids: Collection[int] | None = None,
) -> QuerySet[Proposal]:
    """Proposals that many approve and many reject at once: most of the smaller side.
    With `trajectory_ids`, the first `limit` of each trajectory named."""
    divided = (
        _in_trajectories(
            proposal_public_list(consultation=consultation), trajectory_ids
        )
        .filter(
            agree_count__gt=0, disagree_count__gt=0, vote_count__gte=RANKING_MIN_VOTES
        )
        .annotate(split=Least("agree_count", "disagree_count"))
    )
    if trajectory_ids is None:
        return divided.order_by(*DIVISIVE_ORDER)[:limit]
    return _first_per_trajectory(divided, DIVISIVE_ORDER, limit)


def proposal_consensus_list(
    *,
    consultation: Consultation,
    limit: int,
    voting_regions: Collection[str | None],
) -> list[tuple[Proposal, float]]:
    """
    The proposals with the highest group-aware consensus (after Pol.is): the product
    over groups of (approvals + 1) / (votes + 2), the groups being the regions whose
    participants have voted in the consultation, an approval being an « D'accord » or
    half a « Mitigé », as in every score. A proposal is consensual when every group
    approves it, not when one big group does. Only proposals with `RANKING_MIN_VOTES`
    votes from `CONSENSUS_MIN_REGIONS` regions are listed.

    Computed by the database as a sum of logarithms: the regions that have not voted on
    a proposal each count ln(1/2), which is the same product.
    """
    return _consensus(consultation, limit, voting_regions, None)[None]


def _consensus(
    consultation: Consultation,
    limit: int,
    voting_regions: Collection[str | None],
    trajectory_ids: Collection[int] | None,
) -> dict[Any, list[tuple[Proposal, float]]]:
    """{trajectory id: [(proposal, consensus score)]}, best first, the first `limit`
    of each trajectory named; without `trajectory_ids`, {None: the first `limit`}."""
    candidates = _in_trajectories(
        Proposal.objects.public_in(consultation), trajectory_ids
    ).filter(vote_count__gte=RANKING_MIN_VOTES)
    region_tallies = VoteTally.objects.filter(
        proposal__in=candidates,
        dimension=TallyDimension.REGION,
        key__in=voting_regions,
    )
    grouped_by = ["proposal"]
    if trajectory_ids is not None:
        grouped_by.append("proposal__question__trajectory")
    log_approval = Ln(
        (
            Cast(F("agree_count"), FloatField()) * APPROVAL_WEIGHTS[Choice.AGREE]
            + APPROVAL_WEIGHTS[Choice.MIXED] * F("mixed_count")
            + APPROVAL_WEIGHTS[Choice.DISAGREE] * F("disagree_count")
            + 1.0
        )
        / Cast(
            F("agree_count") + F("mixed_count") + F("disagree_count") + 2, FloatField()
        )
    )
    # A group without a row, like a row without votes, counts ln((0 + 1) / (0 + 2)).
    scores = (
        region_tallies.order_by()
        .values(*grouped_by)
        .annotate(log_score=Sum(log_approval), groups=Count("id"))
        .filter(groups__gte=CONSENSUS_MIN_REGIONS)
        .annotate(
            total=F("log_score")
            + (Value(float(len(voting_regions))) - Cast(F("groups"), FloatField()))
            * Value(math.log(0.5))
        )
        .order_by("-total", "proposal")
    )
    ranked: dict[int | None, list[tuple[int, float]]] = {}
    if trajectory_ids is None:
        ranked[None] = [
            (row["proposal"], math.exp(row["total"])) for row in scores[:limit]
        ]
    else:
        # Every candidate of the trajectories named (a few thousand rows for one), the
        # first `limit` of each kept.
        for trajectory_id in trajectory_ids:
            ranked[trajectory_id] = []
        for row in scores:
            group = ranked[row["proposal__question__trajectory"]]
            if len(group) < limit:
                group.append((row["proposal"], math.exp(row["total"])))
    proposals = proposal_public_list(consultation=consultation).in_bulk(
        [pk for group in ranked.values() for pk, _ in group]
    )
    return {
        key: [(proposals[pk], score) for pk, score in group if pk in proposals]
        for key, group in ranked.items()
    }


def source_comparison(sources: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Workshop and online proposals side by side (from `consultation_figures`'s
    `sources`): how many, their votes, their approval share."""
    labels = dict(Source.choices)
    return [
        {
            **_row(source, labels[source], counts["agree"], counts["mixed"],
                   counts["disagree"]),
            "proposals": counts["proposals"],
        }
        for source, counts in sources.items()
        if counts["proposals"]
    ]  # fmt: skip


# The plural is chosen by the "count" of the interpolation (ngettext_lazy's number).
ANSWER_COUNT_LABELS = {
    AnswerState.ADOPTED: ngettext_lazy(
        "%(count)s retenue", "%(count)s retenues", "count"
    ),
    AnswerState.PARTLY: ngettext_lazy(
        "%(count)s retenue en partie", "%(count)s retenues en partie", "count"
    ),
    AnswerState.STUDYING: ngettext_lazy(
        "%(count)s à l’étude", "%(count)s à l’étude", "count"
    ),
    AnswerState.NOT_ADOPTED: ngettext_lazy(
        "%(count)s non retenue", "%(count)s non retenues", "count"
    ),
}


def answer_counts(counts: dict[str, int]) -> list[dict[str, Any]]:
    """The official answers counted by state, in words (« 23 retenues »)."""
    return [
        {
            "state": state,
            "count": counts[state],
            "label": ANSWER_COUNT_LABELS[state] % {"count": counts[state]},
        }
        for state in ANSWER_COUNT_LABELS
        if counts[state]
    ]


def proposal_withdrawn_list(
    *, consultation: Consultation, trajectory_ids: Collection[int] | None = None
) -> QuerySet[Proposal]:
    """Proposals withdrawn after votes: out of the rankings, their votes still count."""
    return (
        _in_trajectories(Proposal.objects.on_record_in(consultation), trajectory_ids)
        .filter(status=Status.WITHDRAWN)
        .select_related("question__trajectory", "region", "author")
        .order_by("question__trajectory__number", "pk")
    )


def proposing_groups(consultation: Consultation) -> list[tuple[str | None, str]]:
    """The distinct (region, organisation type) pairs of the published proposals."""
    return list(
        Proposal.objects.public_in(consultation)
        .order_by()
        .values_list("region", "organisation_type")
        .distinct()
    )


def participation_coverage(
    *,
    breakdowns: dict[str, list[dict[str, Any]]],
    regions: dict[str, str],
    proposed: Iterable[tuple[str | None, str]],
) -> dict[str, Any]:
    """
    Regions and organisation types that have neither voted nor proposed yet, so that
    organisers know whom to reach. `breakdowns` already says who voted; `proposed`
    (`proposing_groups`) who proposed.
    """
    present_regions = {row["key"] for row in breakdowns["regions"]}
    present_types = {row["key"] for row in breakdowns["organisation_types"]}
    for region, organisation_type in proposed:
        present_regions.add(region or "")
        present_types.add(organisation_type)
    return {
        "missing_regions": [
            {"code": code, "name": name}
            for code, name in sorted(regions.items())
            if code and code not in present_regions
        ],
        "missing_organisation_types": [
            label
            for value, label in OrganisationType.choices
            if value not in present_types
        ],
    }


def trajectory_summaries(
    trajectories: Iterable[Trajectory],
    sums: dict[int, dict[str, Any]],
    fairness: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """
    Each of `trajectories` at a glance, for the small multiples: its published
    proposals and
    the votes cast on its proposals on record (`sums`, from `consultation_figures`'s
    `trajectories`); with `fairness` (`fairness.exposure_fairness`), the spread of its
    proposals' exposures in the random order.
    """
    summaries = []
    for trajectory in trajectories:
        row = sums.get(trajectory.pk, {})
        summary = _row(
            trajectory.pk,
            trajectory.title,
            row.get("agree", 0),
            row.get("mixed", 0),
            row.get("disagree", 0),
        )
        summary.update(trajectory=trajectory, proposals=row.get("proposals", 0))
        if fairness is not None:
            summary["fairness"] = fairness.get(trajectory.pk)
        summaries.append(summary)
    return summaries


def consultation_overview(
    consultation: Consultation, *, by_trajectory: bool = False
) -> dict[str, Any]:
    """
    What the results and the synthesis both start from, each read once: the regions'
    names, support by region and type (from the tallies), who proposed, the key
    figures by source (and by trajectory when asked) fed the regions those reads
    found, and the coverage they give.
    """
    regions = region_names()
    breakdowns = tally_breakdowns(consultation_tallies(consultation), regions=regions)
    voting_regions = [row["key"] for row in breakdowns["regions"]]
    proposed = proposing_groups(consultation)
    figures = consultation_figures(
        consultation=consultation,
        voting_regions=voting_regions,
        proposing_regions={region for region, _ in proposed if region},
        by_source=True,
        by_trajectory=by_trajectory,
    )
    return {
        "regions": regions,
        "breakdowns": breakdowns,
        "voting_regions": voting_regions,
        "figures": figures,
        "coverage": participation_coverage(
            breakdowns=breakdowns, regions=regions, proposed=proposed
        ),
    }


# How many proposals each of the results' lists shows (per trajectory for the best
# ranked).
RESULTS_LIST_LENGTH = 10


def consultation_results(*, consultation: Consultation, limit: int) -> dict[str, Any]:
    """Everything the results page shows, cached (see `consultation.cache`), merged
    from each trajectory's part (`results_parts`): after a decision on one
    trajectory's proposals, only its part is computed again."""

    def compute() -> dict[str, Any]:
        version_before = content_version(consultation.pk)
        shown = compute_whole()
        shows_proposals(
            "results",
            consultation.pk,
            [
                *(proposal.pk for proposal in shown["top"]),
                *(proposal.pk for proposal, _score in shown["consensus"]),
                *(proposal.pk for proposal in shown["divisive"]),
                *(proposal.pk for proposal in shown["withdrawn"]),
            ],
            version_before=version_before,
        )
        return shown

    def compute_whole() -> dict[str, Any]:
        trajectories = list(
            Trajectory.objects.filter(consultation=consultation)
            .select_related("theme", "consultation")
            .order_by("number", "pk")
        )
        parts = results_parts(consultation, [t.pk for t in trajectories], limit)
        regions = region_names()
        sums = _summed_tallies(parts)
        breakdowns = breakdowns_from_sums(sums, regions=regions)
        voting_regions = _voting_regions(sums)
        consensus = cached_parts(
            # The consensus counts the regions that voted: kept per set of them.
            "results-consensus:" + _digest(sorted(voting_regions)) + f":{limit}",
            {pk: _part_scopes(pk) for pk in parts},
            lambda ids: _consensus(consultation, limit, voting_regions, ids),
        )
        figures = merged_figures(consultation, parts, voting_regions)
        per_trajectory = figures.pop("trajectories")
        scale = approval_scale(breakdowns["regions"])
        proposed = {pair for part in parts.values() for pair in part["proposing"]}
        summaries = trajectory_summaries(
            trajectories,
            per_trajectory,
            {pk: part["fairness"] for pk, part in parts.items() if part["fairness"]},
        )
        return {
            "figures": figures,
            "sources": source_comparison(figures.pop("sources")),
            "answers": answer_counts(figures.pop("answers")),
            "top": [proposal for part in parts.values() for proposal in part["top"]],
            "breakdowns": breakdowns,
            "consensus": sorted(
                (pair for group in consensus.values() for pair in group),
                key=lambda pair: (-pair[1], pair[0].pk),
            )[:limit],
            "divisive": sorted(
                (proposal for part in parts.values() for proposal in part["divisive"]),
                key=lambda p: (-p.split, -p.vote_count, p.pk),
            )[:limit],
            "withdrawn": [
                proposal for part in parts.values() for proposal in part["withdrawn"]
            ],
            "coverage": participation_coverage(
                breakdowns=breakdowns, regions=regions, proposed=proposed
            ),
            "region_tiles": region_tiles(breakdowns["regions"], regions, scale),
            "approval_scale": scale,
            "trajectories": summaries,
        }

    return cached(
        "results", consultation.pk, compute, scopes=results_scopes(consultation)
    )


def results_scopes(consultation: Consultation) -> list[Scope]:
    """What the results are kept per: the structure, and the decisions on the
    proposals they show (`shown_scope`); other decisions move their figures, which
    follow within RESULTS_CACHE_SECONDS, as votes do."""
    return [STRUCTURE, shown_scope("results", consultation.pk)]


def consultation_key_figures(consultation: Consultation) -> dict[str, Any]:
    """The key figures of the home page (`consultation_figures`'s), cached, merged
    from the results' parts: a decision computes only its trajectory's part again."""

    def compute() -> dict[str, Any]:
        ids = list(
            Trajectory.objects.filter(consultation=consultation)
            .order_by("number", "pk")
            .values_list("pk", flat=True)
        )
        parts = results_parts(consultation, ids, RESULTS_LIST_LENGTH)
        voting_regions = _voting_regions(_summed_tallies(parts))
        figures = merged_figures(consultation, parts, voting_regions)
        for detail in ("trajectories", "sources", "answers"):
            figures.pop(detail)
        return figures

    # Decisions move them as votes do: they follow at their next freshness.
    return cached("figures", consultation.pk, compute, scopes=[STRUCTURE])


def _part_scopes(trajectory_id: int) -> list[Scope]:
    """What a trajectory's part depends on: its proposals and the structure."""
    return [STRUCTURE, trajectory_scope(trajectory_id)]


def _digest(values: list[str]) -> str:
    return hashlib.md5(",".join(values).encode(), usedforsecurity=False).hexdigest()


def results_parts(
    consultation: Consultation, trajectory_ids: list[int], limit: int
) -> dict[int, dict[str, Any]]:
    """{trajectory id: its part of the results}, in the order given, each kept per
    its trajectory's content version (`consultation.cache.cached_parts`)."""
    parts = cached_parts(
        f"results-part:{limit}",
        {pk: _part_scopes(pk) for pk in trajectory_ids},
        lambda ids: _compute_parts(consultation, ids, limit),
    )
    return {pk: parts[pk] for pk in trajectory_ids}


def _compute_parts(
    consultation: Consultation, ids: list[int], limit: int
) -> dict[int, dict[str, Any]]:
    """The parts of the trajectories `ids`, in one query per kind (two for the
    rankings) whatever their number: the measures of the key figures, the tallies'
    sums, who proposed, the best ranked, the most divisive and the withdrawn of
    each."""
    on_record = Proposal.objects.on_record_in(consultation).filter(
        question__trajectory__in=ids
    )
    parts: dict[int, dict[str, Any]] = {
        pk: {
            "measures": {"question__trajectory": pk},
            "tallies": [],
            "proposing": set(),
            "top": [],
            "divisive": [],
            "withdrawn": [],
        }
        for pk in ids
    }
    measures = figure_measures(by_source=True, by_trajectory=True)
    for row in on_record.order_by().values("question__trajectory").annotate(**measures):
        parts[row["question__trajectory"]]["measures"] = row
    for row in (
        VoteTally.objects.filter(proposal__in=on_record)
        .order_by()
        .values_list(
            "proposal__question__trajectory", "dimension", "key",
        )
        .annotate(Sum("agree_count"), Sum("mixed_count"), Sum("disagree_count"))
    ):  # fmt: skip
        parts[row[0]]["tallies"].append(row[1:])
    for trajectory_id, region, organisation_type in (
        Proposal.objects.public_in(consultation)
        .filter(question__trajectory__in=ids)
        .order_by()
        .values_list("question__trajectory", "region", "organisation_type")
        .distinct()
    ):
        parts[trajectory_id]["proposing"].add((region, organisation_type))
    lists = {
        "top": proposal_top_per_trajectory(
            consultation=consultation, limit=limit, trajectory_ids=ids
        ),
        "divisive": proposal_divisive_list(
            consultation=consultation, limit=limit, trajectory_ids=ids
        ),
        "withdrawn": proposal_withdrawn_list(
            consultation=consultation, trajectory_ids=ids
        ),
    }
    for name, proposals in lists.items():
        for proposal in proposals:
            parts[proposal.question.trajectory_id][name].append(proposal)
    fairness = exposure_fairness(consultation, ids)
    for pk, part in parts.items():
        part["fairness"] = fairness.get(pk)
    return parts


def participation_count(consultation: Consultation) -> int:
    """How many organisations take part: kept like a part of the results, but over
    the structure alone (a decision does not change it; time does)."""
    return cached_parts(
        "participations",
        {consultation.pk: [STRUCTURE]},
        lambda ids: {
            pk: Participation.objects.filter(consultation=pk).count() for pk in ids
        },
    )[consultation.pk]


def _summed_tallies(parts: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The tallies' sums over the parts, as `breakdowns_from_sums` reads them."""
    sums: dict[tuple[str, str], list[int]] = {}
    for part in parts.values():
        for dimension, key, *counts in part["tallies"]:
            summed = sums.setdefault((dimension, key), [0, 0, 0])
            for index, count in enumerate(counts):
                summed[index] += count
    return [
        {
            "dimension": dimension,
            "key": key,
            **dict(zip(Choice.values, counts, strict=True)),
        }
        for (dimension, key), counts in sums.items()
    ]


def _voting_regions(sums: list[dict[str, Any]]) -> set[str]:
    """The regions (or "" for votes without one) whose participants have voted."""
    return {
        row["key"]
        for row in sums
        if row["dimension"] == TallyDimension.REGION
        and row["agree"] + row["mixed"] + row["disagree"]
    }


def merged_figures(
    consultation: Consultation,
    parts: dict[int, dict[str, Any]],
    voting_regions: Iterable[str | None],
) -> dict[str, Any]:
    """`consultation_figures(by_source=True, by_trajectory=True)` from the parts."""
    groups = [
        part["measures"] for part in parts.values() if "proposals" in part["measures"]
    ]
    names = figure_measures(by_source=True, by_trajectory=True)
    totals = {name: sum(group[name] or 0 for group in groups) for name in names}
    proposing_regions = {
        region for part in parts.values() for region, _type in part["proposing"]
    }
    return figures_from_totals(
        totals,
        groups,
        organisations=participation_count(consultation),
        regions=len(set(voting_regions) - {""} | (proposing_regions - {None})),
        by_source=True,
    )
