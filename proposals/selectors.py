"""Reads of proposals: what the public may see, with the relations each page needs."""

from django.db.models import CharField, Count, F, Prefetch, Q, Sum, Value
from django.db.models.functions import MD5, Cast, Concat

from .models import Choice, Proposal, Status, Vote


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


def proposal_public_list(*, consultation):
    """Published proposals of a consultation, with what a page shows of each."""
    return Proposal.objects.filter(
        status=Status.PUBLISHED, question__trajectory__consultation=consultation
    ).select_related("question__trajectory__theme", "region", "author")


def proposal_trajectory_list(
    *,
    trajectory,
    sort=Sort.RANDOM,
    seed=0,
    question=None,
    region=None,
    organisation_type=None,
    source=None,
    search="",
):
    """A trajectory's published proposals, filtered, in the visitor's chosen order."""
    proposals = Proposal.objects.filter(
        status=Status.PUBLISHED, question__trajectory=trajectory
    ).select_related("question", "region", "author")
    if question is not None:
        proposals = proposals.filter(question=question)
    if region is not None:
        proposals = proposals.filter(region=region)
    if organisation_type:
        proposals = proposals.filter(organisation_type=organisation_type)
    if source:
        proposals = proposals.filter(source=source)
    if search:
        proposals = proposals.filter(text__icontains=search)
    if sort == Sort.RANDOM:
        # A hash of the id salted with the visitor's seed: a stable, well-mixed order
        # for each visitor, computed over this trajectory's rows only (no random()).
        shuffle = MD5(Concat(Cast("id", CharField()), Value(f":{seed}")))
        return proposals.annotate(shuffle=shuffle).order_by("shuffle", "pk")
    return proposals.order_by(*ORDERINGS[sort])


def question_list_with_proposals(*, trajectory):
    """A trajectory's guiding questions, each with its published proposals."""
    return trajectory.questions.prefetch_related(
        Prefetch(
            "proposals",
            queryset=Proposal.objects.filter(status=Status.PUBLISHED)
            .select_related("region", "author")
            .order_by("pk"),
            to_attr="published_proposals",
        )
    ).order_by("position", "pk")


def trajectory_proposal_counts(*, consultation):
    """{trajectory id: number of published proposals} for a consultation."""
    rows = (
        Proposal.objects.filter(
            status=Status.PUBLISHED, question__trajectory__consultation=consultation
        )
        .values("question__trajectory")
        .annotate(count=Count("id"))
    )
    return {row["question__trajectory"]: row["count"] for row in rows}


def consultation_figures(*, consultation):
    """Key figures: published proposals, votes, organisations and regions involved."""
    published = Proposal.objects.filter(
        status=Status.PUBLISHED, question__trajectory__consultation=consultation
    )
    totals = published.aggregate(proposals=Count("id"), votes=Sum("vote_count"))
    votes = Vote.objects.filter(proposal__in=published)
    # A union (not UNION ALL) counts an organisation that both voted and proposed once.
    organisations = (
        votes.order_by()
        .values("voter")
        .union(published.exclude(author=None).order_by().values("author"))
        .count()
    )
    regions = (
        votes.exclude(region=None)
        .order_by()
        .values("region")
        .union(published.exclude(region=None).order_by().values("region"))
        .count()
    )
    return {
        "proposals": totals["proposals"],
        "votes": totals["votes"] or 0,
        "organisations": organisations,
        "regions": regions,
    }


def proposal_counter_drift():
    """Proposals whose counters differ from their vote rows, with the true counts."""
    counted = Proposal.objects.annotate(
        true_agree=Count("votes", filter=Q(votes__choice=Choice.AGREE)),
        true_mixed=Count("votes", filter=Q(votes__choice=Choice.MIXED)),
        true_disagree=Count("votes", filter=Q(votes__choice=Choice.DISAGREE)),
    )
    return counted.exclude(
        agree_count=F("true_agree"),
        mixed_count=F("true_mixed"),
        disagree_count=F("true_disagree"),
    ).order_by("pk")
