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


def vote_breakdowns(votes):
    """Support by region and by organisation type among the given votes."""
    regions = {
        "": _("Région non renseignée"),
        **dict(Region.objects.values_list("code", "name")),
    }
    types = {"": _("Type non renseigné"), **dict(OrganisationType.choices)}
    return {
        "regions": _breakdown(votes, "region", regions),
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


def participation_coverage(*, consultation):
    """Regions and organisation types that have not taken part yet (neither voted nor
    proposed), so that organisers know whom to reach."""
    votes = consultation_votes(consultation)
    published = Proposal.objects.filter(
        status=Status.PUBLISHED, question__trajectory__consultation=consultation
    )
    present_regions = set(votes.values_list("region", flat=True).distinct()) | set(
        published.values_list("region", flat=True).distinct()
    )
    present_types = set(
        votes.values_list("organisation_type", flat=True).distinct()
    ) | set(published.values_list("organisation_type", flat=True).distinct())
    return {
        "missing_regions": list(
            Region.objects.exclude(code__in=present_regions - {None})
        ),
        "missing_organisation_types": [
            label
            for value, label in OrganisationType.choices
            if value not in present_types
        ],
    }
