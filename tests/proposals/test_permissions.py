"""
Who may do what: anonymous visitor, another participant, the author and a moderator,
against pending, rejected, withdrawn and published proposals, on every page, action and
export; then each predicate against every phase. (A proposal withdrawn after votes stays
on record: results and exports list it with its status.)
"""

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.urls import reverse

from consultation.models import Consultation, Phase
from proposals import permissions, services
from proposals.models import Argument, CoSignature, Follow, Proposal, Status, Vote
from proposals.ranking import RANKING_MIN_VOTES
from tests.factories import ProposalFactory, UserFactory, cast_votes

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "other", "author", "moderator"]
STATUSES = [Status.PENDING, Status.REJECTED, Status.WITHDRAWN, Status.PUBLISHED]
TEXT = "La proposition de la matrice"


@pytest.fixture
def proposal(question):
    return ProposalFactory(
        question=question,
        text=TEXT,
        status=Status.PENDING,
        author=UserFactory(organisation="Auteur de la matrice"),
    )


def act_as(client, role, proposal, moderator):
    users = {
        "anonymous": None,
        "other": UserFactory(),
        "author": proposal.author,
        "moderator": moderator,
    }
    if users[role] is not None:
        client.force_login(users[role])
    return users[role]


def set_status(proposal, status):
    Proposal.objects.filter(pk=proposal.pk).update(
        status=status, moderation_reason="Motif" if status == Status.REJECTED else ""
    )
    proposal.refresh_from_db()


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


PAGE_ALLOWED = {
    # status: roles that see the proposal's own page
    Status.PENDING: {"author", "moderator"},
    Status.REJECTED: {"author", "moderator"},
    Status.WITHDRAWN: {"author", "moderator"},
    Status.PUBLISHED: set(ROLES),
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_the_proposal_page(client, proposal, moderator, role, status):
    act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    response = client.get(proposal.get_absolute_url())
    assert response.status_code == (200 if role in PAGE_ALLOWED[status] else 404)
    if response.status_code == 200:
        assert TEXT in body(response)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_lists_results_and_exports_show_only_proposals_on_record(
    client, proposal, moderator, role, status
):
    # Enough votes to be ranked; withdrawn with votes, it stays on record.
    cast_votes((proposal, UserFactory(), "agree") for _ in range(RANKING_MIN_VOTES))
    act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    listed = status == Status.PUBLISHED
    visible = status in (Status.PUBLISHED, Status.WITHDRAWN)
    trajectory = proposal.question.trajectory
    for url in (
        trajectory.get_absolute_url(),
        trajectory.get_absolute_url() + "?sort=best",
    ):
        assert (TEXT in body(client.get(url))) is listed, url
    assert (TEXT in body(client.get(reverse("results")))) is visible
    exported = json.loads(body(client.get(reverse("open_data_json"))))
    texts = [
        p["text"]
        for theme in exported["themes"]
        for t in theme["trajectories"]
        for q in t["questions"]
        for p in q["proposals"]
    ]
    assert (TEXT in texts) is visible
    rows = list(csv.reader(io.StringIO(body(client.get(reverse("open_data_csv"))))))
    assert (TEXT in [row[5] for row in rows]) is visible


VOTE_ALLOWED = {("other", Status.PUBLISHED), ("author", Status.PUBLISHED)}
NOT_OPEN_TO_VOTES = "Cette proposition n’est pas ouverte aux votes."
WITHDRAWN_FROZEN = (
    "Cette proposition a été retirée par son autrice ou son auteur : ses votes sont "
    "conservés, et on ne peut plus voter."
)
ORGANISATIONS_ONLY = "Seuls les comptes d’organisations peuvent proposer et voter."


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_voting(client, proposal, moderator, role, status):
    act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    response = client.post(reverse("vote", args=[proposal.pk]), {"choice": "agree"})
    assert response.status_code == 302
    allowed = (role, status) in VOTE_ALLOWED
    assert Vote.objects.filter(proposal=proposal).exists() is allowed
    proposal.refresh_from_db()
    assert proposal.agree_count == int(allowed)
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))
    elif allowed:
        assert flashed(response) == []
    elif status == Status.WITHDRAWN:
        assert flashed(response) == [WITHDRAWN_FROZEN]
    elif status != Status.PUBLISHED:
        assert flashed(response) == [NOT_OPEN_TO_VOTES]
    else:
        assert flashed(response) == [ORGANISATIONS_ONLY]


