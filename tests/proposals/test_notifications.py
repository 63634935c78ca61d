"""Following proposals and trajectories, the preferences, and `send_notifications`."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consultation.models import User
from proposals import services
from proposals.models import (
    CoSignature,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreferences,
    NotificationState,
    Proposal,
    preferences_of,
)
from proposals.services.notifications import (
    NOTIFICATION_MAX_ATTEMPTS,
    _claim,
    digest_week,
)
from tests.factories import ProposalFactory, UserFactory
from tests.refusals import refused
from tests.servers import closed_port

pytestmark = pytest.mark.django_db


def send():
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue()


def answer(proposal, answerer, text="Retenue pour la feuille de route."):
    services.proposal_answer(
        proposal=proposal, author=answerer, state="adopted", text=text
    )


# Following


def test_an_organisation_follows_and_unfollows_a_proposal_from_its_page(
    client, participant, published_proposal
):
    client.force_login(participant)
    page = client.get(published_proposal.get_absolute_url()).content.decode()
    follow_url = reverse("proposal_follow", args=[published_proposal.pk])
    assert f'action="{follow_url}"' in page
    assert 'aria-pressed="false"' in page
    response = client.post(follow_url, {"following": "1"})
    assert response["Location"].endswith("#suivre")
    assert services.follows_proposal(participant, published_proposal)
    page = client.get(published_proposal.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page
    client.post(follow_url, {"following": "0"})
    assert not services.follows_proposal(participant, published_proposal)


def test_own_co_signed_and_voted_proposals_are_followed_unless_switched_off(
    question, participant
):
    own = ProposalFactory(question=question, author=participant)
    voted = ProposalFactory(question=question)
    cosigned = ProposalFactory(question=question)
    other = ProposalFactory(question=question)
    services.vote_cast(proposal=voted, voter=participant, choice="agree")
    CoSignature.objects.create(
        proposal=cosigned,
        email=participant.email,
        cosigner=participant,
        status="accepted",
    )
    assert [
        services.follows_proposal(participant, p) for p in (own, voted, cosigned, other)
    ] == [True, True, True, False]
    preferences = NotificationPreferences.objects.create(
        user=participant, follows_own=False, follows_voted=False
    )
    participant.refresh_from_db()
    assert [
        services.follows_proposal(participant, p) for p in (own, voted, cosigned)
    ] == [False, False, False]
    preferences.follows_voted = True
    preferences.save()
    participant.refresh_from_db()
    assert services.follows_proposal(participant, voted)
    services.proposal_follow(user=participant, proposal=voted, following=False)
    assert not services.follows_proposal(participant, voted)  # stopped by hand


def test_a_trajectory_is_followed_from_its_page_and_listed_in_my_space(
    client, participant, published_proposal
):
    trajectory = published_proposal.question.trajectory
    client.force_login(participant)
    page = client.get(trajectory.get_absolute_url()).content.decode()
    url = reverse("trajectory_follow", args=[trajectory.pk])
    assert f'action="{url}"' in page
    client.post(url, {"following": "1"})
    space = client.get(reverse("my_space")).content.decode()
    assert 'id="notifications"' in space
    assert escape(trajectory.title) in space
    client.post(url, {"following": "0", "from": "my_space"})
    assert not Follow.objects.filter(user=participant).exists()


def test_following_needs_an_organisation_account(client, published_proposal):
    url = reverse("proposal_follow", args=[published_proposal.pk])
    assert client.post(url, {"following": "1"}).status_code == 302  # to log in
    assert not Follow.objects.exists()
    page = client.get(published_proposal.get_absolute_url()).content.decode()
    assert f'action="{url}"' not in page  # nothing to press when logged out
    staff = UserFactory(organisation="", organisation_type="", region=None)
    with refused("follow.no_organisation"):
        services.proposal_follow(user=staff, proposal=published_proposal)


def test_the_preferences_are_saved_from_my_space(client, participant):
    client.force_login(participant)
    response = client.post(
        reverse("notification_preferences"),
        {"follows_voted": "on", "mails": ["published", "rejected", "digest"]},
    )
    assert response["Location"].endswith("#notifications")
    preferences = NotificationPreferences.objects.get(user=participant)
    assert (preferences.follows_own, preferences.follows_voted) == (False, True)
    assert set(preferences.mails_off) == {
        "answered", "merged", "cosigned", "followed_answered", "followed_merged"
    }  # fmt: skip
    space = client.get(reverse("my_space")).content.decode()
    assert re.search(r'value="digest"[^>]*checked', space)
    assert not re.search(r'value="answered"[^>]*checked', space)


# Mails


def test_an_answer_is_mailed_to_the_author_and_followers_once(question, answerer):
    author = UserFactory(email="autrice@exemple.fr")
    follower = UserFactory(email="suiveuse@exemple.fr", language="en")
    stopped = UserFactory(email="arretee@exemple.fr")
    proposal = ProposalFactory(question=question, author=author)
    services.proposal_follow(user=follower, proposal=proposal)
    services.vote_cast(proposal=proposal, voter=stopped, choice="agree")
    services.proposal_follow(user=stopped, proposal=proposal, following=False)
    answer(proposal, answerer)
    send()
    send()  # a second run sends nothing more
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == ["autrice@exemple.fr", "suiveuse@exemple.fr"]
    assert "Votre proposition a reçu une réponse officielle" in (
        by_recipient["autrice@exemple.fr"].body
    )
    english = by_recipient["suiveuse@exemple.fr"]
    assert "A proposal you follow has received an official answer" in english.body
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")
        assert (
            message.extra_headers["List-Unsubscribe-Post"]
            == "List-Unsubscribe=One-Click"
        )
        assert "Retenue pour la feuille de route." in message.body


def test_each_kind_can_be_turned_off(question, answerer):
    author = UserFactory(preferences__mails_off=[NotificationKind.ANSWERED])
    proposal = ProposalFactory(question=question, author=author)
    answer(proposal, answerer)
    assert "0 mail(s) sent" in send()
    assert mail.outbox == []
    assert Notification.objects.get().state == NotificationState.SKIPPED


def test_a_co_signature_is_told_to_the_author(question):
    author = UserFactory(email="autrice@exemple.fr")
    cosigner = UserFactory(email="cosignataire@exemple.fr", organisation="La Coop")
    proposal = ProposalFactory(question=question, author=author)
    services.cosignature_invite(
        proposal=proposal, author=author, email="cosignataire@exemple.fr"
    )
    mail.outbox.clear()  # the invitation
    invitation = CoSignature.objects.get()
    services.cosignature_accept(cosignature=invitation, user=cosigner)
    send()
    assert [message.to[0] for message in mail.outbox] == ["autrice@exemple.fr"]
    assert "La Coop cosigne votre proposition." in mail.outbox[0].body


def test_a_decision_is_mailed_at_once_unless_turned_off(
    question, moderator, django_capture_on_commit_callbacks
):
    author = UserFactory(preferences__mails_off=[NotificationKind.PUBLISHED])
    proposal = ProposalFactory(question=question, author=author, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.proposal_publish(proposal=proposal, moderator=moderator)
    assert not decision.notice.failed
    assert mail.outbox == []
    second = ProposalFactory(question=question, author=author, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(proposal=second, moderator=moderator, reason="Hors.")
    assert len(mail.outbox) == 1
    assert "Hors." in mail.outbox[0].body
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    send()
    assert len(mail.outbox) == 1  # sent once


def test_the_weekly_digest_lists_the_new_proposals_of_followed_trajectories(
    question,
):
    reader = UserFactory(email="lectrice@exemple.fr")
    services.trajectory_follow(user=reader, trajectory=question.trajectory)
    start, end = digest_week(timezone.now())
    last_week = ProposalFactory(
        question=question, text="Une proposition publiée la semaine dernière."
    )
    older = ProposalFactory(question=question, text="Une proposition plus ancienne.")
    Proposal.objects.filter(pk=last_week.pk).update(
        published_at=start + datetime.timedelta(days=2)
    )
    Proposal.objects.filter(pk=older.pk).update(
        published_at=start - datetime.timedelta(days=2)
    )
    send()
    send()
    assert [message.to[0] for message in mail.outbox] == ["lectrice@exemple.fr"]
    body = mail.outbox[0].body
    assert last_week.text in body
    assert older.text not in body
    assert mail.outbox[0].subject.endswith("les nouvelles propositions de la semaine")


def test_a_failed_mail_is_tried_again_later_then_sent_once(
    question, answerer, settings
):
    proposal = ProposalFactory(question=question)
    answer(proposal, answerer)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_USE_TLS = False
    assert "1 failed" in send()
    row = Notification.objects.get()
    assert (row.state, row.attempts) == (NotificationState.PENDING, 1)
    assert row.next_attempt_at > timezone.now()
    assert "0 mail(s) sent, 0 failed" in send()  # not due yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = row.next_attempt_at + datetime.timedelta(seconds=1)
    assert services.notifications_send(now=later)["sent"] == 1
    assert services.notifications_send(now=later)["sent"] == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.state == NotificationState.SENT


def test_an_account_mail_is_sent_alone_after_the_request_and_again_if_it_failed(
    question, answerer, settings, django_capture_on_commit_callbacks
):
    """A password reset queued while the mail server is down waits in the queue, then
    leaves alone, its link made as it is sent, even beside a notification."""
    from consultation.models import AccountMailKind
    from consultation.services import password_reset_send

    reader = UserFactory(email="lectrice@exemple.fr", language="en")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_USE_TLS = False
    with django_capture_on_commit_callbacks(execute=True):
        password_reset_send(email="Lectrice@Exemple.fr")
        password_reset_send(email="personne@exemple.fr")  # no account: nothing
    row = Notification.objects.get()
    assert (row.kind, row.user, row.state, row.attempts) == (
        AccountMailKind.PASSWORD_RESET,
        reader,
        NotificationState.PENDING,
        1,
    )
    proposal = ProposalFactory(question=question, author=reader)
    answer(proposal, answerer)
    services.notifications_from_answers()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = row.next_attempt_at + datetime.timedelta(seconds=1)
    assert services.notifications_send(now=later)["sent"] == 2  # two mails
    reset, answered = sorted(mail.outbox, key=lambda m: "password" not in m.subject)
    assert reset.to == ["lectrice@exemple.fr"] and reset.body.startswith("Hello,")
    assert "/compte/mot-de-passe/nouveau/" in reset.body
    assert "List-Unsubscribe" not in reset.extra_headers
    assert "List-Unsubscribe" in answered.extra_headers


def test_a_mail_that_keeps_failing_is_given_up(question, answerer, settings):
    proposal = ProposalFactory(question=question)
    answer(proposal, answerer)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    moment = timezone.now()
    services.notifications_from_answers()
    delays = []
    for _attempt in range(NOTIFICATION_MAX_ATTEMPTS):
        assert services.notifications_send(now=moment)["failed"] == 1
        row = Notification.objects.get()
        if row.state == NotificationState.PENDING:
            delays.append((row.next_attempt_at - moment).total_seconds() / 60)
        moment += datetime.timedelta(days=1)
    assert delays == [5, 10, 20, 40]  # then given up
    assert Notification.objects.get().state == NotificationState.FAILED
    assert services.notifications_send(now=moment)["failed"] == 0


def test_mails_are_sent_in_batches_one_per_organisation(question, answerer):
    proposals = ProposalFactory.create_batch(3, question=question, author=None)
    voters = UserFactory.create_batch(5)
    for proposal in proposals:
        for voter in voters:
            services.vote_cast(proposal=proposal, voter=voter, choice="agree")
        answer(proposal, answerer)
    services.notifications_from_answers()
    counts = services.notifications_send(batch=4)
    # Rounds of 4 rows by account: (1 1 1 2) (2 2 3 3) (3 4 4 4) (5 5 5), 7 mails.
    assert counts["sent"] == 7
    assert Notification.objects.filter(state="sent").count() == 15
    assert len(mail.outbox) == counts["sent"]


def test_the_one_click_unsubscribe_stops_every_notification(question, answerer):
    author = UserFactory()
    proposal = ProposalFactory(question=question, author=author)
    answer(proposal, answerer)
    send()
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    assert Client().post(link[link.index("/compte/") :]).status_code == 200
    author.refresh_from_db()
    preferences = preferences_of(author)
    assert not any(preferences.wants(kind) for kind in NotificationKind.values)
    answer(proposal, answerer, text="Une réponse changée.")
    send()
    assert len(mail.outbox) == 1


def test_two_runs_at_once_never_send_the_same_notification(question, answerer):
    proposal = ProposalFactory(question=question)
    answer(proposal, answerer)
    services.notifications_from_answers()
    now = timezone.now()
    claimed = _claim(now, 10)  # a first run took it and is sending it
    assert len(claimed) == 1
    assert services.notifications_send(now=now)["sent"] == 0  # a second run
    assert mail.outbox == []
    # A claim never finished (its run died) is taken again after a while.
    later = now + datetime.timedelta(hours=1)
    assert services.notifications_send(now=later)["sent"] == 1


def test_follows_and_mail_choices_are_in_the_account_data(client, participant):
    services.trajectory_follow(
        user=participant, trajectory=ProposalFactory().question.trajectory
    )
    NotificationPreferences.objects.create(user=participant, mails_off=["digest"])
    client.force_login(participant)
    data = client.get(reverse("my_data")).json()
    assert data["account"]["mails_off"] == ["digest"]
    assert data["account"]["follows_voted"] is True
    assert len(data["follows"]) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_every_accounts_switches():
    """The switches written on the account row before they moved are the
    preferences after: a row for each account that changed one, none for the
    others (the defaults)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [
        ("consultation", "0019_stored_files"),
        ("proposals", "0027_reports_into_database"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldUser = old.get_model("consultation", "User")
    quiet = OldUser.objects.create(email="calme@exemple.fr", mails_off=["digest"])
    lone = OldUser.objects.create(email="seule@exemple.fr", follows_voted=False)
    OldUser.objects.create(email="ordinaire@exemple.fr")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = {
        row.user.email: (row.follows_own, row.follows_voted, row.mails_off)
        for row in NotificationPreferences.objects.select_related("user")
    }
    assert rows == {
        "calme@exemple.fr": (True, True, ["digest"]),
        "seule@exemple.fr": (True, False, []),
    }
    assert not preferences_of(User.objects.get(pk=quiet.pk)).wants("digest")
    assert not preferences_of(User.objects.get(pk=lone.pk)).follows_voted


def test_each_kind_of_notification_has_its_own_sentence_in_text_and_html():
    from django.template.loader import get_template

    for kind in NotificationKind.values:
        for part in ("txt", "html"):
            get_template(f"proposals/email/items/{kind}.{part}")  # raises if missing
