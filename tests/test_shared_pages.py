"""
One rendering for everyone (`consultation.shared_pages`): a participant's page comes
from a copy shared by every participant of the same profile, with their own facts
filled in. No one ever sees another's facts.
"""

import re

import lxml.html
import pytest
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from proposals import services
from proposals.models import Choice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _participant(**extra):
    return UserFactory(**extra)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _read(response):
    return lxml.html.fromstring(response.content)


def _pressed(page):
    """{proposal id: the pressed choice or None} for every vote form on the page."""
    votes = {}
    for form in page.xpath("//form[contains(@class, 'vote-form')]"):
        pk = int(re.search(r"/(\d+)/", form.get("action")).group(1))
        pressed = form.xpath(".//button[@aria-pressed='true']/@value")
        votes[pk] = pressed[0] if pressed else None
    return votes


def _follows(page):
    return [
        (form.get("action"), form.xpath(".//button/@aria-pressed")[0])
        for form in page.xpath("//form[contains(@class, 'follow-form')]")
    ]


def _tokens_belong_to(response, client):
    """Every form token on the page is the requester's (the secret of their cookie)."""
    secret = client.cookies["csrftoken"].value
    tokens = re.findall(
        rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content
    )
    assert tokens
    for token in tokens:
        assert _unmask_cipher_token(token.decode()) == secret


@pytest.fixture
def readers(every_state):
    """Two participants of the same profile with different votes and follows, one
    who may not vote (address not confirmed), and the proposals they meet."""
    popular, elsewhere = every_state["popular"], every_state["elsewhere"]
    first, second = _participant(), _participant()
    services.vote_cast(proposal=popular, voter=first, choice=Choice.AGREE)
    services.vote_cast(proposal=popular, voter=second, choice=Choice.DISAGREE)
    services.vote_cast(proposal=elsewhere, voter=second, choice=Choice.MIXED)
    services.trajectory_follow(user=first, trajectory=popular.question.trajectory)
    services.proposal_follow(user=second, proposal=popular, following=True)
    unconfirmed = _participant(email_confirmed_at=None)
    return every_state, first, second, unconfirmed


def _pages(world):
    popular = world["popular"]
    return [
        popular.question.trajectory.get_absolute_url(),
        popular.get_absolute_url(),
        world["elsewhere"].question.trajectory.get_absolute_url(),
        world.consultation.get_absolute_url(),
        reverse("consultation_results", args=[world.consultation.slug]),
    ]


def test_each_participant_sees_their_own_facts_on_the_shared_page(readers):
    world, first, second, unconfirmed = readers
    popular, elsewhere = world["popular"], world["elsewhere"]
    clients = {name: _client(user) for name, user in (
        ("first", first), ("second", second), ("unconfirmed", unconfirmed)
    )}  # fmt: skip
    anonymous = Client()
    voting_pages = _pages(world)[:3]
    for url in _pages(world):
        seen = {}
        # The first reader's request stores the page; the others are served from it.
        for name in ("first", "second", "unconfirmed", "second", "first"):
            response = clients[name].get(url)
            assert response.status_code == 200
            page = _read(response)
            seen.setdefault(name, []).append(response.get("X-Page-Cache", "rendered"))
            assert "<!--slot:" not in response.content.decode()
            assert "\x00" not in response.content.decode()
            _tokens_belong_to(response, clients[name])
            votes = _pressed(page)
            if name == "unconfirmed":
                assert votes == {}  # it may not vote: no button at all
                if url in voting_pages:
                    assert (
                        "Confirmez d’abord votre adresse" in response.content.decode()
                    )
                continue
            if popular.pk in votes:
                expected = Choice.AGREE if name == "first" else Choice.DISAGREE
                assert votes[popular.pk] == expected, (url, name)
            if elsewhere.pk in votes:
                expected = None if name == "first" else Choice.MIXED
                assert votes[elsewhere.pk] == expected, (url, name)
            follows = dict(_follows(page))
            trajectory_follow = reverse(
                "trajectory_follow", args=[popular.question.trajectory.pk]
            )
            if trajectory_follow in follows:
                assert follows[trajectory_follow] == (
                    "true" if name == "first" else "false"
                ), (url, name)
            proposal_follow = reverse("proposal_follow", args=[popular.pk])
            if proposal_follow in follows:
                # The second follows it; the first voted on it, and follows what it
                # votes on unless it said otherwise (its account's default).
                assert follows[proposal_follow] == "true", (url, name)
        # Served from the shared copy after the first rendering.
        assert seen["second"][-1].startswith("shared"), (url, seen)
        response = anonymous.get(url)
        assert _pressed(_read(response)) == {} or all(
            value is None for value in _pressed(_read(response)).values()
        )


