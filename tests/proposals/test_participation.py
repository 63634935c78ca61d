"""Participants propose, vote, follow their contributions, take their data and leave."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from consultation.cache import content_changed
from consultation.models import Phase, User
from proposals import services
from proposals.models import ModerationEvent, Proposal, Status, Vote
from tests.factories import ProposalFactory, UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client, participant):
    client.force_login(participant)
    return participant


def create_url(question):
    return reverse("proposal_create", kwargs={"number": question.trajectory.number})


# --- Proposals ----------------------------------------------------------------------


def test_a_participant_submits_a_pending_proposal_that_only_they_see(
    client, member, question
):
    response = client.post(
        create_url(question),
        {"question": question.pk, "text": "  Créer un fonds   régional de garantie  "},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.source, proposal.author, proposal.text) == (
        Status.PENDING,
        "online",
        member,
        "Créer un fonds régional de garantie",
    )
    assert (proposal.region_id, proposal.organisation_type) == ("76", "cooperative")
    page = client.get(
        question.trajectory.get_absolute_url(), follow=True
    ).content.decode()
    assert "sera publiée après relecture" in page
    assert "Créer un fonds régional de garantie" not in page  # not in the public list
    space = client.get(reverse("my_space")).content.decode()
    assert (
        "Créer un fonds régional de garantie" in space
        and "En attente de modération" in space
    )
    assert client.get(proposal.get_absolute_url()).status_code == 200

    client.logout()
    assert client.get(proposal.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(proposal.get_absolute_url()).status_code == 404


def test_the_trajectory_page_offers_the_form_only_to_those_who_may_propose(
    client, question, django_capture_on_commit_callbacks
):
    url = question.trajectory.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Connectez-vous avec le compte de votre organisation" in page
    assert 'name="text"' not in page
    client.force_login(UserFactory(email_confirmed_at=None))
    assert "Confirmez d’abord votre adresse" in client.get(url).content.decode()
    client.force_login(UserFactory())
    assert 'name="text"' in client.get(url).content.decode()
    consultation = question.trajectory.consultation
    with django_capture_on_commit_callbacks(execute=True):
        consultation.phase = Phase.VOTES
        consultation.save()
        content_changed(consultation.pk)  # as the admin's save does
    page = client.get(url).content.decode()
    assert 'name="text"' not in page
    assert "Le dépôt de propositions n’est pas ouvert dans cette phase" in page


@pytest.mark.parametrize("phase", [Phase.VOTES, Phase.CLOSED])
def test_submitting_outside_the_contributions_phase_gives_a_clear_message(
    client, member, question, phase
):
    consultation = question.trajectory.consultation
    consultation.phase = phase
    consultation.save()
    response = client.post(
        create_url(question),
        {"question": question.pk, "text": "Une idée tardive mais bonne"},
    )
    assert response.status_code == 400
    assert "pas ouvert dans cette phase" in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Trop court", "au moins 15 caractères"),
        ("x" * 1001, "au plus 1000 caractères"),
    ],
)
def test_proposal_length_limits(client, member, question, text, message):
    response = client.post(
        create_url(question), {"question": question.pk, "text": text}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Proposal.objects.exists()
    # The form, folded behind « Proposer » otherwise, is open on its errors.
    assert '<details class="toggle-panel" open>' in response.content.decode()


def test_a_duplicate_of_a_published_proposal_is_refused_with_a_link(
    client, member, question
):
    existing = ProposalFactory(
        question=question, text="Développer la finance solidaire !"
    )
    response = client.post(
        create_url(question),
        {"question": question.pk, "text": "développer la FINANCE   solidaire"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Cette proposition existe déjà" in page
    assert existing.get_absolute_url() in page
    assert Proposal.objects.count() == 1


def test_a_duplicate_of_a_workshop_proposal_is_refused(member, question):
    ProposalFactory(
        question=question,
        author=None,
        source="workshop",
        text="Démocratie locale renforcée",
    )
    with refused("proposal.exists", services.DuplicateProposal):
        services.proposal_submit(
            author=member, question=question, text="Démocratie locale, renforcée."
        )


def test_the_same_text_under_another_question_is_fine(member, question):
    ProposalFactory(question=question, text="Développer la finance solidaire")
    from tests.factories import GuidingQuestionFactory

    other = GuidingQuestionFactory(trajectory=question.trajectory)
    services.proposal_submit(
        author=member, question=other, text="Développer la finance solidaire"
    )
    assert Proposal.objects.count() == 2


def test_a_double_submission_creates_one_proposal(client, member, question):
    data = {"question": question.pk, "text": "Mutualiser les achats entre structures"}
    client.post(create_url(question), data)
    response = client.post(create_url(question), data)
    assert "Vous avez déjà déposé cette proposition." in response.content.decode()
    assert Proposal.objects.count() == 1


def test_proposals_are_rate_limited_per_account(client, member, question, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "proposal_user": "2/h"}
    for index in range(2):
        client.post(
            create_url(question),
            {"question": question.pk, "text": f"Une idée numéro {index} à creuser"},
        )
    response = client.post(
        create_url(question),
        {"question": question.pk, "text": "Une idée de trop sans doute"},
    )
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert Proposal.objects.count() == 2


def test_an_author_withdraws_their_proposal(client, member, question):
    proposal = ProposalFactory(question=question, author=member)
    response = client.post(reverse("proposal_withdraw", args=[proposal.pk]))
    assert response.url == reverse("my_space")
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN
    assert ModerationEvent.objects.get().action == "withdrawn"


def test_nobody_withdraws_someone_elses_proposal(client, member, question):
    proposal = ProposalFactory(question=question)
    assert (
        client.post(reverse("proposal_withdraw", args=[proposal.pk])).status_code == 404
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.PUBLISHED


# --- Moderation mail ------------------------------------------------------------------


def test_the_author_is_mailed_when_published_and_when_rejected(
    moderator, question, django_capture_on_commit_callbacks
):
    first = ProposalFactory(question=question, status=Status.PENDING)
    second = ProposalFactory(question=question, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_publish(proposal=first, moderator=moderator)
        services.proposal_reject(
            proposal=second, moderator=moderator, reason="Hors sujet ici"
        )
    published, rejected = mail.outbox
    assert published.to == [first.author.email] and "est publiée" in published.subject
    assert first.text in published.body
    assert (
        rejected.to == [second.author.email] and "pas été retenue" in rejected.subject
    )
    assert "Hors sujet ici" in rejected.body


def test_no_mail_is_sent_when_the_transaction_fails(
    moderator, question, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(question=question, status=Status.WITHDRAWN)
    with (
        django_capture_on_commit_callbacks(execute=True),
        refused("publish.status"),
    ):
        services.proposal_publish(proposal=proposal, moderator=moderator)
    assert mail.outbox == []


# --- Votes -------------------------------------------------------------------------------


def vote_url(proposal):
    return reverse("vote", args=[proposal.pk])


def test_voting_without_javascript_goes_back_to_the_same_place(
    client, member, published_proposal
):
    back = published_proposal.question.trajectory.get_absolute_url() + "?sort=best"
    response = client.post(
        vote_url(published_proposal), {"choice": "agree", "next": back}
    )
    assert response.status_code == 302
    assert response.url == f"{back}#proposal-{published_proposal.pk}"
    published_proposal.refresh_from_db()
    assert published_proposal.agree_count == 1
    page = client.get(back).content.decode()
    assert pressed_choices(page) == ["agree"]
    assert "Votre vote : D’accord" in page


def pressed_choices(html):
    """The values of the vote buttons shown as pressed."""
    return re.findall(r'value="(\w+)"[^>]*aria-pressed="true"', html)


def test_changing_and_removing_a_vote(client, member, published_proposal):
    client.post(vote_url(published_proposal), {"choice": "agree"})
    client.post(vote_url(published_proposal), {"choice": "mixed"})
    published_proposal.refresh_from_db()
    assert (published_proposal.agree_count, published_proposal.mixed_count) == (0, 1)
    client.post(vote_url(published_proposal), {"choice": ""})
    published_proposal.refresh_from_db()
    assert published_proposal.vote_count == 0
    assert not Vote.objects.exists()


def test_voting_with_javascript_answers_the_new_state_as_data(
    client, member, published_proposal
):
    response = client.post(
        vote_url(published_proposal),
        {"choice": "disagree", "next": "/"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["choice"] == "disagree"
    assert data["counts"] == {"agree": 0, "mixed": 0, "disagree": 1}
    words = [label["text"] for label in data["summary"]["counts"]]
    assert words == ["0 d’accord", "0 mitigé", "1 pas d’accord"]
    assert data["summary"]["bar"] == [
        {"key": "disagree", "x": "0.000", "width": "100.000"}
    ]


def test_a_refused_vote_answers_json_with_the_reason(client, published_proposal):
    client.force_login(UserFactory(email_confirmed_at=None))
    response = client.post(
        vote_url(published_proposal),
        {"choice": "agree"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 403
    assert "Confirmez d’abord votre adresse" in response.json()["error"]


def test_the_same_vote_posted_twice_counts_once(client, member, published_proposal):
    for _ in range(2):
        client.post(vote_url(published_proposal), {"choice": "agree"})
    published_proposal.refresh_from_db()
    assert published_proposal.agree_count == 1
    assert Vote.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, published_proposal):
    response = client.post(vote_url(published_proposal), {"choice": "agree"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Vote.objects.exists()


def test_an_unknown_choice_is_a_400(client, member, published_proposal):
    assert (
        client.post(vote_url(published_proposal), {"choice": "peut-être"}).status_code
        == 400
    )


def test_the_return_address_must_be_on_this_site(client, member, published_proposal):
    response = client.post(
        vote_url(published_proposal),
        {"choice": "agree", "next": "https://evil.example/"},
    )
    assert (
        response.url
        == f"{published_proposal.get_absolute_url()}#proposal-{published_proposal.pk}"
    )


def test_a_closed_consultation_refuses_votes_with_a_message(
    client, member, published_proposal
):
    consultation = published_proposal.question.trajectory.consultation
    consultation.phase = Phase.CLOSED
    consultation.save()
    response = client.post(
        vote_url(published_proposal), {"choice": "agree"}, follow=True
    )
    assert not Vote.objects.exists()
    assert "Les votes ne sont pas ouverts" in response.content.decode()


def test_votes_are_rate_limited_per_account(client, member, question, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote_user": "3/m"}
    proposals = ProposalFactory.create_batch(4, question=question)
    statuses = [
        client.post(vote_url(p), {"choice": "agree"}).status_code for p in proposals
    ]
    assert statuses == [302, 302, 302, 429]
    assert Vote.objects.count() == 3


def test_the_trajectory_page_shows_each_participants_own_choice(
    client, member, question, django_assert_max_num_queries
):
    proposals = ProposalFactory.create_batch(5, question=question)
    services.vote_cast(proposal=proposals[2], voter=member, choice="mixed")
    with django_assert_max_num_queries(14):
        page = client.get(question.trajectory.get_absolute_url()).content.decode()
    assert page.count('aria-pressed="true"') == 1
    assert page.count('class="vote-form') == 5


# --- My space, my data, leaving -------------------------------------------------------


def test_my_space_lists_my_proposals_with_reasons_and_my_votes(
    client, member, question, moderator
):
    rejected = ProposalFactory(
        question=question, author=member, status=Status.PENDING, text="Idée refusée ici"
    )
    services.proposal_reject(
        proposal=rejected, moderator=moderator, reason="Hors du champ de la trajectoire"
    )
    other = ProposalFactory(question=question, text="Proposition d'un autre")
    services.vote_cast(proposal=other, voter=member, choice="agree")
    page = client.get(reverse("my_space")).content.decode()
    assert "Idée refusée ici" in page and "Refusée" in page
    assert "Hors du champ de la trajectoire" in page
    assert "Proposition d&#x27;un autre" in page or "Proposition d'un autre" in page
    assert "D’accord" in page


def test_my_space_needs_an_account(client):
    response = client.get(reverse("my_space"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_my_data_downloads_everything_about_the_account(client, member, question):
    mine = ProposalFactory(
        question=question, author=member, text="Ma proposition à moi"
    )
    other = ProposalFactory(question=question)
    services.vote_cast(proposal=other, voter=member, choice="mixed")
    response = client.get(reverse("my_data"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == member.email
    assert data["account"]["organisation"] == member.organisation
    assert [p["id"] for p in data["proposals"]] == [mine.pk]
    assert data["proposals"][0]["text"] == "Ma proposition à moi"
    assert [(v["proposal_id"], v["choice"]) for v in data["votes"]] == [
        (other.pk, "mixed")
    ]
    assert data["arguments"] == []


def test_my_data_has_my_arguments_and_my_reports(client, member, question):
    other = ProposalFactory(question=question)
    services.argument_add(
        proposal=other, author=member, side="against", text="Mon argument contre elle."
    )
    theirs = services.argument_add(
        proposal=other,
        author=UserFactory(),
        side="for",
        text="Leur argument pour elle.",
    )
    services.argument_report(argument=theirs, reporter=member, reason="off_topic")
    data = json.loads(client.get(reverse("my_data")).content)
    assert [(a["proposal_id"], a["side"], a["text"]) for a in data["arguments"]] == [
        (other.pk, "against", "Mon argument contre elle.")
    ]
    assert [(r["argument_id"], r["reason"]) for r in data["argument_reports"]] == [
        (theirs.pk, "off_topic")
    ]


def test_deleting_an_account_keeps_the_published_results_and_removes_the_rest(
    client, member, question
):
    published = ProposalFactory(
        question=question, author=member, text="Publiée par moi"
    )
    pending = ProposalFactory(question=question, author=member, status=Status.PENDING)
    other = ProposalFactory(question=question)
    services.vote_cast(proposal=other, voter=member, choice="agree")
    services.vote_cast(proposal=published, voter=UserFactory(), choice="disagree")

    response = client.post(reverse("account_delete"), {"password": "mauvais"})
    assert response.status_code == 200 and User.objects.filter(pk=member.pk).exists()

    response = client.post(
        reverse("account_delete"), {"password": "mot-de-passe-solide-42"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert "_auth_user_id" not in client.session
    assert not Proposal.objects.filter(pk=pending.pk).exists()
    published.refresh_from_db()
    assert published.author is None and published.status == Status.PUBLISHED
    assert published.disagree_count == 1
    other.refresh_from_db()
    assert other.agree_count == 1
    anonymous = Vote.objects.get(proposal=other)
    assert anonymous.voter is None and anonymous.region_id == "76"
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Organisation supprimée" in page
