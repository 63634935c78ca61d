"""What participants do: propose, vote, withdraw, and their own space."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)
from django.views.generic import FormView, TemplateView

from consultation.security import rate_limited
from consultation.shared_pages import counts_moved_by, kept_for_its_owner

from .. import permissions, selectors, services
from ..forms import (
    AccountDeleteForm,
    NotificationPreferencesForm,
    ProposalForm,
    VoteForm,
)
from ..models import Choice, Proposal, Status
from ..similar import similar_proposals
from ..text import text_fingerprint
from ..vote_summary import vote_said, vote_summary
from .pages import TrajectoryDetailView

RATE_LIMITS_PROPOSAL = rate_limited(("user", "proposal_user"), ("ip", "proposal_ip"))
RATE_LIMITS_VOTE = rate_limited(("user", "vote_user"), ("ip", "vote_ip"))


@method_decorator(login_required, name="post")
@method_decorator(RATE_LIMITS_PROPOSAL, name="post")
class ProposalCreateView(TrajectoryDetailView):
    """The trajectory page's proposal form, posted: on error the page shows it again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = ProposalForm(request.POST, trajectory=self.object)
        if form.is_valid() and not form.cleaned_data["similar_seen"]:
            similar = similar_proposals(
                form.cleaned_data["question"], form.cleaned_data["text"]
            )
            fingerprint = text_fingerprint(form.cleaned_data["text"])
            if similar and all(other.fingerprint != fingerprint for other in similar):
                # Shown before it is sent: voting for one of these may say it already
                # (the same text is refused below, with a link to it).
                form = ProposalForm(
                    {**request.POST.dict(), "similar_seen": "1"}, trajectory=self.object
                )
                form.is_valid()
                context = self.get_context_data(
                    proposal_form=form, similar=similar, **kwargs
                )
                return self.render_to_response(context)
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
@RATE_LIMITS_VOTE
def vote(request, pk):
    """Cast, change or remove the visitor's vote; JSON for scripts, else redirect."""
    proposal = selectors.proposal_for_vote(pk)
    if proposal is None:
        raise Http404
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
            return JsonResponse(
                {"error": str(error), "code": error.code, "message": str(error)},
                status=403,
            )
        messages.error(request, str(error))
        return redirect(back)
    counts_moved_by(request.user)
    if _wants_json(request):
        # `vote_cast` set the proposal's counters and `my_vote` from the database.
        counts = proposal.agree_count, proposal.mixed_count, proposal.disagree_count
        return JsonResponse(
            {
                "choice": proposal.my_vote,
                "said": vote_said(proposal.my_vote),
                "counts": dict(zip(Choice.values, counts, strict=True)),
                "summary": vote_summary(*counts),
            }
        )
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
    """An organisation's own space: its proposals, votes and follows, each list paged
    (its own query parameter), so that 2,000 votes read as fast as 20; kept for it
    (`kept_for_its_owner`) while what it shows is unchanged."""

    template_name = "proposals/my_space.html"
    VOTES_PER_PAGE = 50
    PROPOSALS_PER_PAGE = 20
    FOLLOWS_PER_PAGE = 50

    def get(self, request, *args, **kwargs):
        # Kept for its owner while what it shows of their things is unchanged.
        return kept_for_its_owner(
            request,
            selectors.my_space_stamp(request.user),
            lambda: super(MySpaceView, self).get(request, *args, **kwargs).render(),
        )

    def _page(self, items, per_page, parameter):
        paginator = Paginator(items, per_page)
        page = paginator.get_page(self.request.GET.get(parameter))
        return page, paginator.get_elided_page_range(page.number)

    def get_context_data(self, **kwargs):
        user = self.request.user
        votes, vote_range = self._page(
            selectors.vote_list_by_voter(voter=user), self.VOTES_PER_PAGE, "page"
        )
        proposals, proposal_range = self._page(
            selectors.proposal_list_by_author(author=user),
            self.PROPOSALS_PER_PAGE,
            "propositions",
        )
        follows, follow_range = self._page(
            selectors.follow_list(user), self.FOLLOWS_PER_PAGE, "suivis"
        )
        return super().get_context_data(
            proposals=[
                (proposal, permissions.can_withdraw_proposal(user, proposal))
                for proposal in proposals
            ],
            proposals_page=proposals,
            proposal_range=proposal_range,
            votes_page=votes,
            page_obj=votes,
            page_range=vote_range,
            follows=follows,
            follow_range=follow_range,
            participation_refusal=permissions.participation_refusal(user),
            invitations=selectors.invitations_for(user),
            cosignatures=selectors.cosignature_list_by(user),
            preferences_form=NotificationPreferencesForm(user=user),
            confirmation_waiting=(
                not user.email_confirmed and selectors.confirmation_mail_waiting(user)
            ),
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
