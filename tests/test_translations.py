"""The English catalogue is complete, and the account pages speak English when asked."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale/en/LC_MESSAGES/django.po"


def _untranslated(path):
    with path.open("rb") as po:
        catalogue = read_po(po)
    return [
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


def test_every_french_string_has_an_english_translation():
    assert _untranslated(CATALOGUE) == []


def test_the_catalogue_is_extracted_from_the_code_as_it_is(tmp_path):
    """A string the code marks for translation and `make messages` has not brought
    into the catalogue yet would show in French on the English pages."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("gettext is missing in CI")
        pytest.skip("gettext is not installed (Debian: apt-get install gettext)")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "staticfiles", "tests", "node_modules", "*.mo", ".*cache"
        ),
    )
    subprocess.run(  # noqa: S603 - the project's own manage.py
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SECRET_KEY": "tests-only-not-secret"},
    )
    assert _untranslated(copy / "locale/en/LC_MESSAGES/django.po") == []


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


# Placeholders that are settings of the site, never 1 (checked below), and words that
# do not take an « s » in the plural.
CONSTANT_PLACEHOLDERS = {"max", "min", "min_votes", "min_regions", "count_top"}
INVARIABLE = {"pas", "vous", "dans"}  # words in -s that are no plural nouns


def _french_messages():
    with CATALOGUE.open("rb") as po:
        return [message for message in read_po(po) if message.id]


def test_the_constant_placeholders_are_never_one():
    from proposals import ranking
    from proposals.models import PROPOSAL_MIN_LENGTH
    from proposals.models.arguments import ARGUMENT_MIN_LENGTH
    from proposals.results import RESULTS_LIST_LENGTH

    assert PROPOSAL_MIN_LENGTH > 1 and ARGUMENT_MIN_LENGTH > 1
    assert ranking.RANKING_MIN_VOTES > 1 and ranking.CONSENSUS_MIN_REGIONS > 1
    assert RESULTS_LIST_LENGTH > 1


def test_french_counts_agree_with_their_nouns():
    """« 1 propositions » cannot be written: a count before a plural noun is in a
    plural message (ngettext, {% plural %}) or is a constant of the site."""
    wrong = []
    for message in _french_messages():
        if isinstance(message.id, tuple):
            continue
        for name, noun in re.findall(r"%\((\w+)\)[sd]\s+([\w’'-]+s)\b", message.id):
            if name not in CONSTANT_PLACEHOLDERS and noun not in INVARIABLE:
                wrong.append(message.id)
    assert wrong == []


def test_selected_items_agree_with_feminine_nouns():
    feminine = (
        r"(propositions|organisations|réponses|questions|trajectoires|invitations)"
    )
    wrong = [
        message.id
        for message in _french_messages()
        if re.search(feminine + r"\s+(\w+\s+)?sélectionnés", str(message.id))
        or re.search(feminine + r"\s+(\w+\s+)?créés", str(message.id))
    ]
    assert wrong == []


def test_cosigning_is_written_one_way():
    """« cosigner », « cosignataire », « cosignature »: in one word, as French writes
    them, everywhere."""
    hyphenated = [
        message.id
        for message in _french_messages()
        if re.search(r"[Cc]o-sign", str(message.id))
    ]
    assert hyphenated == []


def test_french_prints_typographic_apostrophes():
    """Every message of the interface with an apostrophe between letters reads with
    ’ in French (the French catalogue, filled by `make messages`)."""
    from django.utils import translation

    straight = re.compile(r"(?<=\w)'(?=\w)")
    with translation.override("fr"):
        for message in _french_messages():
            forms = message.id if isinstance(message.id, tuple) else (message.id,)
            if not any(straight.search(form) for form in forms):
                continue
            if isinstance(message.id, tuple):
                printed = {
                    form: translation.ngettext(*message.id[:2], count)
                    for form, count in zip(message.id, (1, 2), strict=False)
                }
            elif message.context:
                printed = {
                    message.id: translation.pgettext(message.context, message.id)
                }
            else:
                printed = {message.id: translation.gettext(message.id)}
            for form, french in printed.items():
                assert not straight.search(french), french
                assert ("’" in french) == bool(straight.search(form)), (form, french)


def test_a_french_page_prints_typographic_apostrophes(client, every_state):
    import lxml.html

    from tests.reading import squeeze

    page = every_state["popular"].get_absolute_url()
    text = squeeze(lxml.html.fromstring(client.get(page).content).text_content())
    for phrase in ("d’accord", "pas d’accord"):
        assert phrase in text, phrase
    content = {
        every_state["popular"].text,
        every_state["popular"].question.text,
        every_state.consultation.title,
    }
    for typed in content:  # what people typed stays as they typed it
        assert typed in text or typed[:40] in text
