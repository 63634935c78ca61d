from django.views.generic import DetailView

from .models import SitePage


class SitePageDetailView(DetailView):
    model = SitePage
    template_name = "consultation/sitepage_detail.html"
    context_object_name = "page"