def test_a_vote_and_a_follow_show_at_once_to_who_made_them(readers):
    world, first, _second, _unconfirmed = readers
    client = _client(first)
    elsewhere = world["elsewhere"]
    url = elsewhere.question.trajectory.get_absolute_url()
    assert _pressed(_read(client.get(url)))[elsewhere.pk] is None
    assert client.get(url)["X-Page-Cache"].startswith("shared")
    client.post(reverse("vote", args=[elsewhere.pk]), {"choice": "agree", "next": url})
    assert _pressed(_read(client.get(url)))[elsewhere.pk] == Choice.AGREE
    client.post(
        reverse("trajectory_follow", args=[elsewhere.question.trajectory.pk]),
        {"following": "1"},
    )
    follows = dict(_follows(_read(client.get(url))))
    assert set(follows.values()) == {"true"}


def _counts(page, pk):
    block = page.get_element_by_id(f"vote-block-{pk}")
    return " ".join(
        block.xpath(".//*[contains(@class, 'vote-counts')]")[0].text_content().split()
    )


def test_who_votes_reads_the_counts_with_their_vote_at_once(readers):
    """The copy's counts may lag behind the votes (RESULTS_CACHE_SECONDS), but not
    for who just voted: the moved counts are written into the copy, kept so for
    everyone."""
    world, first, second, _unconfirmed = readers
    elsewhere = world["elsewhere"]
    url = elsewhere.question.trajectory.get_absolute_url()
    voter, other = _client(first), _client(second)
    before = _counts(_read(voter.get(url)), elsewhere.pk)
    other.cookies["ordre"] = voter.cookies["ordre"].value  # the same order
    assert other.get(url)["X-Page-Cache"].startswith("shared")
    voter.post(
        reverse("vote", args=[elsewhere.pk]), {"choice": "disagree", "next": url}
    )
    response = voter.get(url)
    after = _counts(_read(response), elsewhere.pk)
    assert after != before
    assert _pressed(_read(response))[elsewhere.pk] == Choice.DISAGREE
    assert response["X-Page-Cache"] == "shared"
    # The copy written in for the voter is everyone's now, with the new counts.
    response = other.get(url)
    assert response["X-Page-Cache"] == "shared"
    assert _counts(_read(response), elsewhere.pk) == after
    # And once seen, the voter is served from the copy again.
    assert voter.get(url)["X-Page-Cache"] == "shared"


def test_the_author_of_a_proposal_gets_its_page_rendered_for_them(readers):
    world, first, _second, _unconfirmed = readers
    popular = world["popular"]
    _client(first).get(popular.get_absolute_url())  # the shared copy is stored
    author = _client(world.author)
    response = author.get(popular.get_absolute_url())
    assert response.get("X-Page-Cache") is None  # rendered for the author alone
    content = response.content.decode()
    assert "Inviter" in content or "cosign" in content
    # A stranger's page of the same proposal shows none of the author's controls.
    stranger = _client(first).get(popular.get_absolute_url()).content.decode()
    assert 'action="{}"'.format(
        reverse("proposal_withdraw", args=[popular.pk])
    ) not in (stranger)


def test_staff_and_people_with_messages_get_their_page_alone(readers):
    world, first, _second, _unconfirmed = readers
    url = world["popular"].question.trajectory.get_absolute_url()
    _client(first).get(url)
    staff = _client(world.moderator)
    assert staff.get(url).get("X-Page-Cache") is None
    client = _client(first)
    client.cookies["messages"] = "anything"
    assert client.get(url).get("X-Page-Cache") is None


