"""
Scoped moderators: a moderator is national, or limited to regions and/or
consultations. Every role × scope × place, for every action, in the admin and by
address: what is outside the scope is neither listed nor reachable (404), and every
decision records the scope it was taken within.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from consultation.models import ModerationScope, Region, User
from consultation.scopes import moderation_scope
from proposals import permissions, selectors, services
from proposals.imports import NoImportTarget, parse_workshop, workshop_import
from proposals.models import (
    Answer,
    Argument,
    ModerationEvent,
    Proposal,
    Status,
    Workshop,
)
from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REGIONS = ["53", "11", None]  # Bretagne, Île-de-France, none (a national workshop)
# Who covers what: the places (consultation, region) each scope moderates.
SCOPES = {
    "national": {},
    "bretagne": {"regions": ["53"]},
    "bretagne_a": {"regions": ["53"], "consultations": ["a"]},
    "consultation_a": {"consultations": ["a"]},
    "two_regions": {"regions": ["53", "11"]},
}


def in_scope(name, consultation, region):
    scope = SCOPES[name]
    return region in scope.get("regions", [region]) and consultation in scope.get(
        "consultations", [consultation]
    )


@pytest.fixture
def world():
    """Two consultations, a question each; in each, a pending and a published
    proposal per region (and without one); a moderator per scope, who also answers
    and moderates arguments."""
    consultations = {
        "a": ConsultationFactory(slug="a"),
        "b": ConsultationFactory(slug="b"),
    }
    proposals = {}
    for key, consultation in consultations.items():
        question = GuidingQuestionFactory(trajectory__theme__consultation=consultation)
        for region in REGIONS:
            author = UserFactory(region_id=region)
            for status in (Status.PENDING, Status.PUBLISHED):
                proposals[key, region, status] = ProposalFactory(
                    question=question,
                    author=author,
                    region_id=region,
                    status=status,
                    text=f"Proposition {key} {region} {status} à modérer ici.",
                )
    moderators = {}
    group = Group.objects.get(name="Modérateurs")
    answer = Permission.objects.get(codename="answer_proposal")
    for name, scope in SCOPES.items():
        user = UserFactory(
            email=f"{name}@exemple.fr", organisation="", region=None, is_staff=True
        )
        user.groups.add(group)
        user.user_permissions.add(answer)
        if scope:
            row = ModerationScope.objects.create(user=user)
            row.regions.set(scope.get("regions", []))
            row.consultations.set(
                [consultations[key] for key in scope.get("consultations", [])]
            )
        moderators[name] = user
    return {
        "consultations": consultations,
        "proposals": proposals,
        "moderators": moderators,
    }


def fresh(user):
    """The account as a new request reads it (permissions and scope not cached)."""
    return type(user).objects.get(pk=user.pk)


def client_of(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", SCOPES)
def test_the_rule_and_the_query_select_the_same_proposals(world, name):
    moderator = fresh(world["moderators"][name])
    expected = {
        proposal.pk
        for (key, region, _status), proposal in world["proposals"].items()
        if in_scope(name, key, region)
    }
    by_rule = {
        proposal.pk
        for proposal in Proposal.objects.select_related("question__trajectory")
        if permissions.scope_refusal(moderator, proposal) is None
    }
    by_query = set(
        selectors.moderated_proposals(moderator).values_list("pk", flat=True)
    )
    assert by_rule == by_query == expected
    assert (
        len(expected)
        == {
            "national": 12,
            "bretagne": 4,
            "bretagne_a": 2,
            "consultation_a": 6,
            "two_regions": 8,
        }[name]
    )


@pytest.mark.parametrize("name", SCOPES)
def test_the_admin_lists_and_opens_only_the_proposals_in_scope(
    world, name, django_assert_max_num_queries
):
    client = client_of(world["moderators"][name])
    changelist = reverse("admin:proposals_proposal_changelist")
    with django_assert_max_num_queries(30):
        response = client.get(changelist, {"status": "all"})
    listed = {proposal.pk for proposal in response.context["cl"].result_list}
    opened = set()
    for (key, region, status), proposal in world["proposals"].items():
        covered = in_scope(name, key, region)
        assert (proposal.pk in listed) is covered, (key, region, status)
        # Every address of a proposal out of scope answers 404; of those in scope,
        # one of each kind of page is opened (the rule is the same for all).
        for page in ("change", "history", "reject"):
            url = reverse(f"admin:proposals_proposal_{page}", args=[proposal.pk])
            if not covered:
                assert client.get(url).status_code == 404, (page, key, region)
            elif page not in opened:
                assert client.get(url).status_code == 200, (page, key, region)
                opened.add(page)
    assert opened == {"change", "history", "reject"}


@pytest.mark.parametrize("name", SCOPES)
def test_publishing_by_address_or_by_action_stays_in_scope(world, name):
    client = client_of(world["moderators"][name])
    pending = {
        place: proposal
        for place, proposal in world["proposals"].items()
        if place[2] == Status.PENDING
    }
    halfway = dict(list(pending.items())[:3])
    for (key, region, _status), proposal in halfway.items():
        url = reverse("admin:proposals_proposal_publish", args=[proposal.pk])
        response = client.post(url)
        assert response.status_code == (302 if in_scope(name, key, region) else 404)
    # The rest through the list's action, all selected: only those in scope change.
    client.post(
        reverse("admin:proposals_proposal_changelist") + "?status=all",
        {
            "action": "publish_selected",
            "_selected_action": [p.pk for p in list(pending.values())[3:]],
        },
    )
    for (key, region, _status), proposal in pending.items():
        proposal.refresh_from_db()
        published = proposal.status == Status.PUBLISHED
        assert published is in_scope(name, key, region), (key, region)


@pytest.mark.parametrize("name", ["bretagne", "bretagne_a", "consultation_a"])
def test_every_service_refuses_a_proposal_out_of_scope(world, name):
    moderator = fresh(world["moderators"][name])
    proposals = world["proposals"]
    outside = proposals["b", "11", Status.PENDING]
    published_outside = proposals["b", "11", Status.PUBLISHED]
    inside_pending = proposals["a", "53", Status.PENDING]
    inside_published = proposals["a", "53", Status.PUBLISHED]
    attempts = {
        "publish": lambda: services.proposal_publish(
            proposal=outside, moderator=moderator
        ),
        "reject": lambda: services.proposal_reject(
            proposal=outside, moderator=moderator, reason="Hors sujet."
        ),
        "edit": lambda: services.proposal_edit(
            proposal=outside,
            moderator=moderator,
            text=outside.text + " Corrigée.",
            question=outside.question,
            region=outside.region,
        ),
        "answer": lambda: services.proposal_answer(
            proposal=published_outside,
            author=moderator,
            state="adopted",
            text="Retenue.",
        ),
        "merge_from_outside": lambda: services.proposal_merge(
            proposal=outside, into=inside_published, moderator=moderator
        ),
    }
    if name != "consultation_a":  # same consultation, other region: both must be in
        attempts["merge_into_outside"] = lambda: services.proposal_merge(
            proposal=inside_pending,
            into=proposals["a", "11", Status.PUBLISHED],
            moderator=moderator,
        )
    for action, attempt in attempts.items():
        with pytest.raises(services.ProposalActionError) as refused:
            attempt()
        assert refused.value.code == "moderation.out_of_scope", action
    assert not ModerationEvent.objects.exists()
    # Moving a proposal of its scope out of it is refused too.
    if name != "consultation_a":
        with pytest.raises(services.ProposalActionError) as refused:
            services.proposal_edit(
                proposal=inside_pending,
                moderator=moderator,
                text=inside_pending.text,
                question=inside_pending.question,
                region=Region.objects.get(code="11"),
            )
        assert refused.value.code == "moderation.place_out_of_scope"
    # Within its scope, it decides.
    services.proposal_merge(
        proposal=inside_pending, into=inside_published, moderator=moderator
    )
    assert Proposal.objects.get(pk=inside_pending.pk).status == Status.MERGED


def test_each_decision_records_the_scope_it_was_taken_within(world):
    proposals = world["proposals"]
    breton = fresh(world["moderators"]["bretagne_a"])
    national = fresh(world["moderators"]["national"])
    services.proposal_publish(
        proposal=proposals["a", "53", Status.PENDING], moderator=breton
    )
    services.proposal_reject(
        proposal=proposals["b", "11", Status.PENDING],
        moderator=national,
        reason="Hors sujet.",
    )
    answer = services.proposal_answer(
        proposal=proposals["a", "53", Status.PUBLISHED],
        author=breton,
        state="studying",
        text="À l'étude en Bretagne.",
    )
    assert answer.scope == "régions : Bretagne (53) ; consultations : a"
    withdrawn = proposals["a", "11", Status.PUBLISHED]
    services.proposal_withdraw(
        proposal=withdrawn, author=withdrawn.author, confirmed=True
    )
    scopes = {
        event.action: (event.actor, event.scope)
        for event in ModerationEvent.objects.all()
    }
    assert scopes == {
        "published": (breton, "régions : Bretagne (53) ; consultations : a"),
        "rejected": (national, "national"),
        "withdrawn": (withdrawn.author, ""),  # an author's decision, not a scope's
    }


def test_arguments_are_listed_and_reviewed_within_the_scope(world):
    proposals = world["proposals"]
    arguments = {}
    for key, region in (("a", "53"), ("b", "11")):
        proposal = proposals[key, region, Status.PUBLISHED]
        argument = services.argument_add(
            proposal=proposal,
            author=UserFactory(),
            side="for",
            text="Un argument qui tient la route, pour voir.",
        )
        services.argument_report(
            argument=argument, reporter=UserFactory(), reason="abuse"
        )
        arguments[region] = argument
    breton = world["moderators"]["bretagne"]
    client = client_of(breton)
    listed = client.get(reverse("admin:proposals_argument_changelist"))
    assert [a.pk for a in listed.context["cl"].result_list] == [arguments["53"].pk]
    outside = reverse("admin:proposals_argument_change", args=[arguments["11"].pk])
    assert client.get(outside).status_code == 404
    with pytest.raises(services.ProposalActionError) as refused:
        services.argument_hide(
            argument=arguments["11"], moderator=fresh(breton), reason="Injurieux."
        )
    assert refused.value.code == "moderation.out_of_scope"
    services.argument_keep(argument=arguments["53"], moderator=fresh(breton))
    kept = Argument.objects.get(pk=arguments["53"].pk)
    assert kept.reviewed_by == breton
    assert kept.review_scope == "régions : Bretagne (53)"
    # The admin's home counts the scope's queue only.
    home = client.get(reverse("admin:index")).content.decode()
    assert "2 propositions en attente" in home  # Bretagne's, in both consultations
    assert "Aucun argument signalé à examiner." in home  # its one was kept


def test_a_workshop_is_imported_only_into_the_scope(world, client):
    from tests.proposals.test_workshops import SEED

    breton = fresh(world["moderators"]["bretagne_a"])
    themes = parse_workshop(SEED.read_text())
    a, b = world["consultations"]["a"], world["consultations"]["b"]
    before = Proposal.objects.count()
    for consultation, region in ((a, "11"), (b, "53"), (a, None)):
        with pytest.raises(NoImportTarget):
            workshop_import(
                themes=themes,
                consultation=consultation,
                region=Region.objects.filter(code=region).first(),
                importer=breton,
            )
    assert Proposal.objects.count() == before
    workshop_import(
        themes=themes,
        consultation=a,
        region=Region.objects.get(code="53"),
        workshop={"date": "2024-03-12", "place": "Rennes"},
        importer=breton,
    )
    imported = Workshop.objects.get().proposals.all()
    assert imported.count() == 28
    assert set(imported.values_list("region_id", flat=True)) == {"53"}
    # The admin's form offers only the scope's regions and consultations.
    client.force_login(breton)
    form = client.get(reverse("admin:proposals_proposal_import_workshop")).context[
        "form"
    ]
    assert list(form.fields["region"].queryset) == [Region.objects.get(code="53")]
    assert list(form.fields["consultation"].queryset) == [a]


def test_organisations_are_verified_within_the_regions_of_the_scope(world):
    breton = world["moderators"]["bretagne"]
    client = client_of(breton)
    organisations = {
        code: UserFactory(organisation=f"Coop {code}", region_id=code)
        for code in ("53", "11")
    }
    changelist = reverse("admin:consultation_organisation_changelist")
    listed = {u.region_id for u in client.get(changelist).context["cl"].result_list}
    assert listed == {"53"}
    change = "admin:consultation_organisation_change"
    assert client.get(reverse(change, args=[organisations["11"].pk])).status_code == 404
    client.post(
        changelist,
        {
            "action": "mark_verified",
            "_selected_action": [u.pk for u in organisations.values()],
        },
    )
    verified = dict(
        type(breton)
        .objects.filter(pk__in=[u.pk for u in organisations.values()])
        .values_list("region_id", "organisation_verified")
    )
    assert verified == {"53": True, "11": False}
    entry = LogEntry.objects.get(object_id=str(organisations["53"].pk))
    assert entry.user == breton
    assert "périmètre : régions : Bretagne (53)" in entry.get_change_message()


def test_a_moderator_of_regions_reads_the_consultations_content_without_changing_it(
    world,
):
    theme_a = ThemeFactory(consultation=world["consultations"]["a"])
    theme_b = ThemeFactory(consultation=world["consultations"]["b"])
    change = "admin:trajectories_theme_change"
    breton = client_of(world["moderators"]["bretagne"])
    page = breton.get(reverse(change, args=[theme_a.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        breton.post(reverse(change, args=[theme_a.pk]), {"title": "X"}).status_code
        == 403
    )
    of_a = client_of(world["moderators"]["consultation_a"])
    assert (
        'name="_save"' in of_a.get(reverse(change, args=[theme_a.pk])).content.decode()
    )
    assert of_a.get(reverse(change, args=[theme_b.pk])).status_code == 404
    consultation_b = world["consultations"]["b"]
    assert (
        of_a.get(
            reverse("admin:consultation_consultation_change", args=[consultation_b.pk])
        ).status_code
        == 404
    )


def test_the_admins_forms_offer_only_the_regions_and_consultations_in_scope(world):
    """Wherever a moderator picks a region, a consultation or a theme (adding a
    theme, a trajectory, a workshop; a proposal's region), only those of its scope
    are offered."""
    a = world["consultations"]["a"]
    of_a = client_of(world["moderators"]["consultation_a"])
    for model in ("trajectories_theme", "proposals_workshop"):
        form = of_a.get(reverse(f"admin:{model}_add")).context["adminform"].form
        assert list(form.fields["consultation"].queryset) == [a], model
    form = of_a.get(reverse("admin:trajectories_trajectory_add")).context["adminform"]
    themes = form.form.fields["theme"].queryset
    assert {theme.consultation for theme in themes} == {a}
    client = client_of(world["moderators"]["bretagne_a"])
    workshop = client.get(reverse("admin:proposals_workshop_add")).context["adminform"]
    assert [r.code for r in workshop.form.fields["region"].queryset] == ["53"]
    proposal = world["proposals"]["a", "53", Status.PENDING]
    edit = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    assert [
        r.code for r in edit.context["adminform"].form.fields["region"].queryset
    ] == ["53"]


@pytest.mark.parametrize("name", SCOPES)
def test_a_pending_proposals_page_opens_to_moderators_of_its_scope_only(world, name):
    client = client_of(world["moderators"][name])
    for (key, region, status), proposal in world["proposals"].items():
        if status == Status.PENDING:
            expected = 200 if in_scope(name, key, region) else 404
            assert client.get(proposal.get_absolute_url()).status_code == expected


def test_create_moderator_sets_and_removes_a_scope(db, consultation, monkeypatch):
    monkeypatch.setenv("DJANGO_MODERATOR_PASSWORD", "un-long-mot-de-passe-42")
    call_command(
        "create_moderator",
        "bzh@exemple.fr",
        "--region",
        "53",
        "--region",
        "11",
        "--consultation",
        consultation.slug,
    )
    moderator = User.objects.get(email="bzh@exemple.fr")
    scope = moderation_scope(moderator)
    assert scope.regions == {"53", "11"} and scope.consultations == {consultation.pk}
    with pytest.raises(CommandError, match="Unknown region: 99"):
        call_command("create_moderator", "bzh@exemple.fr", "--region", "99")
    assert moderation_scope(User.objects.get(pk=moderator.pk)) == scope  # unchanged
    call_command("create_moderator", "bzh@exemple.fr")
    assert moderation_scope(User.objects.get(pk=moderator.pk)).national


def test_merging_by_address_needs_both_proposals_in_scope(world):
    proposals = world["proposals"]
    client = client_of(world["moderators"]["bretagne"])

    def merge_page(source, into):
        return client.get(
            reverse(
                "admin:proposals_proposal_merge",
                args=[proposals[source].pk, proposals[into].pk],
            )
        ).status_code

    inside = ("a", "53", Status.PENDING)
    assert merge_page(inside, ("b", "53", Status.PUBLISHED)) == 200
    assert merge_page(inside, ("a", "11", Status.PUBLISHED)) == 404
    assert merge_page(("a", "11", Status.PENDING), ("a", "53", Status.PUBLISHED)) == 404


def test_workshops_and_votes_are_listed_within_the_scope(world):

    a = world["consultations"]["a"]
    workshops = {
        code: Workshop.objects.create(
            consultation=a, region_id=code, date="2024-03-12", place=f"Lieu {code}"
        )
        for code in ("53", "11")
    }
    for code in ("53", "11"):
        proposal = world["proposals"]["a", code, Status.PUBLISHED]
        services.vote_cast(proposal=proposal, voter=UserFactory(), choice="agree")
    client = client_of(world["moderators"]["bretagne"])
    page = client.get(reverse("admin:proposals_workshop_changelist"))
    assert [w.pk for w in page.context["cl"].result_list] == [workshops["53"].pk]
    outside = reverse("admin:proposals_workshop_change", args=[workshops["11"].pk])
    assert client.get(outside).status_code == 404
    votes = client.get(reverse("admin:proposals_vote_changelist"))
    assert {v.proposal.region_id for v in votes.context["cl"].result_list} == {"53"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_decisions_taken_before_scopes_existed_read_national():
    """Before scopes, every moderator was national: the migration says so on the
    decisions and reviews already recorded, and not on an author's withdrawal."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("proposals", "0028_notification_preferences")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    consultation = old.get_model("consultation", "Consultation").objects.create(
        title="Avant", slug="avant", opens_at="2024-01-01T00:00:00Z"
    )
    theme = old.get_model("trajectories", "Theme").objects.create(
        consultation=consultation, title="T", position=1
    )
    trajectory = old.get_model("trajectories", "Trajectory").objects.create(
        consultation=consultation, theme=theme, number=1, title="Tr"
    )
    question = old.get_model("trajectories", "GuidingQuestion").objects.create(
        trajectory=trajectory, text="Q ?", position=1
    )
    proposal = old.get_model("proposals", "Proposal").objects.create(
        question=question, text="Une proposition d'avant les périmètres."
    )
    events = old.get_model("proposals", "ModerationEvent").objects
    events.create(proposal=proposal, action="published", previous_status="pending")
    events.create(proposal=proposal, action="withdrawn", previous_status="published")
    old.get_model("proposals", "Answer").objects.create(
        proposal=proposal, state="adopted", text="Retenue."
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(ModerationEvent.objects.values_list("action", "scope")) == {
        "published": "national",
        "withdrawn": "",
    }
    assert Answer.objects.get().scope == "national"


def test_a_scope_is_set_on_a_staff_account_in_the_admin(world, client):
    """The user admin shows « Périmètre de modération » on staff accounts only; what
    is set there is the moderator's scope at its next request."""
    manager = UserFactory(
        email="gestion@exemple.fr", organisation="", is_staff=True, is_superuser=True
    )
    client.force_login(manager)
    national = world["moderators"]["national"]
    url = reverse("admin:consultation_user_change", args=[national.pk])
    form = client.get(url)
    assert "Périmètre de modération" in form.content.decode()
    participant = UserFactory()
    assert (
        "Périmètre de modération"
        not in client.get(
            reverse("admin:consultation_user_change", args=[participant.pk])
        ).content.decode()
    )
    data = {
        "email": national.email,
        "organisation": "",
        "organisation_type": "",
        "region": "",
        "legal_identifier": "",
        "is_active": "on",
        "is_staff": "on",
        "groups": [g.pk for g in national.groups.all()],
        "user_permissions": [],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
        "moderation_scope-TOTAL_FORMS": "1",
        "moderation_scope-INITIAL_FORMS": "0",
        "moderation_scope-MIN_NUM_FORMS": "0",
        "moderation_scope-MAX_NUM_FORMS": "1",
        "moderation_scope-0-regions": ["53"],
        "moderation_scope-0-consultations": [],
        "moderation_scope-0-user": str(national.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    assert moderation_scope(fresh(national)).regions == {"53"}
    outside = world["proposals"]["a", "11", Status.PENDING]
    change = reverse("admin:proposals_proposal_change", args=[outside.pk])
    assert client_of(national).get(change).status_code == 404


def test_a_scopes_words_are_read_once_however_many_decisions_record_them(
    db, django_assert_num_queries
):
    from consultation.scopes import Scope

    scope = Scope(regions=frozenset({"53", "11"}))
    with django_assert_num_queries(1):  # the regions' names
        words = [scope.label() for _decision in range(20)]
    assert set(words) == {"régions : Île-de-France (11), Bretagne (53)"}
