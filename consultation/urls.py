from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from django.views.i18n import set_language

from . import views

account_patterns = [
    path("inscription/", views.SignupView.as_view(), name="signup"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "confirmer/<uidb64>/<token>/",
        views.EmailConfirmView.as_view(),
        name="email_confirm",
    ),
    path(
        "confirmation/renvoyer/", views.confirmation_resend, name="confirmation_resend"
    ),
    path("profil/", views.ProfileUpdateView.as_view(), name="profile"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        TemplateView.as_view(template_name="consultation/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        TemplateView.as_view(template_name="consultation/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

# The public site has one flat set of URL names ("home", "trajectory_detail",
# "my_space"…): a page's name says what it is, whichever app serves it.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Changing one's display language needs no CSRF token (the worst a forged request
    # can do is switch it), so that the switcher leaves pages cacheable.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("compte/", include(account_patterns)),
    path("pages/<slug:slug>/", views.SitePageDetailView.as_view(), name="site_page"),
    path("", include("trajectories.urls")),
    path("", include("proposals.urls")),
    path("", include("synthesis.urls")),
]

if settings.BENCH_CEILING:
    urlpatterns.append(path("bench/", include("benchmarks.urls")))

handler400 = "consultation.views.bad_request"
handler500 = "consultation.views.server_error"
