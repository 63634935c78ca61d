"""The sitemap (/sitemap.xml): the public pages of every public consultation, each at
its canonical address."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from trajectories.models import Theme, Trajectory
from trajectories.selectors import consultation_public_list

from .models import Participation, Proposal, Status, Workshop


class PageSitemap(Sitemap):
    def items(self):
        return ["home", "consultation_list", "open_data"]

    def location(self, item):
        return reverse(item)


class ConsultationSitemap(Sitemap):
    def items(self):
        return consultation_public_list()

    def location(self, consultation):
        return reverse("consultation_home", kwargs={"slug": consultation.slug})


class ThemeSitemap(Sitemap):
    def items(self):
        return Theme.objects.filter(
            consultation__in=consultation_public_list()
        ).select_related("consultation")


class TrajectorySitemap(Sitemap):
    def items(self):
        return Trajectory.objects.filter(
            consultation__in=consultation_public_list()
        ).select_related("consultation")


class ProposalSitemap(Sitemap):
    def items(self):
        return (
            Proposal.objects.on_record()
            .filter(question__trajectory__consultation__in=consultation_public_list())
            .exclude(status=Status.MERGED)  # its address leads to another
            .order_by("pk")
            .only("pk", "updated_at")
        )

    def lastmod(self, proposal):
        return proposal.updated_at


class RegionSitemap(Sitemap):
    """The page of each region that has taken part in a public consultation (a
    workshop, an organisation that voted or proposed, a proposal)."""

    def items(self):
        public = consultation_public_list().order_by()
        places = (
            Workshop.objects.filter(consultation__in=public)
            .order_by()
            .values_list("consultation__slug", "region_id")
            .union(
                Participation.objects.filter(consultation__in=public)
                .order_by()
                .values_list("consultation__slug", "region_id"),
                Proposal.objects.published()
                .filter(question__trajectory__consultation__in=public)
                .order_by()
                .values_list("question__trajectory__consultation__slug", "region_id"),
            )
        )  # one query
        return sorted((slug, code) for slug, code in places if code is not None)

    def location(self, item):
        slug, code = item
        return reverse("consultation_region", kwargs={"slug": slug, "code": code})


SITEMAPS = {
    "pages": PageSitemap,
    "consultations": ConsultationSitemap,
    "themes": ThemeSitemap,
    "trajectories": TrajectorySitemap,
    "proposals": ProposalSitemap,
    "regions": RegionSitemap,
}
