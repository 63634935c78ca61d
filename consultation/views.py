import secrets
import sys

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView
from django_ratelimit.decorators import ratelimit

from . import services
from .forms import (
    LoginForm,
    ProfileForm,
    SignupForm,
    StyledPasswordChangeForm,
    StyledPasswordResetForm,
    StyledSetPasswordForm,
)
from .models import SitePage, User
from .routers import replica_state
from .security import (
    login_failure_count,
    login_failures_exceeded,
    mail_address_key,
    rate,
)


class SitePageDetailView(DetailView):
    model = SitePage
    template_name = "consultation/sitepage_detail.html"
    context_object_name = "page"


@never_cache
def healthz(request):
    """For load balancers: are the database and the cache reachable, is the read
    replica in use? No secrets."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        probe = f"healthz:{secrets.token_hex(4)}"
        cache.set(probe, 1, 5)
        checks["cache"] = "ok" if cache.get(probe) == 1 else "unavailable"
        cache.delete(probe)
    except Exception:  # noqa: BLE001 - any cache failure means "unavailable"
        checks["cache"] = "unavailable"
    if (replica := replica_state()) is not None:
        checks["replica"] = replica  # skipped when lagging or down: no failure
    healthy = checks["database"] == "ok"  # the site works without its cache
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )


def server_error(request):
    """The 500 handler: a French page, and a 503 when the database is unreachable.

    Rendered without the request's context, which may need the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


def bad_request(request, exception):
    """The 400 handler: the French page, rendered without the request's context, which
    may ask for a host the site does not serve (the refused request's own)."""
    return HttpResponseBadRequest(render_to_string("400.html"))


def ratelimited(request, exception):
    """The answer to a request over a rate limit (django-ratelimit's RATELIMIT_VIEW)."""
    return render(request, "429.html", status=429)


@method_decorator(
    ratelimit(key="ip", rate=rate("signup_ip"), method="POST", block=True),
    name="post",
)
class SignupView(FormView):
    template_name = "consultation/user_signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("my_space")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.user_signup(
                email=data["email"],
                password=data["password1"],
                organisation=data["organisation"],
                organisation_type=data["organisation_type"],
                region=data["region"],
                legal_identifier=data["legal_identifier"],
                language=self.request.LANGUAGE_CODE,
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            _(
                "Bienvenue ! Un e-mail de confirmation part à %(email)s : ouvrez son "
                "lien pour pouvoir proposer et voter."
            )
            % {"email": user.email},
        )
        if user.registered_name:
            messages.info(self.request, registered_name_said(user))
        return redirect("my_space")


def registered_name_said(user):
    """What a person reads of its organisation's name in the register."""
    if user.registered_name_differs:
        return _(
            "Votre numéro est celui de « %(registered)s » au répertoire officiel, et "
            "vous avez écrit « %(typed)s » : l’équipe de la consultation vérifiera."
        ) % {"registered": user.registered_name, "typed": user.organisation}
    return _("Votre organisation figure au répertoire officiel : « %(name)s ».") % {
        "name": user.registered_name
    }


class EmailConfirmView(FormView):
    """The link of the confirmation email shows a button; the POST confirms."""

    template_name = "consultation/user_email_confirm.html"
    form_class = forms.Form

    def get_user(self):
        try:
            pk = force_str(urlsafe_base64_decode(self.kwargs["uidb64"]))
            return User.objects.get(pk=pk)
        except (ValueError, TypeError, OverflowError, User.DoesNotExist):
            return None

    def get_context_data(self, **kwargs):
        user = self.get_user()
        valid = user is not None and (
            user.email_confirmed
            or services.email_confirmation_token.check_token(user, self.kwargs["token"])
        )
        return super().get_context_data(valid=valid, **kwargs)

    def form_valid(self, form):
        user = self.get_user()
        if user is None or not services.user_email_confirm(
            user=user, token=self.kwargs["token"]
        ):
            messages.error(
                self.request, _("Ce lien de confirmation n'est plus valide.")
            )
            return redirect("home")
        messages.success(self.request, _("Votre adresse e-mail est confirmée. Merci !"))
        return redirect("my_space" if self.request.user.is_authenticated else "login")


@require_POST
@login_required
@ratelimit(key="user", rate=rate("mail_address"), method="POST", block=True)
@ratelimit(key="ip", rate=rate("mail_ip"), method="POST", block=True)
def confirmation_resend(request):
    if not request.user.email_confirmed:
        services.user_confirmation_send(user=request.user)
        messages.success(
            request,
            _("Un nouveau lien part à %(email)s.") % {"email": request.user.email},
        )
    return redirect("my_space")


@method_decorator(login_required, name="dispatch")
class ProfileUpdateView(FormView):
    template_name = "consultation/user_profile_form.html"
    form_class = ProfileForm
    success_url = reverse_lazy("my_space")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "account": self.request.user}

    def form_valid(self, form):
        was_verified = self.request.user.organisation_verified
        try:
            user = services.user_profile_update(
                user=self.request.user, **form.cleaned_data
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Votre profil est enregistré."))
        if user.registered_name:
            messages.info(self.request, registered_name_said(user))
        if was_verified and not user.organisation_verified:
            messages.warning(
                self.request,
                _(
                    "Le nom, le type ou le numéro de votre organisation a changé : "
                    "elle sera vérifiée à nouveau par l'équipe de la consultation."
                ),
            )
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    template_name = "consultation/user_login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Many emails tried from one address (password spraying): refused for a while.
        if login_failures_exceeded(request):
            return ratelimited(request, None)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failure_count(self.request)
        return super().form_invalid(form)


# The same answer whether the account exists or not: the limits come first.
@method_decorator(
    ratelimit(
        key=mail_address_key, rate=rate("mail_address"), method="POST", block=True
    ),
    name="post",
)
@method_decorator(
    ratelimit(key="ip", rate=rate("mail_ip"), method="POST", block=True), name="post"
)
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "consultation/password_reset_form.html"
    form_class = StyledPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        """The same answer, as fast, whether an account has the address or not."""
        services.password_reset_send(email=form.cleaned_data["email"])
        return redirect(self.success_url)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "consultation/password_reset_confirm.html"
    form_class = StyledSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "consultation/password_change_form.html"
    form_class = StyledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_success_url(self):
        messages.success(self.request, _("Votre mot de passe est changé."))
        return reverse("my_space")


def robots_txt(request):
    """For crawlers: the sitemap, and the pages that are nobody's business."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        "Disallow: /mon-espace/",
        "Disallow: /compte/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
