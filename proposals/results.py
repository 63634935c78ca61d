"""
The results of a consultation, read from the vote counters and the vote rows: rankings,
support by region and organisation type, consensus, divisive proposals, coverage.
"""

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Least, RowNumber
from django.utils.translation import gettext as _

from consultation.models import OrganisationType, Region

from .models import Choice, Proposal, Status, Vote
from .ranking import distribution, group_consensus
from .selectors import proposal_public_list


def consultation_votes(consultation):
    """The votes on a consultation's published proposals."""
    return Vote.objects.filter(
        proposal__status=Status.PUBLISHED,
        proposal__question__trajectory__consultation=consultation,
    )


def _breakdown(votes, field, labels):
    """Votes counted per group (a region or an organisation type) and choice."""
    rows = votes.values(field).annotate(
        agree=Count("id", filter=Q(choice=Choice.AGREE)),
        mixed=Count("id", filter=Q(choice=Choice.MIXED)),
        disagree=Count("id", filter=Q(choice=Choice.DISAGREE)),
    )
    breakdown = []
    for row in rows:
        total = row["agree"] + row["mixed"] + row["disagree"]
        breakdown.append(
            {
                "key": row[field] or "",
                "label": labels.get(row[field] or ""),
                "agree": row["agree"],
                "mixed": row["mixed"],
                "disagree": row["disagree"],
                "total": total,
                "approval": round(100 * (row["agree"] + 0.5 * row["mixed"]) / total),
                "distribution": distribution(
                    row["agree"], row["mixed"], row["disagree"]
                ),
            }
        )
    return sorted(breakdown, key=lambda row: (-row["total"], str(row["label"])))


def region_names():
    """{INSEE code: name} of every region, and a label for votes without a region."""
    return {
        "": _("Région non renseignée"),
        **dict(Region.objects.values_list("code", "name")),
    }


def vote_breakdowns(votes, *, regions=None):
    """Support by region and by organisation type among the given votes."""
    types = {"": _("Type non renseigné"), **dict(OrganisationType.choices)}
    return {
        "regions": _breakdown(votes, "region", regions or region_names()),
        "organisation_types": _breakdown(votes, "organisation_type", types),
    }


def proposal_top_per_trajectory(*, consultation, limit):
    """The `limit` best-ranked published proposals of each trajectory, in one query."""
    rank = Window(
        RowNumber(),
        partition_by=F("question__trajectory"),
        order_by=[F("score").desc(), F("vote_count").desc(), F("pk").asc()],
    )
    return (
        proposal_public_list(consultation=consultation)
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .order_by("question__trajectory__number", "rank")
    )


def proposal_divisive_list(*, consultation, limit):
    """Proposals that many approve and many reject at once: most of the smaller side."""
    return (
        proposal_public_list(consultation=consultation)
        .filter(agree_count__gt=0, disagree_count__gt=0)
        .annotate(split=Least("agree_count", "disagree_count"))
        .order_by("-split", "-vote_count", "pk")[:limit]
    )


def proposal_consensus_list(*, consultation, limit):
    """
    The proposals with the highest group-aware consensus (`ranking.group_consensus`),
    the groups being the regions whose participants have voted in the consultation.
    """
    tallies = (
        consultation_votes(consultation)
        .values("proposal", "region")
        .annotate(agree=Count("id", filter=Q(choice=Choice.AGREE)), votes=Count("id"))
    )
    per_proposal, regions = {}, set()
    for row in tallies:
        per_proposal.setdefault(row["proposal"], {})[row["region"]] = (
            row["agree"],
            row["votes"],
        )
        regions.add(row["region"])
    scores = {
        proposal_id: group_consensus(
            by_region.get(region, (0, 0)) for region in regions
        )
        for proposal_id, by_region in per_proposal.items()
    }
    best = sorted(scores, key=lambda pk: (-scores[pk], pk))[:limit]
    proposals = proposal_public_list(consultation=consultation).in_bulk(best)
    return [(proposals[pk], scores[pk]) for pk in best]


def participation_coverage(*, consultation, breakdowns, regions):
    """
    Regions and organisation types that have neither voted nor proposed yet, so that
    organisers know whom to reach. `breakdowns` (from `vote_breakdowns`) already says
    who voted; the published proposals say who proposed.
    """
    proposed = (
        Proposal.objects.filter(
            status=Status.PUBLISHED, question__trajectory__consultation=consultation
        )
        .order_by()
        .values_list("region", "organisation_type")
        .distinct()
    )
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


def consultation_results(*, consultation, limit):
    """Everything the results page shows, in a dozen queries whatever the size."""
    regions = region_names()
    breakdowns = vote_breakdowns(consultation_votes(consultation), regions=regions)
    return {
        "top": proposal_top_per_trajectory(consultation=consultation, limit=limit),
        "breakdowns": breakdowns,
        "consensus": proposal_consensus_list(consultation=consultation, limit=limit),
        "divisive": proposal_divisive_list(consultation=consultation, limit=limit),
        "coverage": participation_coverage(
            consultation=consultation, breakdowns=breakdowns, regions=regions
        ),
    }
