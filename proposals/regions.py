"""
A region's part of a consultation, for its page (/consultations/<slug>/regions/<code>/):
its workshops, the organisations of the region that took part (by type), its proposals
(those of its organisations and those its workshops brought:
`ProposalQuerySet.of_region`) ranked, how the region's votes compare with the
country's, and the official answers its proposals got. Read from counters and per-region
tallies (`VoteTally`), never the vote rows: its cost grows with the proposals.
"""

from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from consultation.models import Consultation, OrganisationType, Region

from .models import (
    AnswerState,
    Participation,
    Proposal,
    TallyDimension,
    VoteTally,
    Workshop,
)
from .ranking import RANKING_MIN_VOTES, approval_share
from .selectors import PROPOSAL_PAGE_RELATIONS

# The region's proposals the page ranks; all of them are in the region's files.
REGION_LIST_LENGTH = 20
# A proposal is compared once it has this many votes in the region and in the
# country alike (the rule the page states): below, a gap says more about chance.
COMPARISON_MIN_VOTES = RANKING_MIN_VOTES
COMPARISON_LENGTH = 5


def region_proposals(consultation: Consultation, region: Region) -> QuerySet[Proposal]:
    """The region's published proposals, with what a page shows of each."""
    return (
        Proposal.objects.public_in(consultation)
        .of_region(region)
        .select_related(*PROPOSAL_PAGE_RELATIONS)
    )


def workshop_list(consultation: Consultation, region: Region) -> list[Workshop]:
    """The region's workshops, by date, each with its published proposals' count."""
    return list(
        Workshop.objects.filter(consultation=consultation, region=region)
        .annotate(
            published_total=Count(
                "proposals", filter=Q(proposals__in=Proposal.objects.published())
            )
        )
        .order_by("date", "pk")
    )


def participation_by_region(
    consultation: Consultation, region: Region | None = None
) -> dict[str, list[dict[str, Any]]]:
    """{region code: [{"label", "count"}]}: the organisations of each region (of
    `region` alone, given one) that voted or proposed, by type, most first; one
    grouped read."""
    labels = dict(OrganisationType.choices)
    rows = Participation.objects.filter(consultation=consultation).exclude(region=None)
    if region is not None:
        rows = rows.filter(region=region)
    found: dict[str, list[dict[str, Any]]] = {}
    for code, kind, count in (
        rows.order_by()
        .values_list("region_id", "organisation_type")
        .annotate(count=Count("pk"))
    ):
        found.setdefault(code, []).append(
            {"label": labels.get(kind, _("Type non renseigné")), "count": count}
        )
    for items in found.values():
        items.sort(key=lambda item: (-item["count"], str(item["label"])))
    return found


def participation_by_type(
    consultation: Consultation, region: Region
) -> list[dict[str, Any]]:
    """The region's organisations that voted or proposed, by type, most first."""
    return participation_by_region(consultation, region).get(region.pk, [])


def compared(pairs: Any) -> dict[str, Any]:
    """
    What a region supports more, or less, than the country, from `pairs` of (item,
    the region's (agree, mixed, disagree), the country's (agree, mixed, disagree)):
    only items with `COMPARISON_MIN_VOTES` votes from the region and as many in all
    are compared (the country's counts hold every vote, the region's included); the
    largest gaps either way. The region's page and its synthesis both say this rule.
    """
    rows: list[dict[str, Any]] = []
    for item, regional_counts, national_counts in pairs:
        if (
            sum(regional_counts) < COMPARISON_MIN_VOTES
            or sum(national_counts) < COMPARISON_MIN_VOTES
        ):
            continue
        regional = 100 * approval_share(*regional_counts)
        national = 100 * approval_share(*national_counts)
        rows.append(
            {
                "proposal": item,
                "regional": round(regional),
                "national": round(national),
                "gap": regional - national,
                "points": abs(round(regional) - round(national)),
            }
        )
    more = sorted(
        (row for row in rows if row["regional"] > row["national"]),
        key=lambda row: (-row["gap"], row["proposal"].pk),
    )
    less = sorted(
        (row for row in rows if row["regional"] < row["national"]),
        key=lambda row: (row["gap"], row["proposal"].pk),
    )
    return {
        "compared": len(rows),
        "more": more[:COMPARISON_LENGTH],
        "less": less[:COMPARISON_LENGTH],
        "min_votes": COMPARISON_MIN_VOTES,
    }


def comparison(consultation: Consultation, region: Region) -> dict[str, Any]:
    """`compared` over the consultation's published proposals, read from the
    region's tallies."""
    tallies = VoteTally.objects.filter(
        dimension=TallyDimension.REGION,
        key=region.pk,
        proposal__in=Proposal.objects.public_in(consultation),
    ).select_related("proposal")
    return compared(
        (
            tally.proposal,
            (tally.agree_count, tally.mixed_count, tally.disagree_count),
            (
                tally.proposal.agree_count,
                tally.proposal.mixed_count,
                tally.proposal.disagree_count,
            ),
        )
        for tally in tallies
    )


def region_overview(consultation: Consultation, region: Region) -> dict[str, Any]:
    """Everything the region's page shows."""
    proposals = region_proposals(consultation, region)
    participation = participation_by_type(consultation, region)
    answered = list(
        proposals.exclude(answer=None).order_by("question__trajectory__number", "pk")
    )
    states = dict(AnswerState.choices)
    answer_counts = Counter(proposal.answer.state for proposal in answered)
    return {
        "workshops": workshop_list(consultation, region),
        "participation": participation,
        "organisations": sum(row["count"] for row in participation),
        "proposal_count": proposals.count(),
        "ranked": list(
            proposals.filter(vote_count__gte=RANKING_MIN_VOTES).order_by(
                "-score", "-vote_count", "pk"
            )[:REGION_LIST_LENGTH]
        ),
        "comparison": comparison(consultation, region),
        "answers": answered,
        "answer_counts": [
            {"state": state, "label": states[state], "count": answer_counts[state]}
            for state in states
            if state in answer_counts
        ],
    }