WITHDRAW_ALLOWED = {("author", Status.PENDING), ("author", Status.PUBLISHED)}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_withdrawing(client, proposal, moderator, role, status):
    user = act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    refusal = permissions.withdrawal_refusal(user or AnonymousUser(), proposal)
    client.post(reverse("proposal_withdraw", args=[proposal.pk]))
    proposal.refresh_from_db()
    allowed = (role, status) in WITHDRAW_ALLOWED
    assert proposal.status == (Status.WITHDRAWN if allowed else status)
    if allowed:
        assert refusal is None
    elif role != "author":
        assert refusal == "Seule l’organisation autrice peut retirer sa proposition."
    else:
        assert refusal == (
            "Seule une proposition en attente ou publiée peut être retirée."
        )


PUBLISH_ALLOWED = {("moderator", Status.PENDING), ("moderator", Status.REJECTED)}
REJECT_ALLOWED = {("moderator", Status.PENDING), ("moderator", Status.PUBLISHED)}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_publishing_in_the_admin(client, proposal, moderator, role, status):
    act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    client.post(reverse("admin:proposals_proposal_publish", args=[proposal.pk]))
    proposal.refresh_from_db()
    expected = Status.PUBLISHED if (role, status) in PUBLISH_ALLOWED else status
    assert proposal.status == expected


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_rejecting_in_the_admin(client, proposal, moderator, role, status):
    act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    client.post(
        reverse("admin:proposals_proposal_reject", args=[proposal.pk]),
        {"reason": "Doublon"},
    )
    proposal.refresh_from_db()
    expected = Status.REJECTED if (role, status) in REJECT_ALLOWED else status
    assert proposal.status == expected


# --- Predicates against phases --------------------------------------------------------

PEOPLE = [
    "anonymous",
    "inactive",
    "unconfirmed",
    "unidentified",
    "participant",
    "moderator",
]
PARTICIPATION_REFUSALS = {
    "anonymous": "Connectez-vous avec le compte de votre organisation pour participer.",
    "inactive": "Ce compte est désactivé : il ne peut plus proposer ni voter.",
    "unconfirmed": (
        "Confirmez d’abord votre adresse e-mail avec le lien reçu à l’inscription."
    ),
    "unidentified": None,  # may propose…
    "participant": None,
    "moderator": ORGANISATIONS_ONLY,
}
# …but not vote: one organisation, one voice.
VOTE_REFUSALS = {
    **PARTICIPATION_REFUSALS,
    "unidentified": (
        "Une organisation, une voix : pour voter, indiquez le numéro SIREN, SIRET ou "
        "RNA de votre organisation dans « Mon organisation », ou attendez sa "
        "vérification par l’équipe de la consultation."
    ),
}


@pytest.fixture
def people(moderator):
    return {
        "anonymous": AnonymousUser(),
        "inactive": UserFactory(is_active=False),
        "unconfirmed": UserFactory(email_confirmed_at=None),
        "unidentified": UserFactory(legal_identifier="", organisation_key=""),
        "participant": UserFactory(),
        "moderator": moderator,
    }


@pytest.mark.parametrize("phase", Phase.values)
@pytest.mark.parametrize("who", PEOPLE)
def test_vote_refusal_by_phase_and_person(people, published_proposal, phase, who):
    Consultation.objects.update(phase=phase)
    proposal = Proposal.objects.select_related(
        "question__trajectory__consultation"
    ).get()
    expected = (
        VOTE_REFUSALS[who]
        if phase in (Phase.CONTRIBUTIONS, Phase.VOTES)
        else "Les votes ne sont pas ouverts dans cette phase de la consultation."
    )
    assert permissions.vote_refusal(people[who], proposal) == expected


