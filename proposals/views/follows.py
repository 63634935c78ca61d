"""Following proposals and trajectories, and choosing the mails that come of it.
Every form works without JavaScript and comes back to where it was sent from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from trajectories.models import Trajectory

from .. import permissions, services
from ..forms import NotificationPreferencesForm
from ..models import Proposal
from .common import apply_action


def _following(request):
    return request.POST.get("following") == "1"


@require_POST
@login_required
def proposal_follow(request, pk):
    proposal = get_object_or_404(
        Proposal.objects.select_related("question__trajectory__consultation"), pk=pk
    )
    if not permissions.can_view_proposal(request.user, proposal):
        raise Http404
    following = _following(request)
    apply_action(
        request,
        services.proposal_follow,
        _("Vous suivez cette proposition : ses nouvelles vous arrivent par e-mail.")
        if following
        else _("Vous ne suivez plus cette proposition."),
        user=request.user,
        proposal=proposal,
        following=following,
    )
    if request.POST.get("from") == "my_space":
        return redirect(reverse("my_space") + "#notifications")
    return redirect(f"{proposal.get_absolute_url()}#suivre")


@require_POST
@login_required
def trajectory_follow(request, pk):
    trajectory = get_object_or_404(
        Trajectory.objects.select_related("consultation"), pk=pk
    )
    if not trajectory.consultation.is_public:
        raise Http404
    following = _following(request)
    apply_action(
        request,
        services.trajectory_follow,
        _(
            "Vous suivez cette trajectoire : chaque semaine, ses nouvelles "
            "propositions vous arrivent par e-mail."
        )
        if following
        else _("Vous ne suivez plus cette trajectoire."),
        user=request.user,
        trajectory=trajectory,
        following=following,
    )
    if request.POST.get("from") == "my_space":
        return redirect(reverse("my_space") + "#notifications")
    return redirect(f"{trajectory.get_absolute_url()}#suivre")


@require_POST
@login_required
def notification_preferences(request):
    form = NotificationPreferencesForm(request.POST, user=request.user)
    if form.is_valid():
        services.notification_preferences_set(
            user=request.user,
            follows_own=form.cleaned_data["follows_own"],
            follows_voted=form.cleaned_data["follows_voted"],
            mails=form.cleaned_data["mails"],
        )
        messages.success(request, _("Vos choix sont enregistrés."))
    else:
        messages.error(request, _("Ces choix n'ont pas pu être enregistrés."))
    return redirect(reverse("my_space") + "#notifications")


@method_decorator(csrf_exempt, name="dispatch")  # the signed token is the proof
class UnsubscribeView(TemplateView):
    """The link of every notification mail: GET asks, POST (one click from a mail
    client, List-Unsubscribe-Post) stops them all."""

    template_name = "proposals/mail_unsubscribe.html"

    def post(self, request, token):
        user = services.user_unsubscribe(token=token)
        return self.render_to_response(
            {"done": user is not None, "valid": user is not None}
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(done=False, valid=True, **kwargs)
