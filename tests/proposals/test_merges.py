"""Merging a duplicate proposal into another: votes, counters, address, record, mails."""

import csv
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from proposals import services
from proposals.models import (
    Argument,
    ModerationAction,
    ModerationEvent,
    Notification,
    NotificationKind,
    Participation,
    Proposal,
    Status,
    Vote,
    VoteTally,
)
from proposals.selectors import proposal_counter_drift, vote_tally_drift
from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    UserFactory,
)
from tests.refusals import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(question):
    kept = ProposalFactory(question=question, text="Créer un fonds régional de l'ESS.")
    merged = ProposalFactory(
        question=question, text="Créer un fonds de l'ESS dans chaque région."
    )
    return merged, kept


def vote(proposal, voter, choice):
    services.vote_cast(proposal=proposal, voter=voter, choice=choice)


def counts(proposal):
    proposal.refresh_from_db()
    return (proposal.agree_count, proposal.mixed_count, proposal.disagree_count)


def test_the_votes_move_and_a_voter_on_both_keeps_the_vote_on_the_one_kept(
    pair, moderator
):
    merged, kept = pair
    both, only_merged, only_kept = UserFactory.create_batch(3)
    vote(kept, both, "disagree")
    vote(merged, both, "agree")
    vote(merged, only_merged, "mixed")
    vote(kept, only_kept, "agree")
    event = services.proposal_merge(proposal=merged, into=kept, moderator=moderator)
    assert counts(kept) == (1, 1, 1)
    assert kept.vote_count == 3
    assert Vote.objects.get(proposal=kept, voter=both).choice == "disagree"
    assert Vote.objects.get(proposal=kept, voter=only_merged).choice == "mixed"
    assert counts(merged) == (0, 0, 0)
    assert merged.status == Status.MERGED
    assert merged.merged_into == kept
    assert merged.merged_vote_count == 2
    assert not Vote.objects.filter(proposal=merged).exists()
    assert not VoteTally.objects.filter(proposal=merged).exists()
    assert not proposal_counter_drift().exists()
    assert not vote_tally_drift()
    # Recorded, with what it takes to undo it by hand.
    assert event.action == ModerationAction.MERGED
    assert event.merged_into == kept
    assert event.previous_status == Status.PUBLISHED
    assert event.actor == moderator
    assert event.details["dropped_votes"][0]["voter_id"] == both.pk
    assert event.details["dropped_votes"][0]["choice"] == "agree"
    assert len(event.details["moved_votes"]) == 1
    assert event.details["counts_before"][str(merged.pk)] == [1, 1, 0]


def test_participations_stay_counted_once(pair, moderator):
    merged, kept = pair
    voter = UserFactory()
    vote(merged, voter, "agree")
    consultation = kept.question.trajectory.consultation
    before = Participation.objects.filter(consultation=consultation).count()
    services.proposal_merge(proposal=merged, into=kept, moderator=moderator)
    assert Participation.objects.filter(consultation=consultation).count() == before
    assert Participation.objects.filter(consultation=consultation, user=voter).exists()


def test_a_moved_voter_missing_from_the_participations_is_counted_again(
    pair, moderator
):
    merged, kept = pair
    voter = UserFactory()
    vote(merged, voter, "agree")
    consultation = kept.question.trajectory.consultation
    Participation.objects.filter(user=voter).delete()  # as before they were kept
    services.proposal_merge(proposal=merged, into=kept, moderator=moderator)
    participation = Participation.objects.get(consultation=consultation, user=voter)
    assert participation.region_id == voter.region_id


def test_arguments_move_unless_their_author_has_one_on_the_proposal_kept(
    pair, moderator
):
    merged, kept = pair
    twice, once = UserFactory.create_batch(2)
    services.argument_add(
        proposal=kept, author=twice, side="for", text="Un argument déjà là, pour."
    )
    services.argument_add(
        proposal=merged, author=twice, side="against", text="Le même auteur, contre."
    )
    services.argument_add(
        proposal=merged, author=once, side="against", text="Un argument qui passe."
    )
    services.proposal_merge(proposal=merged, into=kept, moderator=moderator)
    kept.refresh_from_db()
    assert (kept.argument_for_count, kept.argument_against_count) == (1, 1)
    assert Argument.objects.get(author=once).proposal == kept
    assert Argument.objects.get(author=twice, side="against").proposal == merged


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("itself", "merge.itself"),
        ("into_pending", "merge.into_unpublished"),
        ("merged_rejected", "merge.not_live"),
        ("other_consultation", "merge.other_consultation"),
        ("not_staff", "moderation.forbidden"),
    ],
)
def test_a_merge_that_breaks_a_rule_is_refused_and_changes_nothing(
    case, code, pair, moderator, question
):
    merged, kept = pair
    actor = moderator
    if case == "itself":
        kept = merged
    elif case == "into_pending":
        Proposal.objects.filter(pk=kept.pk).update(status=Status.PENDING)
    elif case == "merged_rejected":
        Proposal.objects.filter(pk=merged.pk).update(
            status=Status.REJECTED, moderation_reason="Hors sujet."
        )
    elif case == "other_consultation":
        kept = ProposalFactory(
            question=GuidingQuestionFactory(
                trajectory__theme__consultation=ConsultationFactory(slug="autre")
            )
        )
    else:
        actor = UserFactory()
    voter = UserFactory()
    vote(kept if case != "into_pending" else merged, voter, "agree")
    with refused(code):
        services.proposal_merge(proposal=merged, into=kept, moderator=actor)
    merged.refresh_from_db()
    assert merged.status != Status.MERGED
    assert not ModerationEvent.objects.filter(action="merged").exists()
    assert not Notification.objects.exists()


