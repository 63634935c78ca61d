"""
The results of a consultation: rankings, support by region and organisation type,
consensus, divisive proposals, coverage. They read the vote counters and the per-group
tallies (never the vote rows), so their cost grows with the proposals, not the votes;
`consultation_results` caches them (see `consultation.cache`).
"""

import math
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Count, F, FloatField, QuerySet, Sum, Value, Window
from django.db.models.functions import Cast, Least, Ln, RowNumber
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from consultation.cache import cached
from consultation.models import Consultation, OrganisationType, Region
from trajectories.models import Trajectory

from .fairness import exposure_fairness
from .models import (
    AnswerState,
    Choice,
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
from .selectors import consultation_figures, proposal_public_list


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
    labels: dict[str, dict[str, str | Promise]] = {
        TallyDimension.REGION: {**(regions or region_names())},
        TallyDimension.ORGANISATION_TYPE: {
            "": _("Type non renseigné"),
            **dict(OrganisationType.choices),
        },
    }
    sums = (
        tallies.order_by()
        .values("dimension", "key")
        .annotate(
            agree=Sum("agree_count"),
            mixed=Sum("mixed_count"),
            disagree=Sum("disagree_count"),
        )
    )
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
    *, consultation: Consultation, limit: int
) -> QuerySet[Proposal]:
    """The `limit` best-ranked published proposals of each trajectory, in one query;
    only those with `RANKING_MIN_VOTES` votes are ranked."""
    rank = Window(
        RowNumber(),
        partition_by=F("question__trajectory"),
        order_by=[F("score").desc(), F("vote_count").desc(), F("pk").asc()],
    )
    return (
        proposal_public_list(consultation=consultation)
        .filter(vote_count__gte=RANKING_MIN_VOTES)
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .order_by("question__trajectory__number", "rank")
    )


def proposal_divisive_list(
    *, consultation: Consultation, limit: int
) -> QuerySet[Proposal]:
    """Proposals that many approve and many reject at once: most of the smaller side."""
    return (
        proposal_public_list(consultation=consultation)
        .filter(
            agree_count__gt=0, disagree_count__gt=0, vote_count__gte=RANKING_MIN_VOTES
        )
        .annotate(split=Least("agree_count", "disagree_count"))
        .order_by("-split", "-vote_count", "pk")[:limit]
    )


def proposal_consensus_list(
    *, consultation: Consultation, limit: int, voting_regions: Collection[str | None]
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
    region_tallies = consultation_tallies(consultation).filter(
        proposal__status=Status.PUBLISHED,
        proposal__vote_count__gte=RANKING_MIN_VOTES,
        dimension=TallyDimension.REGION,
        key__in=voting_regions,
    )
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
        .values("proposal")
        .annotate(log_score=Sum(log_approval), groups=Count("id"))
        .filter(groups__gte=CONSENSUS_MIN_REGIONS)
        .annotate(
            total=F("log_score")
            + (Value(float(len(voting_regions))) - Cast(F("groups"), FloatField()))
            * Value(math.log(0.5))
        )
        .order_by("-total", "proposal")[:limit]
    )
    ranked = [(row["proposal"], math.exp(row["total"])) for row in scores]
    proposals = proposal_public_list(consultation=consultation).in_bulk(
        [pk for pk, _ in ranked]
    )
    return [(proposals[pk], score) for pk, score in ranked if pk in proposals]


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


def proposal_withdrawn_list(*, consultation: Consultation) -> QuerySet[Proposal]:
    """Proposals withdrawn after votes: out of the rankings, their votes still count."""
    return (
        Proposal.objects.on_record_in(consultation)
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
    consultation: Consultation,
    sums: dict[int, dict[str, Any]],
    fairness: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """
    Each trajectory at a glance, for the small multiples: its published proposals and
    the votes cast on its proposals on record (`sums`, from `consultation_figures`'s
    `trajectories`); with `fairness` (`fairness.exposure_fairness`), the spread of its
    proposals' exposures in the random order.
    """
    summaries = []
    for trajectory in Trajectory.objects.filter(
        consultation=consultation
    ).select_related("theme", "consultation"):
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


def consultation_results(*, consultation: Consultation, limit: int) -> dict[str, Any]:
    """Everything the results page shows, cached (see `consultation.cache`)."""

    def compute() -> dict[str, Any]:
        overview = consultation_overview(consultation, by_trajectory=True)
        figures, breakdowns = overview["figures"], overview["breakdowns"]
        per_trajectory = figures.pop("trajectories")
        scale = approval_scale(breakdowns["regions"])
        return {
            "figures": figures,
            "sources": source_comparison(figures.pop("sources")),
            "answers": answer_counts(figures.pop("answers")),
            "top": list(
                proposal_top_per_trajectory(consultation=consultation, limit=limit)
            ),
            "breakdowns": breakdowns,
            "consensus": proposal_consensus_list(
                consultation=consultation,
                limit=limit,
                voting_regions=overview["voting_regions"],
            ),
            "divisive": list(
                proposal_divisive_list(consultation=consultation, limit=limit)
            ),
            "withdrawn": list(proposal_withdrawn_list(consultation=consultation)),
            "coverage": overview["coverage"],
            "region_tiles": region_tiles(
                breakdowns["regions"], overview["regions"], scale
            ),
            "approval_scale": scale,
            "trajectories": trajectory_summaries(
                consultation, per_trajectory, fairness=exposure_fairness(consultation)
            ),
        }

    return cached("results", consultation.pk, compute)
