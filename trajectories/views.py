from django.http import Http404
from django.views.generic import DetailView

from . import selectors


class CurrentConsultationMixin:
    """Pages about the consultation that the site shows; 404 when there is none."""

    def dispatch(self, request, *args, **kwargs):
        self.consultation = selectors.consultation_current()
        if self.consultation is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)


class ThemeDetailView(CurrentConsultationMixin, DetailView):
    template_name = "trajectories/theme_detail.html"
    context_object_name = "theme"

    def get_queryset(self):
        return selectors.theme_list(consultation=self.consultation, with_questions=True)
