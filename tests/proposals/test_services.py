import pytest

from consultation.models import Phase
from proposals import services
from proposals.models import Choice, ModerationEvent, Proposal, Status, Vote
from tests.factories import ProposalFactory, UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db


def counters(proposal):
    proposal.refresh_from_db()
    return (proposal.agree_count, proposal.mixed_count, proposal.disagree_count)


def test_vote_cast_creates_a_vote_and_moves_its_counter(
    published_proposal, participant
):
    assert counters(published_proposal) == (0, 0, 0)
    vote = services.vote_cast(
        proposal=published_proposal, voter=participant, choice=Choice.AGREE
    )
    assert vote.choice == Choice.AGREE
    assert counters(published_proposal) == (1, 0, 0)


def test_vote_cast_changes_a_vote_without_counting_it_twice(
    published_proposal, participant
):
    services.vote_cast(
        proposal=published_proposal, voter=participant, choice=Choice.AGREE
    )
    services.vote_cast(
        proposal=published_proposal, voter=participant, choice=Choice.MIXED
    )
    assert counters(published_proposal) == (0, 1, 0)
    assert Vote.objects.get().choice == Choice.MIXED


def test_vote_cast_with_the_same_choice_twice_changes_nothing(
    published_proposal, participant
):
    for _ in range(2):
        services.vote_cast(
            proposal=published_proposal, voter=participant, choice=Choice.DISAGREE
        )
    assert counters(published_proposal) == (0, 0, 1)
    assert Vote.objects.count() == 1


def test_vote_cast_with_no_choice_removes_the_vote(published_proposal, participant):
    services.vote_cast(
        proposal=published_proposal, voter=participant, choice=Choice.AGREE
    )
    assert (
        services.vote_cast(proposal=published_proposal, voter=participant, choice=None)
        is None
    )
    assert counters(published_proposal) == (0, 0, 0)
    assert not Vote.objects.exists()


def test_counters_equal_the_votes_after_many_voters(published_proposal):
    choices = [Choice.AGREE] * 5 + [Choice.MIXED] * 3 + [Choice.DISAGREE] * 2
    for choice in choices:
        services.vote_cast(
            proposal=published_proposal, voter=UserFactory(), choice=choice
        )
    assert counters(published_proposal) == (5, 3, 2)


@pytest.mark.parametrize(
    ("status", "refusal"),
    [
        (Status.PENDING, "vote.not_published"),
        (Status.REJECTED, "vote.not_published"),
        (Status.WITHDRAWN, "vote.withdrawn"),
    ],
)
def test_vote_cast_refuses_a_proposal_that_is_not_published(
    question, participant, status, refusal
):
    proposal = ProposalFactory(
        question=question, status=status, moderation_reason="motif"
    )
    with refused(refusal):
        services.vote_cast(proposal=proposal, voter=participant, choice=Choice.AGREE)
    assert counters(proposal) == (0, 0, 0)


@pytest.mark.parametrize(
    ("phase", "allowed"),
    [
        (Phase.PREPARATION, False),
        (Phase.CONTRIBUTIONS, True),
        (Phase.VOTES, True),
        (Phase.CLOSED, False),
    ],
)
def test_vote_cast_follows_the_consultation_phase(
    published_proposal, participant, phase, allowed
):
    consultation = published_proposal.question.trajectory.consultation
    consultation.phase = phase
    consultation.save()
    if allowed:
        services.vote_cast(
            proposal=published_proposal, voter=participant, choice=Choice.AGREE
        )
        assert counters(published_proposal) == (1, 0, 0)
    else:
        with refused("vote.phase"):
            services.vote_cast(
                proposal=published_proposal, voter=participant, choice=Choice.AGREE
            )
        assert counters(published_proposal) == (0, 0, 0)


def test_vote_cast_refuses_an_account_without_organisation(
    published_proposal, moderator
):
    with refused("account.no_organisation"):
        services.vote_cast(
            proposal=published_proposal, voter=moderator, choice=Choice.AGREE
        )


