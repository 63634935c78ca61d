import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)
from django.views.generic import DetailView, FormView, TemplateView
from django_ratelimit.decorators import ratelimit

from consultation.cache import cached
from consultation.page_cache import declare_canonical_query, shuffle_bucket
from consultation.security import rate
from trajectories import selectors as trajectory_selectors
from trajectories.models import Trajectory
from trajectories.views import ConsultationMixin

from . import opendata, permissions, results, selectors, services
from .forms import AccountDeleteForm, ProposalFilterForm, ProposalForm, VoteForm
from .models import Proposal, Status, Workshop
from .ranking import CONSENSUS_MIN_REGIONS, RANKING_MIN_VOTES

PROPOSALS_PER_PAGE = 20
RESULTS_LIST_LENGTH = 10

RATE_LIMIT_PROPOSAL_USER = ratelimit(
    key="user", rate=rate("proposal_user"), method="POST", block=True
)
RATE_LIMIT_PROPOSAL_IP = ratelimit(
    key="ip", rate=rate("proposal_ip"), method="POST", block=True
)
RATE_LIMIT_VOTE_USER = ratelimit(
    key="user", rate=rate("vote_user"), method="POST", block=True
)
RATE_LIMIT_VOTE_IP = ratelimit(
    key="ip", rate=rate("vote_ip"), method="POST", block=True
)


class HomeView(TemplateView):
    """The home of the current consultation (there may be none yet), or of the one
    that /consultations/<slug>/ names."""

    template_name = "proposals/home.html"

    def get_context_data(self, **kwargs):
        consultation = (
            _consultation_or_404(self.kwargs["slug"])
            if "slug" in self.kwargs
            else trajectory_selectors.consultation_current()
        )
        context = {"consultation": consultation}
        if consultation is not None:
            context["themes"] = trajectory_selectors.theme_list(
                consultation=consultation
            )
            context["figures"] = cached(
                "figures",
                consultation.pk,
                lambda: selectors.consultation_figures(consultation=consultation),
            )
        return super().get_context_data(**context, **kwargs)


class TrajectoryDetailView(ConsultationMixin, DetailView):
    template_name = "trajectories/trajectory_detail.html"
    context_object_name = "trajectory"

    def get(self, request, *args, **kwargs):
        # /trajectoires/<n>/ means the current consultation's trajectory n; when it has
        # none, the address moves for good to the latest consultation that has one.
        if (
            not self.addressed_by_slug
            and not self.get_queryset().filter(number=kwargs["number"]).exists()
        ):
            trajectory = (
                Trajectory.objects.filter(
                    consultation__in=trajectory_selectors.consultation_public_list(),
                    number=kwargs["number"],
                )
                .select_related("consultation")
                .order_by("-consultation__opens_at")
                .first()
            )
            if trajectory is None:
                raise Http404
            return redirect(trajectory.get_absolute_url(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return trajectory_selectors.trajectory_list(consultation=self.consultation)

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), number=self.kwargs["number"])

    def participation_context(self, proposal_form=None):
        """What the visitor may do here: propose (with which form), vote, or why not."""
        user = self.request.user
        submission_refusal = permissions.submission_refusal(user, self.consultation)
        if submission_refusal is None and proposal_form is None:
            proposal_form = ProposalForm(trajectory=self.object)
        vote_refusal = permissions.consultation_vote_refusal(user, self.consultation)
        return {
            "submission_refusal": submission_refusal,
            "proposal_form": proposal_form if submission_refusal is None else None,
            "vote_refusal": vote_refusal,
            "can_vote": vote_refusal is None,
        }

    def get_context_data(self, proposal_form=None, **kwargs):
        questions = list(self.object.questions.order_by("position", "pk"))
        form = ProposalFilterForm(
            self.request.GET or None,
            questions=questions,
            workshops=list(
                Workshop.objects.filter(proposals__question__trajectory=self.object)
                .select_related("region")
                .distinct()
            ),
        )
        filters = form.filters()
        proposals = selectors.proposal_trajectory_list(
            trajectory=self.object, seed=shuffle_bucket(self.request), **filters
        )
        page = selectors.proposal_page(
            proposals,
            number=self.request.GET.get("page"),
            per_page=PROPOSALS_PER_PAGE,
            voter=self.request.user,
        )
        declare_canonical_query(self.request, form.canonical_query(page.number))
        return super().get_context_data(
            form=form,
            filters=filters,
            questions=questions,
            page_obj=page,
            page_range=page.paginator.get_elided_page_range(page.number),
            **self.participation_context(proposal_form),
            **kwargs,
        )