def test_accounts_of_one_profile_are_refused_the_same_things(every_state):
    """The profile names every fact of an account that a refusal reads: two accounts
    alike in it and different in all else meet the same refusals."""
    from django.utils import timezone

    from consultation.models import OrganisationType, Region
    from proposals import permissions

    def account(**facts):
        return UserFactory(**facts)

    variations = [
        {},
        {"email_confirmed_at": None},
        {"organisation_key": "", "organisation_verified": False},
        {"organisation_key": "", "organisation_verified": True},
        {"is_active": False},
    ]
    consultations = [
        every_state.consultation,
        every_state.closed,
        every_state.preparation,
    ]
    published = every_state["popular"]
    for facts in variations:
        one = account(**facts)
        other = account(
            **facts,
            region=Region.objects.get(code="94"),
            organisation_type=OrganisationType.FOUNDATION,
            organisation="Une tout autre organisation",
            language="en",
            date_joined=timezone.now() - timezone.timedelta(days=900),
        )
        assert permissions.participant_profile(one) == permissions.participant_profile(
            other
        )
        for consultation in consultations:
            for rule in (
                permissions.consultation_vote_refusal,
                permissions.submission_refusal,
            ):
                assert rule(one, consultation) == rule(other, consultation)
        for rule in (permissions.vote_refusal, permissions.argument_refusal):
            assert rule(one, published) == rule(other, published)
        assert permissions.follow_refusal(one) == permissions.follow_refusal(other)
    profiles = {
        permissions.participant_profile(account(**facts)) for facts in variations
    }
    # An identified organisation and a verified one share a profile (both vote).
    assert len(profiles) == len(variations) - 1


def test_the_follow_slot_reads_what_following_a_proposal_means(every_state):
    """The slot's one query agrees with `follows_proposal` for every way of following:
    chosen, own (author, cosigner), voted, each as the account asks, and unfollowed."""
    from consultation.shared_pages import read_facts

    popular, elsewhere = every_state["popular"], every_state["elsewhere"]
    keys = [popular.pk, elsewhere.pk, every_state["published"].pk]
    quiet_voter = _participant(preferences__follows_voted=False)
    services.vote_cast(proposal=popular, voter=quiet_voter, choice=Choice.AGREE)
    unfollowed = _participant()
    services.vote_cast(proposal=popular, voter=unfollowed, choice=Choice.AGREE)
    services.proposal_follow(user=unfollowed, proposal=popular, following=False)
    people = [
        every_state.author,  # author of popular
        every_state.cosigner,  # its accepted cosigner
        _participant(preferences__follows_own=False),
        quiet_voter,
        unfollowed,
        _participant(),
    ]
    seen = set()
    for person in people:
        facts, _involved = read_facts(person, {"follow-proposal": keys})
        for proposal in (popular, elsewhere, every_state["published"]):
            expected = services.follows_proposal(person, proposal)
            assert facts["follow-proposal", proposal.pk] == expected, (person, proposal)
            seen.add(expected)
    assert seen == {True, False}


def test_a_shared_copy_ends_when_the_consultation_changes_phase_by_date(readers):
    """A copy showing the form to propose is not served once contributions close."""
    import time

    from django.utils import timezone

    world, first, second, _unconfirmed = readers
    consultation = world.consultation
    consultation.contributions_close_at = timezone.now() + timezone.timedelta(seconds=1)
    consultation.save()
    assert consultation.next_change() == consultation.contributions_close_at
    url = world["popular"].question.trajectory.get_absolute_url()
    reader, other = _client(first), _client(second)
    other.cookies["ordre"] = reader.get(url).cookies["ordre"].value
    served = other.get(url)
    assert served["X-Page-Cache"] == "shared"
    assert 'name="text"' in served.content.decode()
    time.sleep(1.1)
    response = other.get(url)
    assert response.get("X-Page-Cache") is None  # rendered anew, not the old copy
    assert 'name="text"' not in response.content.decode()


