"""Arguments for and against a proposal: add or take back one's own, report another's.
Each form works without JavaScript and comes back to the proposal's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from consultation.security import rate

from .. import permissions, services
from ..forms import ArgumentForm, ArgumentReportForm
from ..models import Argument, Proposal
from .pages import ProposalDetailView

RATE_LIMIT_ARGUMENT_USER = ratelimit(
    key="user", rate=rate("proposal_user"), method="POST", block=True
)


def _arguments_url(proposal, anchor="arguments"):
    return f"{proposal.get_absolute_url()}#{anchor}"


@require_POST
@login_required
@RATE_LIMIT_ARGUMENT_USER
def argument_create(request, pk):
    """Publish the visitor's argument; on a refusal, the page again with what they
    wrote and why (nothing typed is lost)."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("question__trajectory__consultation"), pk=pk
    )
    form = ArgumentForm(request.POST)
    if form.is_valid():
        try:
            argument = services.argument_add(
                proposal=proposal,
                author=request.user,
                side=form.cleaned_data["side"],
                text=form.cleaned_data["text"],
            )
        except services.ProposalActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Votre argument est publié."))
            return redirect(_arguments_url(proposal, f"argument-{argument.pk}"))
    view = ProposalDetailView()
    view.setup(request, pk=pk)
    view.object = view.get_object()
    context = view.get_context_data(object=view.object, argument_form=form)
    return render(request, view.template_name, context, status=400)


@require_POST
@login_required
def argument_delete(request, pk):
    """Take back one's own argument."""
    argument = get_object_or_404(
        Argument.objects.select_related("proposal__question__trajectory"),
        pk=pk,
        author=request.user,
    )
    services.argument_remove(argument=argument, author=request.user)
    messages.success(request, _("Votre argument est retiré."))
    return redirect(_arguments_url(argument.proposal))


@require_http_methods(["GET", "POST"])
@login_required
@RATE_LIMIT_ARGUMENT_USER
def argument_report(request, pk):
    """Report an argument to the moderators, with a reason from the list."""
    argument = get_object_or_404(
        Argument.objects.select_related(
            "proposal__question__trajectory__consultation", "region"
        ),
        pk=pk,
    )
    if not permissions.can_view_proposal(request.user, argument.proposal):
        return redirect("home")
    form = ArgumentReportForm(request.POST or None)
    refusal = permissions.report_refusal(request.user, argument)
    if request.method == "POST" and form.is_valid():
        try:
            services.argument_report(
                argument=argument,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.ProposalActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Merci : l'équipe de modération examinera cet argument."),
            )
        return redirect(_arguments_url(argument.proposal, f"argument-{argument.pk}"))
    return render(
        request,
        "proposals/argument_report.html",
        {"argument": argument, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )
