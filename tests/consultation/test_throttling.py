"""
Limits on what an attacker can repeat: mails sent to one address, passwords tried from
one client, current passwords guessed; and the client's address as a proxy forwards it.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from consultation.security import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RIGHT = "mot-de-passe-solide-42"


def outcomes(requests):
    return [request().status_code for request in requests]


@pytest.mark.parametrize("exists", [True, False])
def test_password_reset_mails_are_limited_per_address_with_the_same_answer(
    exists, django_capture_on_commit_callbacks
):
    if exists:
        UserFactory(email="cible@exemple.fr")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post(
                reverse("password_reset"), {"email": "Cible@Exemple.fr"}
            ).status_code
            for _ in range(30)
        ]
    assert statuses[:3] == [302, 302, 302]
    assert set(statuses[3:]) == {429}  # whether the account exists or not
    assert len(mail.outbox) == (3 if exists else 0)
    page = client.post(reverse("password_reset"), {"email": "cible@exemple.fr"})
    assert "Trop de demandes" in page.content.decode()


def test_password_reset_mails_are_limited_per_client_address():
    client = Client()
    statuses = [
        client.post(
            reverse("password_reset"), {"email": f"personne{i}@exemple.fr"}
        ).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [302] * 10 and statuses[10:] == [429, 429]


def test_confirmation_links_are_limited_per_account(django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(UserFactory(email_confirmed_at=None))
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post(reverse("confirmation_resend")).status_code for _ in range(30)
        ]
    assert statuses[:3] == [302] * 3 and set(statuses[3:]) == {429}
    assert len(mail.outbox) == 3


def test_password_spraying_from_one_address_is_refused():
    """25 accounts tried once each from one address: refused after 20 failures."""
    client = Client()
    statuses = [
        client.post(
            reverse("login"),
            {"username": f"victime{i}@exemple.fr", "password": "devine-123"},
        ).status_code
        for i in range(25)
    ]
    assert statuses[:20] == [200] * 20  # the form again, with its error
    assert set(statuses[20:]) == {429}
    # Even the right password is refused from there for a while.
    UserFactory(email="legitime@exemple.fr")
    response = client.post(
        reverse("login"), {"username": "legitime@exemple.fr", "password": RIGHT}
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("url_name", "field", "extra"),
    [
        ("account_delete", "password", {}),
        (
            "password_change",
            "old_password",
            {
                "new_password1": "une-nouvelle-phrase-longue",
                "new_password2": "une-nouvelle-phrase-longue",
            },
        ),
    ],
)
def test_current_password_checks_are_throttled_like_the_login(url_name, field, extra):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    statuses = [
        client.post(reverse(url_name), {field: f"faux-{i}", **extra}).status_code
        for i in range(6)
    ]
    # As at the login: the fifth failure locks the email and address out.
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}
    response = client.post(reverse(url_name), {field: RIGHT, **extra})
    assert response.status_code == 429  # locked out, even with the right password
    user.refresh_from_db()
    assert user.check_password(RIGHT)


def forwarded(remote, forwarded_for=None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded_for:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    request.user = AnonymousUser()
    return request


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(forwarded("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_trusted_proxy_the_client_is_the_address_it_forwards(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(forwarded("10.0.0.2", "198.51.100.1")) == "198.51.100.1"
    # A client that sends its own header cannot choose its address.
    assert client_ip(forwarded("10.0.0.2", "6.6.6.6, 198.51.100.1")) == "198.51.100.1"
    assert client_ip(forwarded("10.0.0.2")) == "10.0.0.2"  # no header: the socket


@pytest.mark.parametrize(("proxies", "limited"), [(0, True), (1, False)])
def test_the_limits_count_per_client_as_the_setting_says(settings, proxies, limited):
    """Behind a proxy every request comes from it: only a trusted proxy's header
    separates two clients."""
    settings.TRUSTED_PROXIES = proxies
    client = Client(REMOTE_ADDR="10.0.0.2")
    for i in range(10):
        client.post(
            reverse("password_reset"),
            {"email": f"a{i}@exemple.fr"},
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    response = client.post(
        reverse("password_reset"),
        {"email": "b@exemple.fr"},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert (response.status_code == 429) is limited


def test_the_logs_name_the_client_as_the_limits_do(settings):
    import json
    import logging

    from consultation.logging import JsonFormatter

    settings.TRUSTED_PROXIES = 1
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden", (), None,
        extra={"request": forwarded("10.0.0.2", "198.51.100.1"), "status_code": 403},
    )  # fmt: skip
    assert json.loads(JsonFormatter().format(record))["client"] == "198.51.100.1"


@pytest.mark.parametrize("password", ["court-1234", "onze-chars1"])
def test_a_password_needs_twelve_characters_and_the_form_says_so(client, password):
    response = client.post(
        reverse("signup"),
        {
            "email": "nouvelle@exemple.fr",
            "password1": password,
            "password2": password,
            "organisation": "Association",
            "organisation_type": "association",
            "region": "53",
            "accept_terms": "on",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "au minimum 12 caractères" in page