def test_a_decision_shows_at_once_on_a_copy_served_before(
    readers, django_capture_on_commit_callbacks
):
    """The copy's content versions are read with it (from the scopes it showed when
    this process served it last): a decision on one of its proposals, and no one sees
    the copy from before."""
    world, first, second, _unconfirmed = readers
    elsewhere = world["elsewhere"]
    url = elsewhere.question.trajectory.get_absolute_url()
    reader, other = _client(first), _client(second)
    reader.get(url)
    other.cookies["ordre"] = reader.cookies["ordre"].value
    for client in (reader, other, reader):
        assert client.get(url)["X-Page-Cache"] == "shared"
    assert f'id="proposal-{elsewhere.pk}"' in reader.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(
            proposal=elsewhere, moderator=world.moderator, reason="Hors sujet."
        )
    for client in (other, reader):
        response = client.get(url)
        assert f'id="proposal-{elsewhere.pk}"' not in response.content.decode()


def test_a_page_that_lists_no_proposals_is_kept_once_for_every_order(readers):
    from benchmarks.management.commands.bench import _order_cookies

    world, first, second, _unconfirmed = readers
    url = reverse("consultation_results", args=[world.consultation.slug])
    reader, other = _client(first), _client(second)
    orders = _order_cookies()
    for client, order in ((reader, orders[0]), (other, orders[1])):
        name, value = order.split("=", 1)
        client.cookies[name] = value
    assert reader.get(url).get("X-Page-Cache") is None  # rendered
    assert other.get(url)["X-Page-Cache"] == "shared"


def test_a_list_in_an_order_of_votes_is_kept_once_for_every_order(readers):
    """Best ranked and most debated follow the votes, not the reader's order: one
    copy for all of them, anonymous and shared."""
    from benchmarks.management.commands.bench import _order_cookies

    world, first, second, _unconfirmed = readers
    orders = _order_cookies()
    trajectory = world["popular"].question.trajectory.get_absolute_url()
    for sort in ("best", "debated"):
        url = f"{trajectory}?sort={sort}"
        anonymous = [Client(), Client()]
        people = [_client(first), _client(second)]
        for clients in (anonymous, people):
            for client, order in zip(clients, orders[:2], strict=True):
                name, value = order.split("=", 1)
                client.cookies[name] = value
        assert anonymous[0].get(url).get("X-Page-Cache") is None  # rendered
        assert anonymous[1].get(url)["X-Page-Cache"] == "hit"
        assert people[0].get(url).get("X-Page-Cache") is None
        assert people[1].get(url)["X-Page-Cache"] == "shared"
    # The random order stays each reader's own.
    reader, other = Client(), Client()
    for client, order in zip((reader, other), orders[:2], strict=True):
        name, value = order.split("=", 1)
        client.cookies[name] = value
    reader.get(trajectory)
    assert other.get(trajectory).get("X-Page-Cache") is None


def _without_tokens(content):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


@pytest.mark.parametrize("order", ["", "?sort=best", "?sort=debated"])
def test_who_voted_on_a_list_gets_the_copy_with_the_counts_written_in(
    readers, django_assert_max_num_queries, order
):
    """Their vote moved a count the copy shows: the count is written into the copy
    (kept so for everyone), not the page rendered for them. In an order of votes the
    order stays the copy's, which follows the votes at its freshness."""
    world, first, second, _unconfirmed = readers
    url = world["popular"].question.trajectory.get_absolute_url() + order
    reader, voter = _client(first), _client(second)
    first_read = reader.get(url)
    if "ordre" in first_read.cookies:  # the random order: the reader's, the same
        voter.cookies["ordre"] = first_read.cookies["ordre"].value
    shown = _pressed(_read(reader.get(url)))
    proposal = next(pk for pk, choice in shown.items() if choice is None)
    voter.post(reverse("vote", args=[proposal]), {"choice": Choice.AGREE})
    with django_assert_max_num_queries(6):  # their session, facts, the counts
        response = voter.get(url)
    assert response["X-Page-Cache"] == "shared"
    assert _pressed(_read(response))[proposal] == Choice.AGREE
    assert reader.get(url)["X-Page-Cache"] == "shared"
    cache.clear()
    rendered = voter.get(url)
    assert _counts(_read(response), proposal) == _counts(_read(rendered), proposal)
    if not order:  # votes do not move this order: the very page a render gives
        assert _without_tokens(response.content) == _without_tokens(rendered.content)


