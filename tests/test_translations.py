"""The English catalogue is complete, and the account pages speak English when asked."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse

CATALOGUE = Path(__file__).resolve().parents[1] / "locale/en/LC_MESSAGES/django.po"


def test_every_french_string_has_an_english_translation():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not (
                all(message.string) if isinstance(message.id, tuple) else message.string
            )
        )
    ]
    assert untranslated == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "english"),
    [
        ("signup", "Create an account for your organisation"),
        ("login", "Forgotten password?"),
        ("password_reset", "Send me the link"),
    ],
)
def test_account_pages_in_english(client, url_name, english):
    client.cookies["django_language"] = "en"
    assert english in client.get(reverse(url_name)).content.decode()


def test_the_french_catalogue_holds_every_plural_under_the_french_rule():
    """French says « 0 mitigé »: without its catalogue gettext would use English's rule."""
    french = Path(__file__).resolve().parents[1] / "locale/fr/LC_MESSAGES/django.po"
    with CATALOGUE.open("rb") as po:
        plurals = {m.id for m in read_po(po) if isinstance(m.id, tuple)}
    with french.open("rb") as po:
        catalogue = read_po(po)
    assert catalogue.plural_expr == "(n > 1)"
    translated = {m.id for m in catalogue if isinstance(m.id, tuple) and all(m.string)}
    assert plurals and plurals <= translated
