"""
Cosigned proposals: the author invites organisations by the e-mail of their account
(the author learns nothing of who has one), each accepts or declines in « Mon espace »,
a cosigner leaves, the author withdraws an invitation; accepted cosigners are shown
with the proposal, counted (« portée par 3 organisations de 2 régions ») on its page,
in lists, results and open data. At most 20 cosigners; invitations rate-limited.
"""

import csv
import io
import json

import lxml.html
import pytest
from django.urls import reverse

from consultation.models import Region
from proposals import services
from proposals.models import COSIGNERS_MAX, CoSignature, CoSignatureStatus, Status
from tests.factories import ProposalFactory, UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return UserFactory(organisation="Coopérative Autrice")


@pytest.fixture
def proposal(question, author):
    return ProposalFactory(
        question=question, author=author, text="Une proposition portée"
    )


def carriers(proposal):
    proposal.refresh_from_db()
    return proposal.carrier_count, proposal.carrier_region_count


def invite(proposal, email):
    return services.cosignature_invite(
        proposal=proposal, author=proposal.author, email=email
    )


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# --- Services ------------------------------------------------------------------------


def test_an_invited_organisation_accepts_and_is_counted_with_its_region(
    proposal, mailoutbox, django_capture_on_commit_callbacks
):
    other = UserFactory(
        email="asso@exemple.fr",
        organisation="Association Amie",
        region=Region.objects.get(code="53"),
        language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(proposal, "ASSO@exemple.fr ")
    assert invitation.email == "asso@exemple.fr" and invitation.cosigner == other
    (sent,) = mailoutbox
    assert sent.to == ["asso@exemple.fr"]
    assert "invites you" in sent.subject and "Coopérative Autrice" in sent.subject
    assert carriers(proposal) == (1, 1)
    services.cosignature_accept(cosignature=invitation, user=other)
    invitation.refresh_from_db()
    assert invitation.status == CoSignatureStatus.ACCEPTED
    assert (invitation.organisation, invitation.region_id) == ("Association Amie", "53")
    assert carriers(proposal) == (2, 2)


def test_an_address_without_an_account_is_kept_and_answered_after_signing_up(
    proposal, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(proposal, "future@exemple.fr")
    assert mailoutbox == []  # no mail to an address the site does not know
    newcomer = UserFactory(email="future@exemple.fr")
    services.cosignature_accept(cosignature=invitation, user=newcomer)
    assert carriers(proposal) == (2, 1)


def test_only_the_author_invites_once_per_address_never_itself(proposal, author):
    with refused("cosign.not_author"):
        services.cosignature_invite(
            proposal=proposal, author=UserFactory(), email="x@exemple.fr"
        )
    with refused("cosign.self"):
        invite(proposal, author.email)
    with refused("cosign.email_invalid"):
        invite(proposal, "pas-une-adresse")
    invite(proposal, "une@exemple.fr")
    with refused("cosign.already_invited"):
        invite(proposal, "UNE@exemple.fr")
    assert CoSignature.objects.count() == 1


def test_at_most_20_cosigners(proposal):
    for n in range(COSIGNERS_MAX):
        invite(proposal, f"orga{n}@exemple.fr")
    with refused("cosign.full"):
        invite(proposal, "une-de-trop@exemple.fr")
    # A withdrawn invitation frees its place.
    first = CoSignature.objects.order_by("pk").first()
    services.cosignature_withdraw(cosignature=first, author=proposal.author)
    invite(proposal, "une-de-trop@exemple.fr")


def test_a_rejected_or_withdrawn_proposal_takes_no_invitation(proposal):
    for status in (Status.REJECTED, Status.WITHDRAWN):
        type(proposal).objects.filter(pk=proposal.pk).update(
            status=status, moderation_reason="Motif"
        )
        with refused("cosign.not_live"):
            invite(proposal, "x@exemple.fr")


def test_decline_leave_and_withdraw(proposal):
    one, two = UserFactory(), UserFactory()
    first, second = invite(proposal, one.email), invite(proposal, two.email)
    with refused("cosign.not_addressed"):
        services.cosignature_accept(cosignature=first, user=two)
    services.cosignature_decline(cosignature=first, user=one)
    with refused("cosign.invitation_closed"):
        services.cosignature_accept(cosignature=first, user=one)
    services.cosignature_accept(cosignature=second, user=two)
    assert carriers(proposal) == (2, 1)
    services.cosignature_leave(cosignature=second, user=two)
    assert carriers(proposal) == (1, 1)
    third = invite(proposal, UserFactory().email)
    services.cosignature_withdraw(cosignature=third, author=proposal.author)
    assert [c.status for c in CoSignature.objects.order_by("pk")] == [
        "declined", "left", "withdrawn",
    ]  # fmt: skip


def test_an_unconfirmed_account_cannot_cosign_yet(proposal):
    unconfirmed = UserFactory(email_confirmed_at=None)
    invitation = invite(proposal, unconfirmed.email)
    with refused("account.unconfirmed"):
        services.cosignature_accept(cosignature=invitation, user=unconfirmed)


def test_a_deleted_cosigner_stays_counted_and_its_invitations_go(proposal):
    leaving = UserFactory(organisation="Mutuelle Partante")
    accepted = invite(proposal, leaving.email)
    services.cosignature_accept(cosignature=accepted, user=leaving)
    other = ProposalFactory(question=proposal.question, author=UserFactory())
    invite(other, leaving.email)
    services.account_delete(user=leaving)
    accepted.refresh_from_db()
    # Counted still, without its name or its address.
    assert accepted.cosigner is None and accepted.organisation == ""
    assert leaving.email not in accepted.email
    assert carriers(proposal) == (2, 1)
    assert not CoSignature.objects.filter(proposal=other).exists()


# --- Pages ---------------------------------------------------------------------------


def test_the_author_invites_from_the_page_with_the_same_words_for_any_address(
    client, proposal, author
):
    UserFactory(email="existe@exemple.fr")
    client.force_login(author)
    page = lxml.html.fromstring(content(client.get(proposal.get_absolute_url())))
    assert page.xpath("//label[@for='id_email']")
    url = reverse("cosignature_invite", args=[proposal.pk])
    said = []
    for email in ("existe@exemple.fr", "personne@exemple.fr"):
        response = client.post(url, {"email": email}, follow=True)
        page = lxml.html.fromstring(content(response))
        said.append(
            " ".join(
                page.xpath("//*[contains(@class, 'alert')]")[0].text_content().split()
            )
        )
    assert said[0] == said[1]
    assert "Mon espace" in said[0]
    response = client.post(url, {"email": "nimporte"}, follow=True)
    assert "pas valide" in content(response)
    assert CoSignature.objects.count() == 2


def test_the_invited_organisation_answers_in_my_space_and_is_shown_everywhere(
    client, proposal
):
    friend = UserFactory(
        email="amie@exemple.fr",
        organisation="Fondation Amie",
        region=Region.objects.get(code="53"),
    )
    invitation = invite(proposal, friend.email)
    client.force_login(friend)
    space = lxml.html.fromstring(content(client.get(reverse("my_space"))))
    (card,) = space.xpath("//*[contains(@class, 'cosignature-invitation')]")
    assert "Coopérative Autrice" in card.text_content()
    client.post(reverse("cosignature_accept", args=[invitation.pk]))
    assert carriers(proposal) == (2, 2)
    client.logout()
    page = content(client.get(proposal.get_absolute_url()))
    assert "Fondation Amie" in page
    assert "portée par 2 organisations" in page and "de 2 régions" in page
    listing = content(client.get(proposal.question.trajectory.get_absolute_url()))
    assert "portée par 2 organisations" in listing
    # The cosigner leaves from the proposal's page.
    client.force_login(friend)
    client.post(reverse("cosignature_leave", args=[invitation.pk]))
    assert carriers(proposal) == (1, 1)


def test_open_data_has_the_cosigners(client, proposal):
    friend = UserFactory(
        organisation="Fondation Amie", region=Region.objects.get(code="53")
    )
    services.cosignature_accept(cosignature=invite(proposal, friend.email), user=friend)
    invite(proposal, "en-attente@exemple.fr")  # not accepted: not published
    document = json.loads(content(client.get(reverse("open_data_json"))))
    [exported] = [
        p
        for theme in document["themes"]
        for t in theme["trajectories"]
        for q in t["questions"]
        for p in q["proposals"]
    ]
    assert exported["carried_by"] == {"organisations": 2, "regions": 2}
    assert exported["cosigners"] == [
        {
            "organisation": "Fondation Amie",
            "organisation_type": "cooperative",
            "region": "53",
        }
    ]
    rows = list(csv.reader(io.StringIO(content(client.get(reverse("open_data_csv"))))))
    header = rows[0]
    assert header[-3:-1] == ["carriers", "carrier_regions"]
    assert rows[1][-3:-1] == ["2", "2"]
    assert "en-attente@exemple.fr" not in json.dumps(document)


def test_invitations_are_rate_limited_per_account(client, proposal, author, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "cosignature_user": "3/h"}
    client.force_login(author)
    url = reverse("cosignature_invite", args=[proposal.pk])
    statuses = [
        client.post(url, {"email": f"n{n}@exemple.fr"}).status_code for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert CoSignature.objects.count() == 3


def test_moderators_see_the_cosigners_and_invitations_in_the_admin(
    client, proposal, moderator
):
    friend = UserFactory(organisation="Fondation Amie")
    services.cosignature_accept(cosignature=invite(proposal, friend.email), user=friend)
    invite(proposal, "en-attente@exemple.fr")
    client.force_login(moderator)
    page = content(
        client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    )
    assert "Fondation Amie — Cosignataire" in page
    assert "en-attente@exemple.fr — Invitée" in page