@method_decorator(login_required, name="post")
@method_decorator(RATE_LIMIT_PROPOSAL_USER, name="post")
@method_decorator(RATE_LIMIT_PROPOSAL_IP, name="post")
class ProposalCreateView(TrajectoryDetailView):
    """The trajectory page's proposal form, posted: on error the page shows it again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ProposalForm(request.POST, trajectory=self.object)
        if form.is_valid():
            try:
                services.proposal_submit(
                    author=request.user,
                    question=form.cleaned_data["question"],
                    text=form.cleaned_data["text"],
                )
            except services.DuplicateProposal as error:
                form.add_error("text", str(error))
                if error.existing.status == Status.PUBLISHED:
                    kwargs["duplicate"] = error.existing
            except services.ProposalActionError as error:
                form.add_error(None, str(error))
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Merci ! Votre proposition sera publiée après relecture par "
                        "l'équipe de modération. Vous la suivez dans « Mon espace »."
                    ),
                )
                return redirect(self.object.get_absolute_url())
        context = self.get_context_data(proposal_form=form, **kwargs)
        return self.render_to_response(context, status=400)


def _return_url(request, proposal, posted):
    """Where a vote goes back to: a page of this site, or else the proposal."""
    if posted and url_has_allowed_host_and_scheme(
        posted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return posted
    return proposal.get_absolute_url()


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
@RATE_LIMIT_VOTE_USER
@RATE_LIMIT_VOTE_IP
def vote(request, pk):
    """Cast, change or remove the visitor's vote; JSON for scripts, else redirect."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("question__trajectory__consultation"), pk=pk
    )
    form = VoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choix de vote inconnu."))
    back = _return_url(request, proposal, form.cleaned_data["next"])
    try:
        services.vote_cast(
            proposal=proposal,
            voter=request.user,
            choice=form.cleaned_data["choice"] or None,
        )
    except services.ProposalActionError as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=403)
        messages.error(request, str(error))
        return redirect(back)
    if _wants_json(request):
        proposal = selectors.with_voter_choice(
            Proposal.objects.filter(pk=pk), request.user
        ).get()
        html = render_to_string(
            "proposals/includes/vote_block.html",
            {"proposal": proposal, "can_vote": True, "next_url": back},
            request=request,
        )
        return JsonResponse({"choice": proposal.my_vote, "html": html})
    return redirect(f"{back}#proposal-{proposal.pk}")


@require_http_methods(["GET", "POST"])
@login_required
def proposal_withdraw(request, pk):
    """Withdraw one's proposal; one that has votes asks for confirmation first."""
    proposal = get_object_or_404(Proposal, pk=pk, author=request.user)
    if request.method == "GET":
        return render(
            request,
            "proposals/proposal_withdraw_confirm.html",
            {
                "proposal": proposal,
                "refusal": permissions.withdrawal_refusal(request.user, proposal),
            },
        )
    try:
        services.proposal_withdraw(
            proposal=proposal,
            author=request.user,
            confirmed=request.POST.get("confirm") == "1",
        )
    except services.WithdrawalNeedsConfirmation:
        return redirect("proposal_withdraw", pk=proposal.pk)
    except services.ProposalActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Votre proposition est retirée."))
    return redirect("my_space")


@method_decorator(login_required, name="dispatch")
class MySpaceView(TemplateView):
    template_name = "proposals/my_space.html"
    VOTES_PER_PAGE = 50

    def get_context_data(self, **kwargs):
        user = self.request.user
        votes = Paginator(selectors.vote_list_by_voter(voter=user), self.VOTES_PER_PAGE)
        page = votes.get_page(self.request.GET.get("page"))
        proposals = selectors.proposal_list_by_author(author=user)
        return super().get_context_data(
            proposals=[
                (proposal, permissions.can_withdraw_proposal(user, proposal))
                for proposal in proposals
            ],
            votes_page=page,
            page_obj=page,
            page_range=votes.get_elided_page_range(page.number),
            participation_refusal=permissions.participation_refusal(user),
            **kwargs,
        )


