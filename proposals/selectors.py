"""Reads of proposals: what the public may see, with the relations each page needs."""

from django.db.models import Count, F, Prefetch, Sum

from .models import Proposal, Status, Vote


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

# A prime modulus for the shuffled order: (pk × a + b) mod p is a different
# permutation of the pks for each (a, b), computed by the database without random().
SHUFFLE_MODULUS = 2_147_483_647


def shuffle_keys(seed):
    """The (a, b) pair of a visitor's stable random order, from their session's seed."""
    return 1 + seed % (SHUFFLE_MODULUS - 1), (seed // SHUFFLE_MODULUS) % SHUFFLE_MODULUS


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
        a, b = shuffle_keys(seed)
        return proposals.annotate(shuffle=(F("id") * a + b) % SHUFFLE_MODULUS).order_by(
            "shuffle", "pk"
        )
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