def test_a_page_for_one_person_is_not_looked_for_among_the_copies_again(readers):
    """« Mon espace » is the person's alone: once this process has rendered it so, the
    next request goes straight to the view, and still shows the person's own page."""
    from consultation import shared_pages

    _world, first, second, _unconfirmed = readers
    url = reverse("my_space")
    shared_pages._rendered_alone.clear()
    _client(first).get(url)
    assert [key for key in shared_pages._rendered_alone if key.endswith(url)]
    for person, other in ((first, second), (second, first)):
        response = _client(person).get(url)
        # Rendered, or their own kept page (`kept_for_its_owner`): never a copy.
        assert response.get("X-Page-Cache") in (None, "own")
        names = re.findall(r"Coopérative n°\d+", response.content.decode())
        assert person.organisation in names and other.organisation not in names
    trajectory = _world["popular"].question.trajectory.get_absolute_url()
    _client(first).get(trajectory)
    assert not [k for k in shared_pages._rendered_alone if k.endswith(trajectory)]


def test_the_vote_buttons_are_rendered_once_a_page_whatever_its_cards(readers):
    """They are the same on every card (the proposal is named outside them): a page
    of many cards renders them once for each value a vote may take."""
    world, first, _second, _unconfirmed = readers
    url = world["popular"].question.trajectory.get_absolute_url()
    response = _client(first).get(url)
    cards = len(_pressed(_read(response)))
    assert cards >= 3
    rendered = [
        template.name
        for template in response.templates
        if template.name == "proposals/includes/vote_choice.html"
    ]
    assert len(rendered) == len(Choice.values) + 1  # and no vote


def test_a_participants_search_is_shared_once_asked_twice(readers):
    world, first, second, _unconfirmed = readers
    url = world["popular"].question.trajectory.get_absolute_url() + "?q=proposition"
    reader, other = _client(first), _client(second)
    first_read = reader.get(url)
    other.cookies["ordre"] = reader.cookies["ordre"].value
    assert first_read.status_code == 200 and "X-Page-Cache" not in first_read
    assert "X-Page-Cache" not in other.get(url)  # asked twice: kept from now on
    served = reader.get(url)
    assert served["X-Page-Cache"] == "shared"
    assert _pressed(_read(served)) == _pressed(_read(first_read)) != {}


def test_a_copy_kept_as_text_is_filled_like_one_kept_as_bytes(rf):
    """Copies are kept encoded (served without encoding the page again); one kept as
    text by an earlier version of the site is still served, the same."""
    from consultation.shared_pages import CSRF_PLACEHOLDER, fill

    request = rf.get("/")
    slot = ("vote", 7)
    known = {slot: "agree"}
    as_bytes = {
        "pieces": [b"<p>", slot, f"<input value='{CSRF_PLACEHOLDER}'>".encode()],
        "variants": {slot: {"agree": "D’accord".encode()}},
    }
    as_text = {
        "pieces": ["<p>", slot, f"<input value='{CSRF_PLACEHOLDER}'>"],
        "variants": {slot: {"agree": "D’accord"}},
    }
    for entry in (as_bytes, as_text):
        filled = fill(entry, request, known)
        # The page, the fact in its slot, a token (masked anew at each request).
        assert re.fullmatch(rb"<p>D\xe2\x80\x99accord<input value='\w{64}'>", filled)


def test_who_voted_elsewhere_is_served_the_copy_filled_with_their_facts(readers):
    """Their vote moved no count the page shows: the copy, not a render for them."""
    world, first, second, _unconfirmed = readers
    popular, elsewhere = world["popular"], world["elsewhere"]
    url = popular.question.trajectory.get_absolute_url()
    voter = _client(first)
    voter.get(url)
    assert voter.get(url)["X-Page-Cache"].startswith("shared")
    voter.post(reverse("vote", args=[elsewhere.pk]), {"choice": "agree", "next": url})
    assert elsewhere.question.trajectory_id != popular.question.trajectory_id
    response = voter.get(url)
    assert response["X-Page-Cache"] == "shared"
    assert _pressed(_read(response))[popular.pk] == Choice.AGREE
