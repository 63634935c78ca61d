import csv
import secrets

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, TemplateView

from trajectories import selectors as trajectory_selectors
from trajectories.views import CurrentConsultationMixin

from . import opendata, results, selectors
from .forms import ProposalFilterForm

PROPOSALS_PER_PAGE = 20
RESULTS_LIST_LENGTH = 10


def shuffle_seed(session):
    """The visitor's seed of the stable random order, drawn on their first visit."""
    if "shuffle_seed" not in session:
        session["shuffle_seed"] = secrets.randbits(62)
    return session["shuffle_seed"]


class HomeView(TemplateView):
    template_name = "proposals/home.html"

    def get_context_data(self, **kwargs):
        consultation = trajectory_selectors.consultation_current()
        context = {"consultation": consultation}
        if consultation is not None:
            context["themes"] = trajectory_selectors.theme_list(
                consultation=consultation
            )
            context["figures"] = selectors.consultation_figures(
                consultation=consultation
            )
        return super().get_context_data(**context, **kwargs)


class TrajectoryDetailView(CurrentConsultationMixin, DetailView):
    template_name = "trajectories/trajectory_detail.html"
    context_object_name = "trajectory"

    def get_object(self, queryset=None):
        return get_object_or_404(
            trajectory_selectors.trajectory_list(consultation=self.consultation),
            number=self.kwargs["number"],
        )

    def get_context_data(self, **kwargs):
        form = ProposalFilterForm(self.request.GET or None, trajectory=self.object)
        filters = form.filters()
        proposals = selectors.proposal_trajectory_list(
            trajectory=self.object, seed=shuffle_seed(self.request.session), **filters
        )
        page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            form=form,
            filters=filters,
            questions=list(self.object.questions.order_by("position", "pk")),
            page_obj=page,
            page_range=page.paginator.get_elided_page_range(page.number),
            **kwargs,
        )


class ProposalDetailView(CurrentConsultationMixin, DetailView):
    template_name = "proposals/proposal_detail.html"
    context_object_name = "proposal"

    def get_queryset(self):
        return selectors.proposal_public_list(consultation=self.consultation)

    def get_context_data(self, **kwargs):
        votes = self.object.votes.all()
        return super().get_context_data(
            breakdowns=results.vote_breakdowns(votes), **kwargs
        )


class ResultsView(CurrentConsultationMixin, TemplateView):
    template_name = "proposals/results.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            figures=selectors.consultation_figures(consultation=self.consultation),
            list_length=RESULTS_LIST_LENGTH,
            **results.consultation_results(
                consultation=self.consultation, limit=RESULTS_LIST_LENGTH
            ),
            **kwargs,
        )


class Echo:
    """A file-like object whose `write` returns the line, for streaming CSV rows."""

    def write(self, value):
        return value


def _current_consultation_or_404():
    consultation = trajectory_selectors.consultation_current()
    if consultation is None:
        raise Http404
    return consultation


@require_GET
def open_data_json(request):
    document = opendata.consultation_document(_current_consultation_or_404())
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def open_data_csv(request):
    writer = csv.writer(Echo())
    rows = opendata.proposal_rows(_current_consultation_or_404())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="proposals.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
