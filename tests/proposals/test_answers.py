"""
Official answers: moderators with the « répondre » permission answer published
proposals (one by one, in bulk, or from a CSV); answers show on pages, in lists, in
results and open data, and are mailed once a day to the organisations concerned.
"""

import csv
import io
from io import StringIO

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from proposals import services
from proposals.models import (
    Answer,
    AnswerState,
    NotificationKind,
    NotificationPreferences,
)
from tests.factories import ProposalFactory, UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db


def test_only_a_moderator_with_the_answer_permission_answers(
    published_proposal, moderator, answerer
):
    with refused("answer.forbidden"):
        services.proposal_answer(
            proposal=published_proposal,
            author=UserFactory(),
            state=AnswerState.ADOPTED,
            text="Oui",
        )
    services.proposal_answer(
        proposal=published_proposal,
        author=answerer,
        state=AnswerState.ADOPTED,
        text="Retenue pour 2027.",
    )
    answer = Answer.objects.get(proposal=published_proposal)
    assert (answer.state, answer.text, answer.author) == (
        AnswerState.ADOPTED,
        "Retenue pour 2027.",
        answerer,
    )


def test_a_pending_proposal_gets_no_answer(pending_proposal, answerer):
    with refused("answer.not_published"):
        services.proposal_answer(
            proposal=pending_proposal,
            author=answerer,
            state=AnswerState.STUDYING,
            text="x",
        )


def test_the_answer_shows_on_the_page_in_lists_and_filters(
    client, published_proposal, question, answerer
):
    other = ProposalFactory(question=question, text="Sans réponse encore")
    services.proposal_answer(
        proposal=published_proposal,
        author=answerer,
        state=AnswerState.PARTLY,
        text="En partie, dès 2027.",
    )
    page = client.get(published_proposal.get_absolute_url()).content.decode()
    assert "Retenue en partie" in page and "En partie, dès 2027." in page
    listing = client.get(question.trajectory.get_absolute_url()).content.decode()
    assert "Retenue en partie" in listing
    filtered = client.get(question.trajectory.get_absolute_url(), {"answer": "partly"})
    assert other.text not in filtered.content.decode()


def test_results_count_the_answers(client, question, answerer):
    for state in ["adopted", "adopted", "studying"]:
        services.proposal_answer(
            proposal=ProposalFactory(question=question),
            author=answerer,
            state=state,
            text="…",
        )
    cache.clear()
    answers = client.get(reverse("results")).context["results"]["answers"]
    assert {row["state"]: row["count"] for row in answers} == {
        "adopted": 2,
        "studying": 1,
    }
    page = client.get(reverse("results")).content.decode()
    assert "2 retenues" in page and "1 à l’étude" in page


def test_the_open_data_carries_the_answers(client, published_proposal, answerer):
    services.proposal_answer(
        proposal=published_proposal,
        author=answerer,
        state=AnswerState.NOT_ADOPTED,
        text="Hors champ.",
    )
    document = client.get(reverse("open_data_json")).json()
    exported = document["themes"][0]["trajectories"][0]["questions"][0]["proposals"][0]
    assert exported["answer"]["state"] == "not_adopted"
    assert exported["answer"]["text"] == "Hors champ."
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("open_data_csv")).content.decode())
        )
    )
    assert (rows[0]["answer_state"], rows[0]["answer"]) == (
        "not_adopted",
        "Hors champ.",
    )


def test_answers_are_mailed_once_to_the_author_and_the_voters(question, answerer):
    author = UserFactory(email="autrice@exemple.fr")
    voter = UserFactory(email="votante@exemple.fr")
    quiet = UserFactory(
        email="silencieuse@exemple.fr",
        preferences__mails_off=[NotificationKind.FOLLOWED_ANSWERED],
    )
    first = ProposalFactory(question=question, author=author)
    second = ProposalFactory(question=question, author=None)
    for proposal in (first, second):
        services.vote_cast(proposal=proposal, voter=voter, choice="agree")
        services.vote_cast(proposal=proposal, voter=quiet, choice="agree")
        services.proposal_answer(
            proposal=proposal, author=answerer, state="adopted", text="Oui."
        )
    call_command("send_notifications", stdout=StringIO())
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"autrice@exemple.fr", "votante@exemple.fr"}
    assert by_recipient["votante@exemple.fr"].body.count("Oui.") == 2  # one mail, both
    assert "List-Unsubscribe" in by_recipient["votante@exemple.fr"].extra_headers
    call_command("send_notifications", stdout=StringIO())  # nothing new: nothing sent
    call_command("send_answer_mails", stdout=StringIO())  # its former name, the same
    assert len(mail.outbox) == 2


