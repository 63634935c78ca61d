"""
What people meet, checked on data with every state (`tests/every_state.py`): each test
here was written for a defect seen from outside, and failed before its fix.
"""

import re
from html.parser import HTMLParser
from io import StringIO

import lxml.html
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from consultation.models import User
from proposals.forms import ProposalForm
from tests.consultation.test_accounts import signup_data
from tests.every_state import QUESTION, THEME, TITLE, TRAJECTORY
from tests.factories import PASSWORD
from tests.reading import squeeze

pytestmark = pytest.mark.django_db


class _Head(HTMLParser):
    """The <title> and og:title of a page, as a browser reads them (entities once)."""

    def __init__(self):
        super().__init__()
        self.title, self.og_title, self._in_title = "", None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_title = tag == "title"
        if tag == "meta" and attrs.get("property") == "og:title":
            self.og_title = attrs["content"]

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head_of(response):
    parser = _Head()
    parser.feed(response.content.decode())
    return parser.title, parser.og_title


def test_titles_with_apostrophes_and_ampersands_read_as_typed(client, every_state):
    trajectory = every_state["popular"].question.trajectory
    for url, expected in (
        (every_state.consultation.get_absolute_url(), TITLE),
        (trajectory.theme.get_absolute_url(), trajectory.theme.title),
        (trajectory.get_absolute_url(), TRAJECTORY),
    ):
        title, og_title = head_of(client.get(url))
        assert expected in title, title
        assert "&#" not in title and "&amp;" not in title
        assert expected in og_title, og_title


def test_the_theme_with_quotes_reads_as_typed(client, every_state):
    theme = every_state["published"].question.trajectory.theme
    title, og_title = head_of(client.get(theme.get_absolute_url()))
    assert THEME in title and THEME in og_title


def test_an_invited_cosigner_reads_the_pending_proposal_it_is_invited_to(
    client, every_state
):
    proposal = every_state["invited_to"]
    client.force_login(every_state.author)
    my_space = client.get(reverse("my_space")).content.decode()
    assert proposal.get_absolute_url() in my_space
    response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    assert proposal.text in response.content.decode()
    # Nobody else does.
    client.force_login(every_state.cosigner)
    assert client.get(proposal.get_absolute_url()).status_code == 404


def test_the_account_deletion_page_says_what_stays_public(client, every_state):
    client.force_login(every_state.author)
    page = lxml.html.fromstring(client.get(reverse("account_delete")).content)
    text = " ".join(page.xpath("//main")[0].text_content().split())
    assert "arguments" in text
    assert "cosignatures" in text
    assert "informations de votre organisation sont effacées" not in text


def test_the_privacy_page_names_every_kind_of_data_kept(client, db):
    page = client.get(reverse("site_page", args=["donnees-personnelles"]))
    text = " ".join(lxml.html.fromstring(page.content).text_content().split())
    for kind in (
        "arguments",
        "cosignatures",
        "invitation",
        "adresses de tiers",
        "suivez",
        "préférences de courriel",
        "un an après la clôture",
    ):
        assert kind in text, kind


def test_a_deleted_account_s_arguments_and_cosignatures_lose_its_name(
    client, every_state
):
    from proposals import services

    popular = every_state["popular"]
    services.account_delete(user=every_state.cosigner)
    services.account_delete(user=every_state.english)
    text = client.get(popular.get_absolute_url()).content.decode()
    assert "Fondation « Demain »" not in text and "Mutuelle d&#x27;Anjou" not in text
    assert "Organisation supprimée" in text
    assert popular.cosignatures.filter(email__contains="demain").count() == 0


def test_invitation_addresses_are_erased_when_declined_or_a_year_after_closing(
    every_state,
):
    from datetime import timedelta

    from django.utils import timezone

    from proposals import services
    from proposals.models import CoSignature

    invitation = CoSignature.objects.get(email="invitee@exemple.fr")
    now = timezone.now()
    assert services.invitation_addresses_erase(now=now) == 0
    consultation = every_state.consultation
    consultation.opens_at = now - timedelta(days=500)
    consultation.closes_at = now - timedelta(days=366)
    consultation.save()
    assert services.invitation_addresses_erase(now=now) >= 1
    invitation.refresh_from_db()
    assert "invitee" not in invitation.email


