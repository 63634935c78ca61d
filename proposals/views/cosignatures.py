"""Cosigning a proposal: the author invites and withdraws invitations, the invited
organisation accepts or declines in « Mon espace », a cosigner leaves. Every form
works without JavaScript and comes back to where it was sent from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from consultation.security import rate

from .. import services
from ..forms import CoSignatureInviteForm
from ..models import CoSignature, Proposal
from .common import apply_action

RATE_LIMIT_COSIGNATURE_USER = ratelimit(
    key="user", rate=rate("cosignature_user"), method="POST", block=True
)


def _cosigners_url(proposal):
    return f"{proposal.get_absolute_url()}#cosignataires"


@require_POST
@login_required
@RATE_LIMIT_COSIGNATURE_USER
def cosignature_invite(request, pk):
    proposal = get_object_or_404(
        Proposal.objects.select_related("question__trajectory__consultation"),
        pk=pk,
        author=request.user,
    )
    form = CoSignatureInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["email"]))
        return redirect(_cosigners_url(proposal))
    apply_action(
        request,
        services.cosignature_invite,
        # The same words whether or not an account has that address.
        _(
            "Invitation enregistrée : si une organisation a un compte à cette adresse, "
            "elle la trouve dans « Mon espace »."
        ),
        proposal=proposal,
        author=request.user,
        email=form.cleaned_data["email"],
    )
    return redirect(_cosigners_url(proposal))


def _cosignature(pk, **filters):
    return get_object_or_404(
        CoSignature.objects.select_related("proposal"), pk=pk, **filters
    )


@require_POST
@login_required
def cosignature_withdraw(request, pk):
    cosignature = _cosignature(pk, proposal__author=request.user)
    apply_action(
        request,
        services.cosignature_withdraw,
        _("Invitation retirée."),
        cosignature=cosignature,
        author=request.user,
    )
    return redirect(_cosigners_url(cosignature.proposal))


def _answer(request, pk, action, success):
    """The invited organisation's answer, from « Mon espace »."""
    cosignature = _cosignature(pk, email=request.user.email)
    apply_action(request, action, success, cosignature=cosignature, user=request.user)
    return redirect("my_space")


@require_POST
@login_required
def cosignature_accept(request, pk):
    return _answer(
        request,
        pk,
        services.cosignature_accept,
        _("Votre organisation cosigne cette proposition."),
    )


@require_POST
@login_required
def cosignature_decline(request, pk):
    return _answer(request, pk, services.cosignature_decline, _("Invitation déclinée."))


@require_POST
@login_required
def cosignature_leave(request, pk):
    cosignature = _cosignature(pk, cosigner=request.user)
    apply_action(
        request,
        services.cosignature_leave,
        _("Votre organisation ne cosigne plus cette proposition."),
        cosignature=cosignature,
        user=request.user,
    )
    return redirect(_cosigners_url(cosignature.proposal))
