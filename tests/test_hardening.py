"""Production hardening: headers, cookies, HTTPS, deploy checks, admin path, 2FA,
health checks and failures that must not reach visitors as tracebacks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.servers import Site, production_env, seeded_database, shell

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    **{
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_"))
    },
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3Jd9-vQ2x_Lw8ZpR7mT4nYb6cHs1fGa5uEo0iWqNtVyXrMjBhCzDlKgPeSuOaIn",
    "DJANGO_ALLOWED_HOSTS": "trajectoires.example.org",
}

pytestmark = pytest.mark.django_db


def manage(*args, env=None):
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env or PRODUCTION_ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV}
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_admin_lives_where_the_environment_says():
    result = manage(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        env={**PRODUCTION_ENV, "DJANGO_ADMIN_PATH": "/gestion-7f3a/"},
    )
    assert result.stdout.strip().splitlines()[-1] == "/gestion-7f3a/"


@pytest.mark.parametrize("url_name", ["home", "login", "results"])
def test_security_headers_on_every_page(client, consultation, url_name):
    response = client.get(reverse(url_name), secure=True)
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2]
        for part in policy.split(";")
        if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(
    client, consultation, question, published_proposal
):
    import re

    for url in (
        reverse("home"),
        question.trajectory.get_absolute_url(),
        reverse("signup"),
    ):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert " on" + "click=" not in html


def test_cookies_are_secure_httponly_and_samesite(client, participant):
    response = client.post(
        reverse("login"),
        {"username": participant.email, "password": "mot-de-passe-solide-42"},
        secure=True,
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    # A new visitor's first form sets the CSRF cookie.
    page = Client().get(reverse("signup"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


def test_plain_http_is_redirected_to_https(settings, consultation):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(reverse("home"))
    assert response.status_code == 301
    assert response.url.startswith("https://")


@pytest.mark.parametrize("required", [True, False])
def test_the_admin_asks_for_a_second_factor_when_the_setting_says_so(
    tmp_path, required
):
    env = production_env(
        DATABASE_URL=seeded_database(tmp_path),
        DJANGO_ADMIN_REQUIRE_OTP="1" if required else "0",
    )
    device = shell(
        env,
        "from consultation.models import User; "
        "from django_otp.plugins.otp_static.models import StaticDevice; "
        "user = User.objects.create_user('admin@exemple.fr', 'un-long-mot-de-passe', "
        "is_staff=True, is_superuser=True); "
        "device = StaticDevice.objects.create(user=user, name='secours'); "
        "device.token_set.create(token='87654321'); print(device.persistent_id)",
    )
    site = Site(env)
    try:
        _, _, login_page = site.request("/admin/login/")
        assert ('name="otp_token"' in login_page) is required
        password_only = {
            "username": "admin@exemple.fr",
            "password": "un-long-mot-de-passe",
        }
        status, _, _ = site.post_form("/admin/login/?next=/admin/", password_only)
        assert status == (200 if required else 302)  # 200: the form, refused
        if required:
            status, _, _ = site.post_form(
                "/admin/login/?next=/admin/",
                {**password_only, "otp_device": device, "otp_token": "87654321"},
            )
            assert status == 302
        status, _, _ = site.request("/admin/")
        assert status == 200
    finally:
        site.stop()


def test_healthz_reports_the_database_and_the_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "SECRET" not in response.content.decode()


def test_an_unexpected_error_shows_the_french_500_page_without_traceback(
    consultation, monkeypatch
):
    from proposals import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    response = Client(raise_request_exception=False).get(reverse("home"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Une erreur est survenue" in html and "secret internal detail" not in html


def test_a_logged_in_request_reads_its_session_from_the_cache(client, participant):
    client.force_login(participant)
    client.get(reverse("my_space"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("my_space")).status_code == 200
    assert [q["sql"] for q in queries if "django_session" in q["sql"]] == []


def test_logs_are_json_lines_with_the_request():
    import json
    import logging

    from django.test import RequestFactory

    from consultation.logging import JsonFormatter

    request = RequestFactory().get("/resultats/")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
            ("/resultats/",), sys.exc_info(), extra={"request": request, "status_code": 500},
        )  # fmt: skip
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR" and entry["path"] == "/resultats/"
    assert entry["status"] == 500 and "ValueError: boom" in entry["exception"]


def test_a_forbidden_page_is_the_french_403(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, organisation=""))
    response = client.get(reverse("admin:proposals_proposal_import_workshop"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
