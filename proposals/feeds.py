"""Atom feeds of newly published proposals: the current consultation's, and one per
trajectory."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from trajectories import selectors as trajectory_selectors

from .models import Proposal

FEED_LENGTH = 50


class LatestProposalsFeed(Feed):
    """The proposals most recently published in the current consultation."""

    feed_type = Atom1Feed

    def get_object(self, request):
        return trajectory_selectors.consultation_or_404()

    def title(self, consultation):
        return _("Nouvelles propositions — %(title)s") % {"title": consultation.title}

    def link(self, consultation):
        return consultation.get_absolute_url()

    def subtitle(self, consultation):
        return _("Les dernières propositions publiées, ateliers et en ligne.")

    def proposals(self, **where):
        return (
            Proposal.objects.published()
            .filter(**where)
            .select_related("question__trajectory")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def items(self, consultation):
        return self.proposals(question__trajectory__consultation=consultation)

    def item_title(self, proposal):
        return str(proposal)

    def item_description(self, proposal):
        return f"{proposal.text}\n\n{proposal.question.trajectory}"

    def item_pubdate(self, proposal):
        return proposal.published_at

    def item_updateddate(self, proposal):
        return proposal.updated_at


class TrajectoryProposalsFeed(LatestProposalsFeed):
    """The proposals most recently published in one trajectory."""

    def get_object(self, request, slug, number):
        return get_object_or_404(
            trajectory_selectors.trajectory_list(
                consultation=trajectory_selectors.consultation_or_404(slug)
            ),
            number=number,
        )

    def title(self, trajectory):
        return _("Nouvelles propositions — trajectoire %(trajectory)s") % {
            "trajectory": trajectory
        }

    def link(self, trajectory):
        return trajectory.get_absolute_url()

    def items(self, trajectory):
        return self.proposals(question__trajectory=trajectory)
