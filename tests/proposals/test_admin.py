"""Moderation and curation in the admin, as a moderator (not a superuser) uses it."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import ModerationEvent, Proposal, Status
from tests.factories import (
    ProposalFactory,
    ThemeFactory,
    TrajectoryFactory,
    UserFactory,
)
from trajectories.models import Theme, Trajectory

pytestmark = pytest.mark.django_db

SEED = (
    Path(__file__).resolve().parents[2] / "proposals" / "seeds" / "atelier-regional.txt"
)
CHANGELIST = reverse("admin:proposals_proposal_changelist")
IMPORT = reverse("admin:proposals_proposal_import_workshop")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def test_the_moderators_group_has_exactly_the_moderation_permissions():
    group = Group.objects.get(name="Modérateurs")
    perms = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert perms == {
        ("consultation", "view_consultation"),
        ("consultation", "change_consultation"),
        ("consultation", "view_region"),
        ("consultation", "view_sitepage"),
        ("consultation", "change_sitepage"),
        ("consultation", "view_organisation"),
        ("consultation", "change_organisation"),
        *{
            ("trajectories", f"{verb}_{model}")
            for verb in ("view", "add", "change", "delete")
            for model in ("theme", "trajectory", "guidingquestion")
        },
        ("proposals", "view_proposal"),
        ("proposals", "change_proposal"),
        ("proposals", "import_workshop"),
        ("proposals", "view_vote"),
        ("proposals", "view_moderationevent"),
        ("proposals", "view_workshop"),
        ("proposals", "add_workshop"),
        ("proposals", "change_workshop"),
        *{
            ("proposals", f"{verb}_rejectionreason")
            for verb in ("view", "add", "change", "delete")
        },
        ("proposals", "view_argument"),
        ("proposals", "change_argument"),
        ("proposals", "view_argumentreport"),
    }


def test_the_proposals_admin_lands_on_the_pending_queue(moderator_client, question):
    pending = ProposalFactory(
        question=question, status=Status.PENDING, text="En attente"
    )
    ProposalFactory(question=question, status=Status.PUBLISHED, text="Déjà publiée")
    response = moderator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [pending]
    response = moderator_client.get(CHANGELIST, {"status": "all"})
    assert response.context["cl"].queryset.count() == 2


def test_the_proposals_admin_filters_and_searches(moderator_client, question):
    ProposalFactory(question=question, text="Développer la finance solidaire")
    ProposalFactory(question=question, text="Autre chose", region_id="53")
    response = moderator_client.get(
        CHANGELIST, {"status": "published", "q": "finance", "region__code__exact": "76"}
    )
    assert [p.text for p in response.context["cl"].queryset] == [
        "Développer la finance solidaire"
    ]
    response = moderator_client.get(
        CHANGELIST, {"status": "all", "trajectory": question.trajectory_id}
    )
    assert response.context["cl"].queryset.count() == 2


def test_the_proposals_changelist_query_count_does_not_grow(
    moderator_client, question, django_assert_max_num_queries
):
    ProposalFactory.create_batch(3, question=question, status=Status.PENDING)
    with django_assert_max_num_queries(20) as few:
        moderator_client.get(CHANGELIST)
    ProposalFactory.create_batch(60, question=question, status=Status.PENDING)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = moderator_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 63


def test_a_moderator_publishes_the_selected_proposals(moderator_client, question):
    proposals = ProposalFactory.create_batch(
        2, question=question, status=Status.PENDING
    )
    response = moderator_client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [p.pk for p in proposals]},
        follow=True,
    )
    assert "2 propositions publiées." in response.content.decode()
    assert set(Proposal.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert ModerationEvent.objects.filter(action="published").count() == 2


def test_bulk_rejection_asks_for_a_reason_first(moderator_client, question):
    proposals = ProposalFactory.create_batch(
        2, question=question, status=Status.PENDING
    )
    selected = [p.pk for p in proposals]
    response = moderator_client.post(
        CHANGELIST, {"action": "reject_selected", "_selected_action": selected}
    )
    assert response.status_code == 200
    assert "admin/proposals/proposal/action_form.html" in [
        t.name for t in response.templates
    ]
    assert set(Proposal.objects.values_list("status", flat=True)) == {Status.PENDING}

    response = moderator_client.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": selected, "reason": "   "},
    )
    assert "Un refus doit être motivé : choisissez un motif ou écrivez-le." in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert set(Proposal.objects.values_list("status", flat=True)) == {Status.PENDING}

    response = moderator_client.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "_selected_action": selected,
            "reason": "Hors sujet",
        },
        follow=True,
    )
    assert "2 propositions refusées." in response.content.decode()
    assert set(Proposal.objects.values_list("status", "moderation_reason")) == {
        (Status.REJECTED, "Hors sujet")
    }


def test_a_moderator_publishes_and_rejects_from_the_proposal_page(
    moderator_client, pending_proposal
):
    change_url = reverse("admin:proposals_proposal_change", args=[pending_proposal.pk])
    page = moderator_client.get(change_url).content.decode()
    assert (
        reverse("admin:proposals_proposal_publish", args=[pending_proposal.pk]) in page
    )

    publish = reverse("admin:proposals_proposal_publish", args=[pending_proposal.pk])
    assert moderator_client.get(publish).status_code == 403  # POST only
    assert moderator_client.post(publish).url == change_url
    pending_proposal.refresh_from_db()
    assert pending_proposal.status == Status.PUBLISHED

    reject = reverse("admin:proposals_proposal_reject", args=[pending_proposal.pk])
    assert moderator_client.get(reject).status_code == 200
    assert moderator_client.post(reject, {"reason": "Doublon"}).url == change_url
    pending_proposal.refresh_from_db()
    assert (pending_proposal.status, pending_proposal.moderation_reason) == (
        Status.REJECTED,
        "Doublon",
    )
    history = moderator_client.get(change_url).content.decode()
    assert "Doublon" in history and "Publication" in history


def test_a_moderator_cannot_manage_users_groups_or_passwords(
    moderator_client, participant
):
    for url in (
        reverse("admin:consultation_user_changelist"),
        reverse("admin:consultation_user_change", args=[participant.pk]),
        reverse("admin:auth_user_password_change", args=[participant.pk]),
        reverse("admin:auth_group_changelist"),
    ):
        assert moderator_client.get(url).status_code == 403, url


def test_a_moderator_cannot_delete_proposals_or_votes(
    moderator_client, published_proposal
):
    url = reverse("admin:proposals_proposal_delete", args=[published_proposal.pk])
    assert moderator_client.get(url).status_code == 403
    assert Proposal.objects.filter(pk=published_proposal.pk).exists()


def test_a_non_staff_participant_gets_nothing_from_the_admin(
    client, participant, pending_proposal
):
    client.force_login(participant)
    for url in (CHANGELIST, IMPORT, reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url
    response = client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [pending_proposal.pk]},
    )
    assert response.status_code == 302
    pending_proposal.refresh_from_db()
    assert pending_proposal.status == Status.PENDING


def test_a_staff_member_outside_the_group_cannot_moderate(client, pending_proposal):
    staff = UserFactory(is_staff=True, organisation="")
    client.force_login(staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(IMPORT).status_code == 403


def test_the_hierarchy_is_edited_with_inlines(moderator_client, consultation):
    theme = ThemeFactory(consultation=consultation)
    TrajectoryFactory(theme=theme, number=4)
    response = moderator_client.get(
        reverse("admin:trajectories_theme_change", args=[theme.pk])
    )
    assert response.status_code == 200
    assert "trajectories-0-number" in response.content.decode()


def test_the_theme_inline_refuses_a_number_used_elsewhere_in_the_consultation(
    moderator_client, consultation
):
    TrajectoryFactory(theme__consultation=consultation, number=4)
    theme = ThemeFactory(consultation=consultation)
    response = moderator_client.post(
        reverse("admin:trajectories_theme_change", args=[theme.pk]),
        {
            "title": theme.title,
            "position": 2,
            "trajectories-TOTAL_FORMS": 2,
            "trajectories-INITIAL_FORMS": 0,
            "trajectories-0-number": 4,
            "trajectories-0-title": "Doublon ailleurs",
            "trajectories-1-number": 9,
            "trajectories-1-title": "Neuf",
        },
    )
    assert response.status_code == 200
    assert (
        "Cette consultation a déjà une trajectoire de ce numéro."
        in response.content.decode()
    )
    assert Trajectory.objects.count() == 1


def test_the_theme_inline_refuses_a_number_twice_in_the_same_form(
    moderator_client, consultation
):
    theme = ThemeFactory(consultation=consultation)
    response = moderator_client.post(
        reverse("admin:trajectories_theme_change", args=[theme.pk]),
        {
            "title": theme.title,
            "position": 1,
            "trajectories-TOTAL_FORMS": 2,
            "trajectories-INITIAL_FORMS": 0,
            "trajectories-0-number": 8,
            "trajectories-0-title": "Huit",
            "trajectories-1-number": 8,
            "trajectories-1-title": "Encore huit",
        },
    )
    assert response.status_code == 200
    assert "Ce numéro figure deux fois dans ce thème." in response.content.decode()
    assert not Trajectory.objects.exists()


def upload(data, name="atelier.txt"):
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_the_admin_import_previews_then_creates_on_confirmation(moderator_client):
    response = moderator_client.post(IMPORT, {"document": upload(SEED.read_bytes())})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 thèmes, 6 trajectoires, 6 questions, 28 propositions" in page
    assert "Démocratie locale" in page
    assert not Theme.objects.exists()  # the preview writes nothing

    confirm_form = response.context["confirm_form"]
    data = {name: field.value() or "" for name, field in
            ((bf.name, bf) for bf in confirm_form)}  # fmt: skip
    data["confirm"] = "1"
    response = moderator_client.post(IMPORT, data, follow=True)
    assert "Import terminé" in response.content.decode()
    assert Proposal.objects.filter(status=Status.PUBLISHED).count() == 28

    # Once imported, the same document has nothing left to create.
    response = moderator_client.post(IMPORT, {"document": upload(SEED.read_bytes())})
    assert "déjà entièrement importé" in response.content.decode()


def test_the_admin_import_shows_the_line_of_a_bad_document(moderator_client):
    response = moderator_client.post(
        IMPORT, {"document": upload("THÈME\n- Orpheline\n".encode())}
    )
    assert response.status_code == 200
    assert "Ligne 2 :" in response.content.decode()
    assert not Theme.objects.exists()


def test_the_admin_import_refuses_a_file_that_is_not_text(moderator_client):
    response = moderator_client.post(
        IMPORT, {"document": upload(b"\x89PNG\r\n\x1a\n\x00\x00")}
    )
    assert "pas du texte" in response.content.decode()
    assert not Theme.objects.exists()


def test_a_moderator_verifies_organisations_and_the_badge_appears(
    moderator_client, question
):
    author = UserFactory(organisation="Coopérative vérifiable")
    proposal = ProposalFactory(question=question, author=author)
    url = reverse("admin:consultation_organisation_changelist")
    response = moderator_client.get(url)
    assert response.status_code == 200
    assert "Coopérative vérifiable" in response.content.decode()
    listed = set(response.context["cl"].queryset.values_list("organisation", flat=True))
    assert "" not in listed  # staff accounts have no organisation: not listed
    response = moderator_client.post(
        url, {"action": "mark_verified", "_selected_action": [author.pk]}, follow=True
    )
    assert "1 organisation mise à jour." in response.content.decode()
    author.refresh_from_db()
    assert author.organisation_verified
    page = moderator_client.get(proposal.get_absolute_url()).content.decode()
    assert "verified-badge" in page


def test_the_organisation_admin_exposes_no_password_or_permission(
    moderator_client, participant
):
    url = reverse("admin:consultation_organisation_change", args=[participant.pk])
    form = moderator_client.get(url).context["adminform"].form
    assert set(form.fields) == {"organisation_verified"}