@pytest.mark.parametrize("phase", Phase.values)
@pytest.mark.parametrize("who", PEOPLE)
def test_submission_refusal_by_phase_and_person(people, question, phase, who):
    Consultation.objects.update(phase=phase)
    consultation = Consultation.objects.get()
    expected = (
        PARTICIPATION_REFUSALS[who]
        if phase == Phase.CONTRIBUTIONS
        else "Le dépôt de propositions n’est pas ouvert dans cette phase de la "
        "consultation."
    )
    assert permissions.submission_refusal(people[who], consultation) == expected


@pytest.mark.parametrize("who", PEOPLE)
def test_the_services_raise_the_refusal_that_the_pages_show(
    people, published_proposal, question, who
):
    refusal = PARTICIPATION_REFUSALS[who]
    if refusal is None:
        return  # allowed to take part: nothing to raise
    with pytest.raises(services.ProposalActionError) as voting:
        services.vote_cast(
            proposal=published_proposal, voter=people[who], choice="agree"
        )
    with pytest.raises(services.ProposalActionError) as submitting:
        services.proposal_submit(
            author=people[who], question=question, text="Une idée assez longue ici."
        )
    assert str(voting.value) == str(submitting.value) == refusal


ARGUE_ALLOWED = {("other", Status.PUBLISHED), ("author", Status.PUBLISHED)}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_arguing(client, proposal, moderator, role, status):
    """Any confirmed organisation argues on a published proposal, its author's too;
    never anonymous visitors nor moderators (no organisation)."""
    act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    response = client.post(
        reverse("argument_create", args=[proposal.pk]),
        {"side": "for", "text": "Un argument de la matrice des droits."},
    )
    allowed = (role, status) in ARGUE_ALLOWED
    assert Argument.objects.filter(proposal=proposal).exists() is allowed
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))
    elif allowed:
        assert response.status_code == 302
    else:
        assert response.status_code in (400, 404)


@pytest.mark.parametrize("role", ROLES)
def test_reporting_an_argument(client, proposal, moderator, role):
    """Any account but the argument's author reports it; anonymous visitors log in."""
    set_status(proposal, Status.PUBLISHED)
    argument = services.argument_add(
        proposal=proposal,
        author=proposal.author,
        side="against",
        text="Un argument de l'autrice, à signaler.",
    )
    act_as(client, role, proposal, moderator)
    response = client.post(
        reverse("argument_report", args=[argument.pk]), {"reason": "spam"}
    )
    reported = argument.reports.exists()
    assert reported is (role in ("other", "moderator"))
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))


INVITE_ALLOWED = {("author", Status.PENDING), ("author", Status.PUBLISHED)}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_inviting_cosigners(client, proposal, moderator, role, status):
    """Only its author invites cosigners, while it is pending or published."""
    act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    response = client.post(
        reverse("cosignature_invite", args=[proposal.pk]),
        {"email": "invitee@exemple.fr"},
    )
    allowed = (role, status) in INVITE_ALLOWED
    assert CoSignature.objects.filter(proposal=proposal).exists() is allowed
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))
    elif role != "author":
        assert response.status_code == 404


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_following(client, proposal, moderator, role, status):
    """An organisation follows a proposal it may see; moderators (no organisation)
    and anonymous visitors do not."""
    user = act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    response = client.post(
        reverse("proposal_follow", args=[proposal.pk]), {"following": "1"}
    )
    allowed = role == "author" or (role == "other" and status == Status.PUBLISHED)
    assert Follow.objects.filter(proposal=proposal).exists() is allowed
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))
    elif role == "moderator" and status == Status.PUBLISHED:
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            permissions.follow_refusal(user)
        ]
    elif not allowed and role != "moderator":
        assert response.status_code == 404


MERGE_ALLOWED = {("moderator", Status.PENDING), ("moderator", Status.PUBLISHED)}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", ROLES)
def test_merging_in_the_admin(client, proposal, moderator, role, status):
    """Moderators merge a pending or published proposal into a published one."""
    kept = ProposalFactory(question=proposal.question, text="Celle que l'on garde.")
    act_as(client, role, proposal, moderator)
    set_status(proposal, status)
    client.post(reverse("admin:proposals_proposal_merge", args=[proposal.pk, kept.pk]))
    proposal.refresh_from_db()
    merged = (role, status) in MERGE_ALLOWED
    assert (proposal.status == Status.MERGED) is merged
    assert (proposal.merged_into_id == kept.pk) is merged
