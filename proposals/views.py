from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from trajectories import selectors as trajectory_selectors
from trajectories.views import CurrentConsultationMixin

from . import selectors


class HomeView(TemplateView):
    template_name = "proposals/home.html"

    def get_context_data(self, **kwargs):
        consultation = trajectory_selectors.consultation_current()
        themes = (
            trajectory_selectors.theme_list(consultation=consultation)
            if consultation
            else []
        )
        return super().get_context_data(
            consultation=consultation, themes=themes, **kwargs
        )


class TrajectoryDetailView(CurrentConsultationMixin, DetailView):
    template_name = "trajectories/trajectory_detail.html"
    context_object_name = "trajectory"

    def get_object(self, queryset=None):
        return get_object_or_404(
            trajectory_selectors.trajectory_list(consultation=self.consultation),
            number=self.kwargs["number"],
        )

    def get_context_data(self, **kwargs):
        questions = selectors.question_list_with_proposals(trajectory=self.object)
        return super().get_context_data(questions=questions, **kwargs)


class ProposalDetailView(CurrentConsultationMixin, DetailView):
    template_name = "proposals/proposal_detail.html"
    context_object_name = "proposal"

    def get_queryset(self):
        return selectors.proposal_public_list(consultation=self.consultation)
