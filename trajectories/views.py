from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView

from consultation.page_cache import depends_on
from consultation.shared_pages import share_page

from . import selectors
from .models import Theme


class ConsultationMixin:
    """
    Pages of one consultation: the one its address names (/consultations/<slug>/…),
    or else the current one. 404 when there is none, or when it is not public.
    """

    def dispatch(self, request, *args, **kwargs):
        self.consultation = selectors.consultation_or_404(kwargs.get("slug"))
        return super().dispatch(request, *args, **kwargs)

    @property
    def addressed_by_slug(self):
        return "slug" in self.kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)


class ThemeDetailView(ConsultationMixin, DetailView):
    template_name = "trajectories/theme_detail.html"
    context_object_name = "theme"

    def get(self, request, *args, **kwargs):
        depends_on(request)  # themes, trajectories, questions: the structure only
        # /themes/<id>/ of a theme of another consultation: ids are global, so the
        # address moves for good to the theme's own consultation.
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if self.addressed_by_slug:
                raise
        theme = get_object_or_404(
            Theme.objects.filter(
                consultation__in=selectors.consultation_public_list()
            ).select_related("consultation"),
            pk=kwargs["pk"],
        )
        return redirect(theme.get_absolute_url(), permanent=True)

    def get_queryset(self):
        return selectors.theme_list(consultation=self.consultation, with_questions=True)

    def get_context_data(self, **kwargs):
        share_page(self.request, consultation=self.consultation)
        return super().get_context_data(
            canonical_path=self.object.get_absolute_url(), **kwargs
        )
