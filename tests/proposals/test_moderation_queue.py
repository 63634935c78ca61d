"""
The moderation queue at a few hundred pending proposals: the whole text and the question
in the list, the queue's size and age on the admin's home, « … et passer à la suivante »
on a proposal's page, rejection reasons picked from a list kept in the admin.
"""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from proposals.models import Proposal, RejectionReason, Status
from tests.factories import GuidingQuestionFactory, ProposalFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:proposals_proposal_changelist")


def change_url(proposal):
    return reverse("admin:proposals_proposal_change", args=[proposal.pk])


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def pending_queue(question, count):
    """`count` pending proposals submitted an hour apart, the oldest first."""
    proposals = ProposalFactory.create_batch(
        count, question=question, status=Status.PENDING
    )
    start = timezone.now() - timedelta(hours=count)
    for hours, proposal in enumerate(proposals):
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=start + timedelta(hours=hours)
        )
    return proposals


def test_the_list_shows_each_whole_text_and_its_question(
    moderator_client, django_assert_max_num_queries
):
    question = GuidingQuestionFactory(text="Comment renforcer l'accompagnement ?")
    long_text = "Créer un fonds régional de garantie " + "mutualisé " * 60 + "FIN."
    ProposalFactory(question=question, status=Status.PENDING, text=long_text)
    with django_assert_max_num_queries(14) as few:
        page = moderator_client.get(CHANGELIST).content.decode()
    assert long_text.strip() in page  # not cut at 80 characters
    assert "Comment renforcer l&#x27;accompagnement ?" in page
    pending_queue(question, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        moderator_client.get(CHANGELIST)


def test_the_admin_home_says_how_many_wait_and_for_how_long(moderator_client, question):
    proposals = pending_queue(question, 3)
    Proposal.objects.filter(pk=proposals[0].pk).update(
        created_at=timezone.now() - timedelta(days=2, hours=3)
    )
    page = moderator_client.get(reverse("admin:index")).content.decode()
    assert "3 propositions en attente" in page
    assert "la plus ancienne attend depuis 2\xa0jours" in page
    assert change_url(proposals[0]) in page
    Proposal.objects.update(status=Status.PUBLISHED)
    page = moderator_client.get(reverse("admin:index")).content.decode()
    assert "Aucune proposition en attente." in page


def test_a_moderator_walks_20_pending_proposals_with_the_next_buttons(
    moderator_client, question
):
    queue = pending_queue(question, 20)
    duplicate = RejectionReason.objects.get(label="Doublon")
    current = moderator_client.get(reverse("admin:index"))
    url = change_url(queue[0])
    assert url in current.content.decode()
    for position, proposal in enumerate(queue):
        page = moderator_client.get(url)
        html = page.content.decode()
        assert proposal.text in html
        assert "Publier et passer à la suivante" in html
        assert "Refuser et passer à la suivante" in html
        if position % 2 == 0:
            response = moderator_client.post(
                reverse("admin:proposals_proposal_publish", args=[proposal.pk]),
                {"next": "1"},
            )
        else:
            reject = reverse("admin:proposals_proposal_reject", args=[proposal.pk])
            form = moderator_client.get(f"{reject}?next=1").content.decode()
            assert "Doublon" in form and "Hors sujet" in form
            response = moderator_client.post(
                reject, {"preset": duplicate.pk, "reason": "", "next": "1"}
            )
        assert response.status_code == 302
        url = response.url
        if position < 19:
            assert url == change_url(queue[position + 1])
    assert url == CHANGELIST
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Plus aucune proposition en attente." in messages
    statuses = list(
        Proposal.objects.order_by("created_at").values_list(
            "status", "moderation_reason"
        )
    )
    assert statuses[0::2] == [(Status.PUBLISHED, "")] * 10
    assert statuses[1::2] == [(Status.REJECTED, duplicate.text)] * 10


def test_the_next_proposal_after_the_last_is_the_oldest_left(
    moderator_client, question
):
    first, second, third = pending_queue(question, 3)
    response = moderator_client.post(
        reverse("admin:proposals_proposal_publish", args=[third.pk]), {"next": "1"}
    )
    assert response.url == change_url(first)  # the skipped ones come back
    response = moderator_client.post(
        reverse("admin:proposals_proposal_publish", args=[first.pk])
    )
    assert response.url == change_url(first)  # « Publier » alone stays on the page


def test_a_rejection_takes_a_listed_reason_free_text_or_both(
    moderator_client, question
):
    proposal, other = pending_queue(question, 2)
    reject = reverse("admin:proposals_proposal_reject", args=[proposal.pk])
    off_topic = RejectionReason.objects.get(label="Hors sujet")
    retired = RejectionReason.objects.create(
        label="Motif retiré", text="Ne plus proposer.", is_active=False
    )
    form = moderator_client.get(reject).content.decode()
    assert "Hors sujet" in form and "Motif retiré" not in form
    empty = moderator_client.post(reject, {"reason": "  "})
    assert "Un refus doit être motivé : choisissez un motif ou écrivez-le." in (
        empty.content.decode().replace("&#x27;", "'")
    )
    assert (
        moderator_client.post(reject, {"preset": retired.pk, "reason": ""}).status_code
        == 200
    )
    moderator_client.post(
        reject, {"preset": off_topic.pk, "reason": "Elle irait sous la question 2."}
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED
    assert (
        proposal.moderation_reason
        == f"{off_topic.text}\n\nElle irait sous la question 2."
    )
    reject_other = reverse("admin:proposals_proposal_reject", args=[other.pk])
    moderator_client.post(reject_other, {"reason": "Un motif écrit."})
    other.refresh_from_db()
    assert other.moderation_reason == "Un motif écrit."


def test_moderators_keep_the_list_of_reasons_in_the_admin(moderator_client, question):
    add = reverse("admin:proposals_rejectionreason_add")
    response = moderator_client.post(
        add,
        {
            "label": "Question fermée",
            "text": "Cette question ne reçoit plus de propositions.",
            "position": 9,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    (proposal,) = pending_queue(question, 1)
    form = moderator_client.get(
        reverse("admin:proposals_proposal_reject", args=[proposal.pk])
    ).content.decode()
    assert "Question fermée" in form
