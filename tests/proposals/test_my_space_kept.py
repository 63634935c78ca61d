"""
« Mon espace » kept for its owner (`consultation.shared_pages.kept_for_its_owner`): read
again, it comes from the cache in a few queries; after anything that changes what it
shows — by the owner, by another organisation or by a moderator — it is exactly the
page a new rendering gives; nobody gets another's; its forms carry the reader's
current CSRF token; a flash message is shown, never kept.
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from consultation.models import User
from proposals import services
from proposals.models import CoSignature
from tests.factories import ProposalFactory, UserFactory, cast_votes

pytestmark = pytest.mark.django_db
URL = reverse("my_space")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _page(response):
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode())


@pytest.fixture
def owner(question):
    member = UserFactory(organisation="L'Atelier & Cie")
    mine = ProposalFactory(
        question=question, author=member, text="Ma proposition à moi."
    )
    others = ProposalFactory.create_batch(3, question=question)
    cast_votes([(others[0], member, "agree"), (others[1], member, "mixed")])
    return {"member": member, "mine": mine, "others": others, "question": question}


def test_read_again_it_comes_from_the_cache_in_a_few_queries(
    owner, django_assert_max_num_queries
):
    client = _client(owner["member"])
    first = client.get(URL)
    assert first.get("X-Page-Cache") is None
    with django_assert_max_num_queries(3):  # session, account, stamp
        again = client.get(URL)
    assert again["X-Page-Cache"] == "own"
    assert _page(again) == _page(first)
    assert "L&#x27;Atelier &amp; Cie" in again.content.decode()


def _changes(owner, moderator, django_capture_on_commit_callbacks):
    """Each a change to what the owner's page shows, by whoever makes it."""
    member, mine, others = owner["member"], owner["mine"], owner["others"]
    inviter = UserFactory(organisation="Mutuelle du Bocage")
    invitation_target = ProposalFactory(question=owner["question"], author=inviter)

    def vote(choice, proposal=others[2]):
        return lambda: services.vote_cast(
            proposal=proposal, voter=member, choice=choice
        )

    def someone_votes_on_mine():
        services.vote_cast(proposal=mine, voter=UserFactory(), choice="disagree")

    def invited():
        services.cosignature_invite(
            proposal=invitation_target, author=inviter, email=member.email
        )

    def accepted():
        services.cosignature_accept(
            cosignature=CoSignature.objects.get(email=member.email), user=member
        )

    def decided():
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_reject(
                proposal=mine, moderator=moderator, reason="Hors du champ."
            )

    def edited():
        # Another organisation's proposal it voted on, edited: the site's version.
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_edit(
                proposal=others[1],
                moderator=moderator,
                text="Un texte corrigé par la modération, plus clair.",
                question=owner["question"],
                region=others[1].region,
            )

    def followed_instead():
        services.proposal_follow(user=member, proposal=others[1], following=False)
        services.proposal_follow(user=member, proposal=others[2])

    def renamed():
        User.objects.filter(pk=member.pk).update(organisation="L'Atelier & Fils")

    def submitted():
        services.proposal_submit(
            author=member,
            question=owner["question"],
            text="Une deuxième proposition de l'Atelier, plus longue.",
        )

    return {
        "a vote cast": vote("agree"),
        "the vote changed": vote("disagree"),
        "a vote removed": vote(None, others[0]),
        "someone votes on mine": someone_votes_on_mine,
        "a proposal followed": lambda: services.proposal_follow(
            user=member, proposal=others[1]
        ),
        # As many followed as before, another one: the stamp tells them apart.
        "another proposal followed instead": followed_instead,
        "a proposal no longer followed": lambda: services.proposal_follow(
            user=member, proposal=others[2], following=False
        ),
        "a trajectory followed": lambda: services.trajectory_follow(
            user=member, trajectory=owner["question"].trajectory
        ),
        "an invitation received": invited,
        "the invitation accepted": accepted,
        "the e-mail choices": lambda: services.notification_preferences_set(
            user=member, follows_own=False, follows_voted=False, mails=[]
        ),
        "a proposal submitted": submitted,
        "a decision on mine": decided,
        "a proposal it voted on edited": edited,
        "the organisation renamed": renamed,
    }


def test_after_each_change_it_is_the_page_a_new_rendering_gives(
    owner, moderator, django_capture_on_commit_callbacks
):
    client = _client(owner["member"])
    for change, make in _changes(
        owner, moderator, django_capture_on_commit_callbacks
    ).items():
        client.get(URL)
        assert client.get(URL)["X-Page-Cache"] == "own", change  # kept before
        make()
        served = client.get(URL)
        assert served.get("X-Page-Cache") is None, change  # not the kept copy
        cache.clear()
        assert _page(served) == _page(client.get(URL)), change


def test_nobody_gets_anothers(owner, question):
    other = UserFactory(organisation="Coopérative voisine")
    ProposalFactory(question=question, author=other, text="La proposition voisine.")
    mine, theirs = _client(owner["member"]), _client(other)
    for client in (mine, theirs, mine, theirs):
        client.get(URL)
    own = mine.get(URL).content.decode()
    neighbour = theirs.get(URL).content.decode()
    assert "Ma proposition à moi." in own and "La proposition voisine." not in own
    assert "La proposition voisine." in neighbour
    assert "Ma proposition à moi." not in neighbour


def test_its_forms_carry_the_readers_current_token(owner):
    member = owner["member"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(URL)
    client.logout()
    client.force_login(member)  # a new session: a new CSRF secret
    page = client.get(URL)
    assert page["X-Page-Cache"] == "own"
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    )[1]
    response = client.post(
        reverse("proposal_follow", args=[owner["others"][0].pk]),
        {"csrfmiddlewaretoken": token, "following": "1", "from": "my_space"},
    )
    assert response.status_code == 302  # accepted, not 403


def test_a_flash_message_is_shown_and_never_kept(owner):
    client = _client(owner["member"])
    client.get(URL)
    response = client.post(
        reverse("proposal_withdraw", args=[owner["mine"].pk]), follow=True
    )
    assert "Votre proposition est retirée." in response.content.decode()
    again = client.get(URL)
    assert "Votre proposition est retirée." not in again.content.decode()


def test_it_is_rendered_again_after_five_minutes_whatever_its_stamp(owner, monkeypatch):
    """What the stamp does not follow (the inviter's new name on an invitation)
    shows within `OWN_PAGE_SECONDS`."""
    import time

    from consultation.shared_pages import OWN_PAGE_SECONDS

    client = _client(owner["member"])
    client.get(URL)
    assert client.get(URL)["X-Page-Cache"] == "own"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + OWN_PAGE_SECONDS + 1)
    assert client.get(URL).get("X-Page-Cache") is None