def test_the_proposal_form_speaks_english_in_the_english_interface(every_state):
    trajectory = every_state["popular"].question.trajectory
    with translation.override("en"):
        help_text = str(ProposalForm(trajectory=trajectory).fields["text"].help_text)
    assert "characters" in help_text, help_text
    with translation.override("fr"):
        help_text = str(ProposalForm(trajectory=trajectory).fields["text"].help_text)
    assert "caractères" in help_text


def _hosts(message):
    """The hosts of every link in both parts of a mail."""
    ((html, _kind),) = message.alternatives
    links = lxml.html.fromstring(html).xpath("//a/@href")
    links += re.findall(r"https?://[^\s]+", message.body)
    return {re.match(r"(https?://[^/]+)", link).group(1) for link in links}


@override_settings(SITE_URL="https://trajectoires.example.org")
def test_every_link_of_an_account_mail_leads_to_the_site_address(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), signup_data())
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "contact@coop-exemple.fr"})
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert _hosts(message) == {"https://trajectoires.example.org"}, message.body


def test_the_import_message_agrees_with_its_counts(admin_client, consultation):
    from proposals.admin.imports import import_report_message

    one = import_report_message(
        {"theme": 1, "trajectory": 1, "question": 1, "proposal": 1}
    )
    assert "1 propositions" not in one and "créés" not in one
    assert "1 proposition" in one


def test_the_login_error_does_not_say_an_adresse_nor_that_the_address_is_case_sensitive(
    client, db
):
    response = client.post(
        reverse("login"), {"username": "personne@exemple.fr", "password": "faux"}
    )
    text = response.content.decode()
    assert "un adresse" not in text
    assert "Adresse e-mail ou mot de passe incorrect" in text


def test_the_admin_delete_action_agrees_with_feminine_names(admin_client, db):
    response = admin_client.get(reverse("admin:proposals_proposal_changelist"))
    text = response.content.decode()
    assert "sélectionnés" not in text.replace("arguments sélectionnés", "")


def test_a_search_over_100_characters_is_searched_shortened_and_said(
    client, every_state
):
    trajectory = every_state["popular"].question.trajectory
    query = "fonds " + "x" * 120
    response = client.get(trajectory.get_absolute_url(), {"q": query})
    page = lxml.html.fromstring(response.content)
    assert response.context["filters"]["search"] == query[:100].strip()
    (field,) = page.xpath("//input[@name='q']")
    assert field.get("value") == query[:100].strip()
    assert "100 premiers caractères" in page.text_content()
    # The filters stay open after a search, showing the query.
    assert page.xpath("//details[contains(@class, 'filter-panel')]/@open")


def test_create_moderator_answers_grants_the_official_answers(db, monkeypatch):
    monkeypatch.setenv("DJANGO_MODERATOR_PASSWORD", "un-mot-de-passe-solide-42")
    call_command(
        "create_moderator", "reponses@exemple.fr", "--answers", stdout=StringIO()
    )
    user = User.objects.get(email="reponses@exemple.fr")
    assert user.has_perm("proposals.answer_proposal")
    call_command("create_moderator", "moderation2@exemple.fr", stdout=StringIO())
    assert not User.objects.get(email="moderation2@exemple.fr").has_perm(
        "proposals.answer_proposal"
    )


@pytest.fixture
def desk(client, every_state):
    superuser = User.objects.create_superuser("chef@exemple.fr", PASSWORD)
    client.force_login(superuser)
    return client


def test_the_moderators_desk_shows_the_question_by_its_words(desk, every_state):
    proposal = every_state["pending"]
    page = desk.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    text = page.content.decode()
    assert QUESTION in lxml.html.fromstring(text).text_content()
    assert "FULL TEXT" not in text.upper().replace("FULL_TEXT", "")


def test_a_theme_titled_in_capitals_without_accents_is_flagged_in_the_admin(
    desk, every_state
):
    theme = every_state["popular"].question.trajectory.theme
    changelist = desk.get(reverse("admin:trajectories_theme_changelist"))
    assert "À réécrire" in changelist.content.decode()
    change = desk.get(reverse("admin:trajectories_theme_change", args=[theme.pk]))
    assert "capitales sans accents" in change.content.decode()
    other = every_state["published"].question.trajectory.theme
    change = desk.get(reverse("admin:trajectories_theme_change", args=[other.pk]))
    assert "capitales sans accents" not in change.content.decode()


