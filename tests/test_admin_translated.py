"""
Every string of the admin is translated: its sections, labels, help texts, columns,
filters and buttons read differently in French and in English, except the words both
languages share, and the data (names, texts) that are no interface. This covers the
second factor's pages (django-otp, English-only in the library) and the permission
names (which Django stores in English).
"""

import contextlib
import re

import lxml.html
import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_static.models import StaticToken

from consultation.models import AuthenticatorApp, BackupCodes
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

INTERFACE = (
    "//h1 | //h2 | //h3 | //thead//th | //label | //legend | //caption"
    " | //*[contains(concat(' ', @class, ' '), ' help ')]"
    " | //button | //input[@type='submit']/@value | //input[@type='button']/@value"
    " | //nav[@id='nav-sidebar']//a | //ul[contains(@class, 'object-tools')]//a"
    " | //select[@name='action']/option | //div[@id='changelist-filter']//h3"
    " | //div[contains(@class, 'help')]"
)
# Words that French and English write alike.
SHARED_WORDS = {
    "Action", "Actions", "Axes", "Code", "Consultation", "Consultations", "Date",
    "Dates", "Organisation", "Organisations", "Phase", "Position", "Question",
    "Source", "Type", "Votes", "User Agent", "Sessions", "Session", "HTTP Accept",
    "Introduction", "Permissions", "QR code", "Arguments", "Cosignatures",
    "Notification", "Notifications",
}  # fmt: skip


def interface_texts(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    page = lxml.html.fromstring(response.content.decode())
    texts = set()
    for node in page.xpath(INTERFACE):
        text = " ".join(
            (node if isinstance(node, str) else node.text_content()).split()
        )
        text = re.sub(r"^\d+\s+", "", text.rstrip(" :"))  # a column's sort rank
        if re.search(r"[A-Za-z]{2}", text):
            texts.add(text)
    return texts


def admin_pages(user):
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    request = type("Request", (), {"user": user})()
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{info}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{info}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"{info}_change", args=[first.pk]))
    return pages


def test_every_admin_string_is_translated(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    ProposalFactory()
    AuthenticatorApp.objects.create(user=superuser, name="Téléphone")
    codes = BackupCodes.objects.create(user=superuser, name="Secours")
    StaticToken.objects.create(device=codes, token="abcd1234")
    client.force_login(superuser)
    data = {
        str(obj)
        for model in admin.site._registry
        for obj in model._default_manager.all()[:50]
    }
    pages = admin_pages(superuser)
    device = AuthenticatorApp.objects.get()
    with contextlib.suppress(NoReverseMatch):  # hidden when secrets are hidden
        pages.append(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    untranslated = {}
    for url in pages:
        same = interface_texts(client, url, "fr") & interface_texts(client, url, "en")
        for text in same - SHARED_WORDS - data:
            if not any(value and value in text for value in data):
                untranslated.setdefault(text, url)
    assert untranslated == {}


def test_permissions_read_in_the_admins_language_and_only_for_administered_models(
    client,
):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = reverse("admin:auth_group_add")
    french = client.get(url).content.decode()
    assert "Proposals | Peut modifier : propositions" in french or (
        "Peut modifier : propositions" in french
    )
    assert "Can add" not in french
    assert "TOTP device" not in french and "Sessions | session" not in french
    assert "Peut ajouter : applications d’authentification" in french
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Can change: proposals" in english


def test_the_authenticator_apps_qr_code_page_speaks_the_admins_language(client):
    """django-otp's own page says « Install segno… » in English whatever the language."""
    superuser = UserFactory(is_staff=True, is_superuser=True)
    device = AuthenticatorApp.objects.create(user=superuser, name="Téléphone")
    client.force_login(superuser)
    url = reverse("admin:otp_totp_totpdevice_config", args=[device.pk])
    french = client.get(url).content.decode()
    assert "Scannez ce code" in french and "Install" not in french
    client.cookies["django_language"] = "en"
    assert "Scan this code" in client.get(url).content.decode()