def test_the_unsubscribe_link_stops_every_notification_mail(question, answerer):
    voter = UserFactory()
    proposal = ProposalFactory(question=question, author=None)
    services.vote_cast(proposal=proposal, voter=voter, choice="agree")
    services.proposal_answer(
        proposal=proposal, author=answerer, state="adopted", text="Oui."
    )
    call_command("send_answer_mails", stdout=StringIO())
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link[link.index("/compte/") :]
    assert Client().post(path).status_code == 200  # one click, no login
    preferences = NotificationPreferences.objects.get(user=voter)
    assert sorted(preferences.mails_off) == sorted(NotificationKind.values)


def test_moderators_answer_in_bulk_in_the_admin(client, question, answerer):
    proposals = ProposalFactory.create_batch(3, question=question)
    client.force_login(answerer)
    response = client.post(
        reverse("admin:proposals_proposal_changelist") + "?status=all",
        {
            "action": "answer_selected",
            "_selected_action": [p.pk for p in proposals],
            "state": "studying",
            "text": "Nous étudions ces propositions.",
        },
    )
    assert response.status_code == 302
    assert Answer.objects.filter(state="studying").count() == 3


def test_answers_import_from_a_csv_with_a_preview_and_line_errors(
    client, question, answerer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = ProposalFactory(question=question)
    client.force_login(answerer)
    url = reverse("admin:proposals_proposal_import_answers")
    bad = f"id,state,answer\n{good.pk},adopted,Oui\n999999,adopted,x\n{good.pk},peut-être,x\n"
    response = client.post(url, {"document": SimpleUploadedFile("r.csv", bad.encode())})
    page = response.content.decode()
    assert "Ligne 3" in page and "999999" in page
    assert "Ligne 4" in page
    assert not Answer.objects.exists()  # all or nothing
    fine = f"id,state,answer\n{good.pk},adopted,Retenue telle quelle\n"
    preview = client.post(url, {"document": SimpleUploadedFile("r.csv", fine.encode())})
    assert "Retenue telle quelle" in preview.content.decode()
    assert not Answer.objects.exists()
    client.post(url, {"confirm": "1", "text": fine})
    assert Answer.objects.get(proposal=good).text == "Retenue telle quelle"


def _import(client, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:proposals_proposal_import_answers")
    document = SimpleUploadedFile("r.csv", text.encode())
    return client.post(url, {"document": document})


def test_an_answers_file_with_ids_in_other_digits_says_which_line(
    client, question, answerer
):
    good = ProposalFactory(question=question)
    client.force_login(answerer)
    for odd in ("²", "１２", "٣"):  # digits to Python, not to the file's format
        response = _import(
            client, f"id,state,answer\n{good.pk},adopted,Oui\n{odd},adopted,x\n"
        )
        assert response.status_code == 200, odd
        page = response.content.decode()
        assert "Ligne 3" in page and odd in page
    assert not Answer.objects.exists()


def test_an_answer_holding_a_control_character_is_refused_with_its_line(
    client, question, answerer
):
    good = ProposalFactory(question=question)
    client.force_login(answerer)
    for char in ("\x00", "\x07", "\x1b"):
        response = _import(client, f"id,state,answer\n{good.pk},adopted,Oui{char}non\n")
        page = response.content.decode()
        assert "Ligne 2" in page and "caractère de contrôle" in page, repr(char)
        assert "Aperçu" not in page
    # Line breaks and tabs in a quoted answer are text, not control characters.
    response = _import(
        client, f'id,state,answer\n{good.pk},adopted,"Oui,\n\tvraiment"\n'
    )
    assert "caractère de contrôle" not in response.content.decode()
    assert not Answer.objects.exists()


def test_a_proposal_of_a_consultation_in_preparation_gets_no_answer(client, answerer):
    from django.utils import timezone

    from tests.factories import ConsultationFactory, GuidingQuestionFactory

    preparing = ConsultationFactory(
        phase="preparation", opens_at=timezone.now() + timezone.timedelta(days=30)
    )
    proposal = ProposalFactory(
        question=GuidingQuestionFactory(trajectory__theme__consultation=preparing)
    )
    client.force_login(answerer)
    page = _import(
        client, f"id,state,answer\n{proposal.pk},adopted,Oui\n"
    ).content.decode()
    assert "Ligne 2" in page and "en préparation" in page
    with refused("answer.in_preparation"):
        services.proposal_answer(
            proposal=proposal, author=answerer, state="adopted", text="Oui"
        )
    assert not Answer.objects.exists()