def test_the_merged_address_leads_to_the_one_kept_which_says_so(
    client, pair, moderator
):
    merged, kept = pair
    services.proposal_merge(proposal=merged, into=kept, moderator=moderator)
    response = client.get(merged.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == kept.get_absolute_url() + "#fusions"
    page = client.get(kept.get_absolute_url()).content.decode()
    assert 'id="fusions"' in page
    assert merged.text.replace("'", "&#x27;") in page


def test_the_sitemap_lists_the_one_kept_not_the_merged_address(client, pair, moderator):
    merged, kept = pair
    services.vote_cast(proposal=merged, voter=UserFactory(), choice="agree")
    services.proposal_merge(proposal=merged, into=kept, moderator=moderator)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"{kept.get_absolute_url()}<" in sitemap
    assert f"{merged.get_absolute_url()}<" not in sitemap


def test_a_merged_proposal_that_had_votes_stays_in_open_data_with_its_status(
    client, pair, moderator
):
    merged, kept = pair
    vote(merged, UserFactory(), "agree")
    quiet = ProposalFactory(question=kept.question, text="Une autre sans aucun vote.")
    services.proposal_merge(proposal=quiet, into=kept, moderator=moderator)
    services.proposal_merge(proposal=merged, into=kept, moderator=moderator)
    document = client.get(reverse("open_data_json")).json()
    exported = {
        proposal["id"]: proposal
        for proposal in document["themes"][0]["trajectories"][0]["questions"][0][
            "proposals"
        ]
    }
    assert exported[merged.pk]["status"] == "merged"
    assert exported[merged.pk]["merged_into"] == kept.pk
    assert exported[kept.pk]["merged_into"] is None
    assert exported[kept.pk]["votes"]["agree"] == 1
    assert quiet.pk not in exported  # merged without a vote: never on record
    rows = {
        int(row["id"]): row
        for row in csv.DictReader(
            io.StringIO(client.get(reverse("open_data_csv")).content.decode())
        )
    }
    assert rows[merged.pk]["status"] == "merged"
    assert rows[merged.pk]["merged_into"] == str(kept.pk)


def test_authors_and_voters_are_told_once(pair, moderator):
    merged, kept = pair
    merged.author.email = "fusionnee@exemple.fr"
    merged.author.save()
    kept.author.email = "gardee@exemple.fr"
    kept.author.save()
    voter = UserFactory(email="votante@exemple.fr")
    silent = UserFactory(email="discrete@exemple.fr", preferences__follows_voted=False)
    vote(merged, voter, "agree")
    vote(merged, silent, "agree")
    services.proposal_merge(proposal=merged, into=kept, moderator=moderator)
    call_command("send_notifications", stdout=io.StringIO())
    call_command("send_notifications", stdout=io.StringIO())
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == [
        "fusionnee@exemple.fr",
        "gardee@exemple.fr",
        "votante@exemple.fr",
    ]
    told = {message.to[0]: message.body for message in mail.outbox}
    assert f"n° {merged.pk}" in told["votante@exemple.fr"]
    assert kept.get_absolute_url() in told["votante@exemple.fr"]
    assert Notification.objects.get(user=voter).kind == (
        NotificationKind.FOLLOWED_MERGED
    )


def test_a_moderator_merges_from_the_similar_proposals_in_the_admin(
    client, pair, moderator
):
    merged, kept = pair
    client.force_login(moderator)
    change = client.get(reverse("admin:proposals_proposal_change", args=[merged.pk]))
    merge_url = reverse("admin:proposals_proposal_merge", args=[merged.pk, kept.pk])
    assert merge_url in change.content.decode()  # suggested, with its link
    confirm = client.get(merge_url)
    assert confirm.status_code == 200
    assert Proposal.objects.get(pk=merged.pk).status == Status.PUBLISHED  # GET asks
    response = client.post(merge_url, {"reason": "Doublon évident."})
    assert response.status_code == 302
    event = ModerationEvent.objects.get(action="merged")
    assert (event.proposal, event.merged_into) == (merged, kept)
    assert event.reason == "Doublon évident."