@require_GET
@login_required
def my_data(request):
    """Everything the platform holds about the account, as a JSON download."""
    response = JsonResponse(
        selectors.account_data(user=request.user),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        'attachment; filename="mes-donnees-trajectoires-ess.json"'
    )
    return response


@method_decorator(login_required, name="dispatch")
class AccountDeleteView(FormView):
    template_name = "proposals/account_delete.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "request": self.request,
        }

    def form_valid(self, form):
        services.account_delete(user=self.request.user)
        logout(self.request)
        messages.success(self.request, _("Votre compte est supprimé."))
        return redirect("home")


class ProposalDetailView(DetailView):
    """A proposal's page, whatever its consultation (ids are global): public once
    published, always to its author and moderators."""

    template_name = "proposals/proposal_detail.html"
    context_object_name = "proposal"

    def get_queryset(self):
        return selectors.with_voter_choice(selectors.proposal_list(), self.request.user)

    def get_object(self, queryset=None):
        proposal = super().get_object(queryset)
        if not permissions.can_view_proposal(self.request.user, proposal):
            raise Http404
        return proposal

    def get_context_data(self, **kwargs):
        user = self.request.user
        vote_refusal = permissions.vote_refusal(user, self.object)
        return super().get_context_data(
            breakdowns=results.tally_breakdowns(self.object.tallies.all()),
            can_vote=vote_refusal is None,
            vote_refusal=vote_refusal,
            can_withdraw=permissions.can_withdraw_proposal(user, self.object),
            min_votes=RANKING_MIN_VOTES,
            consultation=self.object.question.trajectory.consultation,
            **kwargs,
        )


class ResultsView(ConsultationMixin, TemplateView):
    """The results. Anonymous readers get the whole page from the page cache; for the
    others, the figures come from the data cache (`results.consultation_results`)."""

    template_name = "proposals/results.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            list_length=RESULTS_LIST_LENGTH,
            min_votes=RANKING_MIN_VOTES,
            min_regions=CONSENSUS_MIN_REGIONS,
            results=results.consultation_results(
                consultation=self.consultation, limit=RESULTS_LIST_LENGTH
            ),
            **kwargs,
        )


def _consultation_or_404(slug=None):
    """The public consultation called `slug`, or the current one."""
    if slug is not None:
        return get_object_or_404(
            trajectory_selectors.consultation_public_list(), slug=slug
        )
    consultation = trajectory_selectors.consultation_current()
    if consultation is None:
        raise Http404
    return consultation


class ConsultationListView(TemplateView):
    """Every public consultation: the current one first, then the archive."""

    template_name = "consultation/consultation_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            consultations=selectors.consultation_archive_list(), **kwargs
        )


def _open_data_response(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def open_data_json(request, slug=None):
    consultation = _consultation_or_404(slug)
    content = cached(
        "open-data-json",
        consultation.pk,
        lambda: json.dumps(
            opendata.consultation_document(consultation), ensure_ascii=False
        ),
    )
    return _open_data_response(content, "application/json", "consultation.json")


@require_GET
def open_data_csv(request, slug=None):
    consultation = _consultation_or_404(slug)
    content = cached(
        "open-data-csv", consultation.pk, lambda: opendata.proposals_csv(consultation)
    )
    return _open_data_response(content, "text/csv; charset=utf-8", "proposals.csv")


@require_GET
def workshop_report(request, pk):
    """A workshop's report, at a stable address (public, like its proposals)."""
    workshop = get_object_or_404(
        Workshop.objects.filter(
            consultation__in=trajectory_selectors.consultation_public_list()
        ).exclude(report=""),
        pk=pk,
    )
    return FileResponse(
        workshop.report.open("rb"), filename=workshop.report.name.rsplit("/", 1)[-1]
    )