def test_proposal_publish_publishes_and_records_the_decision(
    pending_proposal, moderator
):
    services.proposal_publish(proposal=pending_proposal, moderator=moderator)
    pending_proposal.refresh_from_db()
    assert pending_proposal.status == Status.PUBLISHED
    assert pending_proposal.published_at is not None
    event = ModerationEvent.objects.get()
    assert (event.actor, event.action, event.previous_status) == (
        moderator,
        "published",
        Status.PENDING,
    )


def test_proposal_reject_requires_a_reason(pending_proposal, moderator):
    with refused("reject.no_reason"):
        services.proposal_reject(
            proposal=pending_proposal, moderator=moderator, reason="  "
        )
    pending_proposal.refresh_from_db()
    assert pending_proposal.status == Status.PENDING
    assert not ModerationEvent.objects.exists()


def test_proposal_reject_keeps_the_reason_for_the_author(pending_proposal, moderator):
    services.proposal_reject(
        proposal=pending_proposal, moderator=moderator, reason="Hors sujet"
    )
    pending_proposal.refresh_from_db()
    assert (pending_proposal.status, pending_proposal.moderation_reason) == (
        Status.REJECTED,
        "Hors sujet",
    )
    assert ModerationEvent.objects.get().reason == "Hors sujet"


def test_a_participant_cannot_moderate(pending_proposal, participant):
    with refused("moderation.forbidden"):
        services.proposal_publish(proposal=pending_proposal, moderator=participant)
    assert Proposal.objects.get().status == Status.PENDING


def test_a_withdrawn_proposal_cannot_be_published(question, moderator):
    proposal = ProposalFactory(question=question, status=Status.WITHDRAWN)
    with refused("publish.status"):
        services.proposal_publish(proposal=proposal, moderator=moderator)


def test_an_author_withdraws_their_own_proposal(pending_proposal):
    services.proposal_withdraw(
        proposal=pending_proposal, author=pending_proposal.author
    )
    pending_proposal.refresh_from_db()
    assert pending_proposal.status == Status.WITHDRAWN


def test_nobody_else_withdraws_a_proposal(pending_proposal, participant):
    with refused("withdraw.not_author"):
        services.proposal_withdraw(proposal=pending_proposal, author=participant)
    assert Proposal.objects.get().status == Status.PENDING


def test_tallies_follow_every_change_of_vote(published_proposal):
    from proposals.models import VoteTally
    from proposals.selectors import vote_tally_drift

    brittany = UserFactory(region_id="53", organisation_type="mutual")
    occitanie = UserFactory(region_id="76", organisation_type="mutual")
    services.vote_cast(proposal=published_proposal, voter=brittany, choice=Choice.AGREE)
    services.vote_cast(
        proposal=published_proposal, voter=occitanie, choice=Choice.AGREE
    )
    services.vote_cast(
        proposal=published_proposal, voter=brittany, choice=Choice.DISAGREE
    )
    services.vote_cast(proposal=published_proposal, voter=occitanie, choice=None)
    tallies = {
        (t.dimension, t.key): (t.agree_count, t.mixed_count, t.disagree_count)
        for t in VoteTally.objects.filter(proposal=published_proposal)
    }
    assert tallies == {  # Occitanie's row went with its only vote
        ("region", "53"): (0, 0, 1),
        ("organisation_type", "mutual"): (0, 0, 1),
    }
    assert vote_tally_drift() == set()


def test_a_first_vote_or_proposal_counts_the_account_as_participant_once(
    published_proposal, question
):
    from proposals.models import Participation

    voter = UserFactory()
    services.vote_cast(proposal=published_proposal, voter=voter, choice=Choice.AGREE)
    services.vote_cast(proposal=published_proposal, voter=voter, choice=Choice.MIXED)
    services.proposal_submit(
        author=voter, question=question, text="Une proposition de plus ici"
    )
    assert Participation.objects.filter(user=voter).count() == 1