def test_the_merge_confirmation_says_which_is_kept_with_numbers_and_votes(
    desk, every_state
):
    from tests.factories import ProposalFactory, UserFactory, cast_votes

    kept = every_state["answered_partly"]
    other = ProposalFactory(question=kept.question, text=kept.text + " bis")
    cast_votes((other, UserFactory(), "agree") for _ in range(2))
    url = reverse("admin:proposals_proposal_merge", args=[other.pk, kept.pk])
    page = lxml.html.fromstring(desk.get(url).content.decode())
    text = " ".join(page.text_content().split())
    assert f"n° {kept.pk}" in text and f"n° {other.pk}" in text
    assert "gardée" in text and "fusionnée" in text
    assert "2 votes déplacés" in text


def test_answer_writers_are_granted_by_a_documented_group(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Réponses officielles")
    assert group.permissions.filter(codename="answer_proposal").exists()
    assert Permission.objects.filter(codename="answer_proposal").exists()
    assert "Réponses officielles" in (settings.BASE_DIR / "README.md").read_text()


def _rank_blocks(client, url):
    page = lxml.html.fromstring(client.get(url).content)
    return page, page.xpath("//section[@id='classement']//details")


def test_the_results_fold_the_ranking_one_trajectory_at_a_time(client, every_state):
    """Every trajectory's ranking was unfolded: 51,000 px on a phone at the small tier."""
    url = reverse("consultation_results", args=[every_state.consultation.slug])
    page, blocks = _rank_blocks(client, url)
    numbers = [block.get("id") for block in blocks]
    assert numbers == ["classement-4", "classement-5"]
    assert [block.get("open") is not None for block in blocks] == [True, False]
    assert {block.get("name") for block in blocks} == {"classement"}  # one at a time
    summaries = [squeeze(block.xpath("summary")[0].text_content()) for block in blocks]
    assert summaries[0] == f"4{TRAJECTORY}"
    see_all = page.xpath("//a[@href='?tout=1#classement']")
    assert see_all and "Voir tout" in see_all[0].text_content()

    page, blocks = _rank_blocks(client, url + "?tout=1")
    assert [block.get("open") is not None for block in blocks] == [True, True]
    assert all(block.get("name") is None for block in blocks)
    assert page.xpath("//a[@href='?#classement']")


def test_a_proposal_s_page_has_its_own_words_as_heading(client, every_state):
    proposal = every_state["popular"]
    page = lxml.html.fromstring(client.get(proposal.get_absolute_url()).content)
    assert [squeeze(h1.text_content()) for h1 in page.xpath("//h1")] == [proposal.text]
    kicker = page.xpath("//h1/preceding-sibling::p[1]")[0]
    assert squeeze(kicker.text_content()) == f"Proposition n° {proposal.pk}"


def test_a_card_shows_the_vote_bar_only_once_there_are_votes(
    client, every_state, django_assert_max_num_queries
):
    """An unvoted proposal's card showed an empty grey bar and three zeros."""
    unvoted, voted = every_state["published"], every_state["elsewhere"]
    with django_assert_max_num_queries(20):
        response = client.get(unvoted.question.trajectory.get_absolute_url())
    page = lxml.html.fromstring(response.content)
    cards = {card.get("id"): card for card in page.xpath("//article[@id]")}
    quiet, busy = cards[f"proposal-{unvoted.pk}"], cards[f"proposal-{voted.pk}"]
    assert not quiet.xpath(".//svg[contains(@class, 'vote-bar')]")
    assert "Pas encore de vote." in squeeze(quiet.text_content())
    assert busy.xpath(".//svg[contains(@class, 'vote-bar')]")
    assert "20 d’accord" in squeeze(busy.text_content())


def test_a_card_carries_origin_region_answer_cosigners_and_arguments(
    client, every_state
):
    popular = every_state["popular"]
    page = lxml.html.fromstring(
        client.get(popular.question.trajectory.get_absolute_url()).content
    )
    card = squeeze(
        page.xpath(f"//article[@id='proposal-{popular.pk}']")[0].text_content()
    )
    for fact in (
        "Coopérative L'Atelier & Fils ✓ vérifiée",
        "Bretagne",
        "Réponse : Retenue",
        "portée par 2 organisations",
        "2 arguments pour · 1 argument contre",
    ):
        assert fact in card, (fact, card)


def test_the_home_page_dates_the_phases_on_a_timeline(client, db):
    from datetime import datetime

    from django.utils import timezone as tz
    from django.utils.formats import date_format

    from consultation.models import Phase
    from tests.factories import ConsultationFactory

    paris = tz.get_current_timezone()
    consultation = ConsultationFactory(
        phase=Phase.CONTRIBUTIONS,
        opens_at=datetime(2026, 3, 2, 9, tzinfo=paris),
        contributions_close_at=datetime(2026, 4, 30, 23, tzinfo=paris),
        closes_at=datetime(2026, 5, 31, 23, tzinfo=paris),
    )
    during_votes = datetime(2026, 5, 10, tzinfo=paris)
    assert [
        (step.phase, step.state) for step in consultation.timeline(during_votes)
    ] == [
        (Phase.CONTRIBUTIONS, "done"),
        (Phase.VOTES, "current"),
        (Phase.CLOSED, "upcoming"),
    ]
    before = datetime(2026, 3, 1, tzinfo=paris)
    assert {step.state for step in consultation.timeline(before)} == {"upcoming"}

    now = tz.now()
    consultation.opens_at = now - tz.timedelta(days=10)
    consultation.contributions_close_at = now + tz.timedelta(days=5)
    consultation.closes_at = now + tz.timedelta(days=20)
    consultation.save()
    page = lxml.html.fromstring(client.get(consultation.get_absolute_url()).content)
    steps = page.xpath("//ol[@class='phase-timeline']/li")
    texts = [squeeze(li.text_content()) for li in steps]
    day = lambda moment: date_format(tz.localdate(moment), "j F Y")  # noqa: E731
    assert texts == [
        f"En cours Propositions et votes du {day(consultation.opens_at)} au "
        f"{day(consultation.contributions_close_at)}",
        f"À venir Votes seulement du {day(consultation.contributions_close_at)} au "
        f"{day(consultation.closes_at)}",
        f"À venir Résultats définitifs et synthèse à partir du "
        f"{day(consultation.closes_at)}",
    ]
    assert [li.get("aria-current") for li in steps] == ["step", None, None]


def test_the_daily_purge_says_how_many_invitation_addresses_it_erases(every_state):
    from datetime import timedelta

    from django.utils import timezone

    from consultation.models import User
    from proposals.models import CoSignature, Participation
    from tests.factories import ConsultationFactory

    consultation = every_state.consultation
    consultation.opens_at = timezone.now() - timedelta(days=500)
    consultation.closes_at = timezone.now() - timedelta(days=366)
    consultation.save()
    # The organisations that took part go on in an open consultation, but for three
    # of them: the purge deletes those three accounts (a thousand would take long).
    taking_part = list(
        User.objects.filter(participations__consultation=consultation)
        .distinct()
        .order_by("pk")
    )
    leaving = taking_part[:3]
    still_open = ConsultationFactory()
    Participation.objects.bulk_create(
        Participation(consultation=still_open, user=user) for user in taking_part[3:]
    )
    dry_run = StringIO()
    call_command("purge_personal_data", stdout=dry_run)
    assert "would delete 3 account(s)." in dry_run.getvalue()
    assert "Would erase 1 invitation address(es)." in dry_run.getvalue()
    assert CoSignature.objects.filter(email="invitee@exemple.fr").exists()
    applied = StringIO()
    call_command("purge_personal_data", "--apply", stdout=applied)
    assert "Deleted 3 account(s)." in applied.getvalue()
    assert "Erased 1 invitation address(es)." in applied.getvalue()
    assert not CoSignature.objects.filter(email="invitee@exemple.fr").exists()
    assert not User.objects.filter(pk__in=[user.pk for user in leaving]).exists()
