"""Reads of proposals: what the public may see, with the relations each page needs."""

from django.db.models import Prefetch

from .models import Proposal, Status


def proposal_public_list(*, consultation):
    """Published proposals of a consultation, with what a list shows of each."""
    return Proposal.objects.filter(
        status=Status.PUBLISHED, question__trajectory__consultation=consultation
    ).select_related("question__trajectory__theme", "region", "author")


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
