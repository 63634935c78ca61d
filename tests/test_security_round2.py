"""Input that hurt although it was refused nowhere: formulas in the CSV, personal
pages in shared caches, huge or invisible input, unchecked identifiers in the admin,
and query strings that filled the page cache."""

import csv
import io
import time
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from consultation.models import User
from proposals import services
from proposals.models import Proposal
from tests.factories import ProposalFactory, UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db


# --- CSV formula injection ----------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example","Cliquez")',
    "+33 propositions de plus",
    "-1 pour les grands groupes",
    "@SUM(A1:A9) des financements",
    "\tune tabulation devant",
]


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, question):
    proposals = [ProposalFactory(question=question, text=text) for text in FORMULAS]
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("open_data_csv")).content.decode())
        )
    )
    assert [row["text"] for row in rows] == [f"'{text}" for text in FORMULAS]
    document = client.get(reverse("open_data_json")).json()
    texts = [
        p["text"]
        for theme in document["themes"]
        for trajectory in theme["trajectories"]
        for q in trajectory["questions"]
        for p in q["proposals"]
    ]
    assert texts == [p.text for p in proposals]  # the JSON stays exact


# --- Personal pages and shared caches ------------------------------------------------


@pytest.mark.parametrize("url_name", ["my_space", "my_data", "home", "results"])
def test_every_page_of_a_logged_in_person_says_private_no_store(
    client, consultation, url_name
):
    client.force_login(UserFactory())
    control = client.get(reverse(url_name))["Cache-Control"]
    assert "private" in control and "no-store" in control


def test_anonymous_public_pages_stay_cacheable(client, consultation):
    control = client.get(reverse("home")).get("Cache-Control", "")
    assert "private" not in control and "no-store" not in control


# --- Bad input ------------------------------------------------------------------------


def test_a_huge_workshop_document_is_refused_quickly_with_a_clear_message(tmp_path):
    document = tmp_path / "enorme.txt"
    document.write_text("THÈME\n1. Titre\nQuestion ?\n" + "- élément\n" * 100_000)
    err = StringIO()
    started = time.monotonic()
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_workshop", str(document), stderr=err)
    assert exit_code.value.code == 1
    assert "10\u00a0000 lignes" in err.getvalue()
    assert time.monotonic() - started < 5
    assert not Proposal.objects.exists()


def test_a_huge_workshop_file_is_refused_in_the_admin(client, moderator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(moderator)
    upload = SimpleUploadedFile("gros.txt", b"THEME\n" + b"x" * (3 * 1024 * 1024))
    response = client.post(
        reverse("admin:proposals_proposal_import_workshop"), {"document": upload}
    )
    assert response.status_code == 200
    assert "dépasse 2 Mo" in response.content.decode()


@pytest.mark.parametrize(
    "text", ["\u200b" * 30, "\u200b \u200c \u200d \u2060 \ufeff" * 5, "\u202e" * 20]
)
def test_a_proposal_of_invisible_characters_is_refused(question, text):
    with refused("proposal.length"):
        services.proposal_submit(author=UserFactory(), question=question, text=text)


def test_invisible_and_direction_characters_are_taken_out_of_a_text(question):
    proposal = services.proposal_submit(
        author=UserFactory(),
        question=question,
        text="Une idée\u202e à l'envers\u200b cachée ici",
    )
    assert proposal.text == "Une idée à l'envers cachée ici"


def test_an_organisation_name_of_invisible_characters_is_refused(client):
    response = client.post(
        reverse("signup"),
        {
            "email": "fantome@exemple.fr",
            "password1": "une-longue-phrase-de-passe",
            "password2": "une-longue-phrase-de-passe",
            "organisation": "\u200b\u200b\u200b",
            "organisation_type": "association",
            "region": "53",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 200
    assert "Indiquez le nom de l" in response.content.decode()


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root@exemple.fr", "x"))
    return client


def post_user(client, user, identifier):
    return client.post(
        reverse("admin:consultation_user_change", args=[user.pk]),
        {
            "email": user.email,
            "organisation": user.organisation,
            "organisation_type": user.organisation_type,
            "region": user.region_id,
            "legal_identifier": identifier,
            "is_active": "on",
            "date_joined_0": "2026-11-29",
            "date_joined_1": "10:00:00",
        },
    )


def test_an_identifier_edited_in_the_admin_is_checked_and_keyed(superuser_client):
    user = UserFactory()
    response = post_user(superuser_client, user, "732 829 320 00009")
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert (user.legal_identifier, user.organisation_key) == (
        "73282932000009",
        "732829320",
    )


@pytest.mark.parametrize(
    ("identifier", "error"),
    [("123456789", "pas valide"), ("taken", "a déjà un compte")],
)
def test_a_bad_identifier_in_the_admin_gets_a_clear_error(
    superuser_client, identifier, error
):
    other = UserFactory()
    user = UserFactory()
    if identifier == "taken":
        identifier = other.legal_identifier
    response = post_user(superuser_client, user, identifier)
    assert response.status_code == 200
    assert error in response.content.decode()


# --- Page cache -------------------------------------------------------------------------


def cached_keys():
    return len(cache._cache)  # the tests' local-memory cache


def test_unknown_or_unordered_query_strings_do_not_fill_the_page_cache(
    published_proposal,
):
    url = published_proposal.question.trajectory.get_absolute_url()
    reader = Client()
    reader.get(url)
    before = cached_keys()
    for i in range(25):  # 75 addresses, none of which may be kept
        reader.get(f"{url}?utm_source=x{i}")
        reader.get(f"{url}?page=1&sort=best&n={i}")
        reader.get(f"{url}?region=zz{i}")  # not a region
    assert cached_keys() - before <= 2  # the version key and a marker at most


def test_made_up_searches_leave_a_small_mark_each_not_a_page(published_proposal):
    """A search's page is kept only once asked again (for a short time): a flood of
    distinct searches leaves a mark of a few bytes each."""
    url = published_proposal.question.trajectory.get_absolute_url()
    reader = Client()
    reader.get(url)
    before = dict(cache._cache)
    searches = 30
    for i in range(searches):
        assert reader.get(f"{url}?q=recherche{i}").status_code == 200
    added = {key: value for key, value in cache._cache.items() if key not in before}
    assert len(added) <= searches + 2
    assert sum(len(value) for value in added.values()) < searches * 200


def test_only_the_canonical_query_string_is_cached(published_proposal):
    url = published_proposal.question.trajectory.get_absolute_url()
    reader = Client()
    for query in ("?sort=best", "?region=53&sort=recent"):
        reader.get(url + query)
        assert reader.get(url + query)["X-Page-Cache"] == "hit", query
    # The same pages, asked otherwise: served, never stored.
    for query in ("?page=1&sort=best", "?sort=recent&region=53", "?sort=best&x=1"):
        reader.get(url + query)
        assert "X-Page-Cache" not in reader.get(url + query), query
