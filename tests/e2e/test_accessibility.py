"""An axe-core scan of every page, public and a participant's, on a phone (375 px) and
a laptop (1366 px): no violation at any impact level (the report is printed).

The pages of a consultation's content (its home, themes, trajectories, proposals in
every state, results, synthesis, « Mon espace ») are scanned on the data with every
state, in both languages (`test_every_state.py`); this file scans the others: the
forms, the account's pages, the site's pages, the open data, the errors."""

import json
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
REPORT = {}


def with_workshop_and_answer(proposal):
    """The proposal as a workshop brought it, with its official answer."""
    from django.contrib.auth.models import Permission

    from consultation.models import Region
    from proposals import services
    from proposals.models import Workshop
    from tests.factories import UserFactory

    workshop = Workshop.objects.create(
        consultation=proposal.question.trajectory.consultation,
        region=Region.objects.get(code="53"),
        date="2024-03-12",
        place="Rennes",
        participant_count=34,
    )
    proposal.workshops.add(workshop)
    answerer = UserFactory(organisation="", is_staff=True)
    answerer.user_permissions.add(
        *Permission.objects.filter(codename__in=["answer_proposal", "change_proposal"])
    )
    answerer = type(answerer).objects.get(pk=answerer.pk)
    services.proposal_answer(
        proposal=proposal, author=answerer, state="partly", text="Retenue en partie."
    )
    return proposal


def with_arguments(proposal):
    """The proposal with an argument for and one against."""
    from proposals import services
    from tests.factories import UserFactory

    for side, text in (
        ("for", "Elle relie les acteurs du territoire entre eux."),
        ("against", "Elle duplique des dispositifs qui existent déjà."),
    ):
        services.argument_add(
            proposal=proposal, author=UserFactory(), side=side, text=text
        )
    return proposal


def with_merged(question):
    """A proposal of `question` into which a moderator merged another."""
    from django.contrib.auth.models import Group

    from proposals import services
    from tests.factories import ProposalFactory, UserFactory

    kept = ProposalFactory(question=question, text="Mutualiser les fonctions support.")
    merged = ProposalFactory(question=question, text="Mutualiser les fonctions.")

    moderator = UserFactory(organisation="", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Modérateurs"))
    services.proposal_merge(proposal=merged, into=kept, moderator=moderator)
    return kept


def public_paths(world):
    from synthesis.services import synthesis_build

    slug = world["consultation"].slug
    answered = with_workshop_and_answer(world["proposals"][1])
    argued = with_arguments(world["proposals"][0])
    kept = with_merged(world["question"])
    synthesis_build(world["consultation"])
    return {
        "proposal_with_merged": kept.get_absolute_url(),
        "synthesis": f"/consultations/{slug}/synthese/",
        "open_data": "/open-data/",
        "consultations": "/consultations/",
        "consultation_home": f"/consultations/{slug}/",
        "consultation_results": f"/consultations/{slug}/resultats/",
        "proposal_answered": answered.get_absolute_url(),
        "unsubscribe": "/compte/desabonnement/jeton-invalide/",
        "home": "/",
        "theme": world["theme"].get_absolute_url(),
        "trajectory": world["trajectory"].get_absolute_url(),
        "trajectory_filtered": world["trajectory"].get_absolute_url()
        + "?sort=best&source=online",
        "proposal": argued.get_absolute_url(),
        "results": "/resultats/",
        "accessibility": "/pages/accessibilite/",
        "legal_notice": "/pages/mentions-legales/",
        "personal_data": "/pages/donnees-personnelles/",
        "signup": "/compte/inscription/",
        "login": "/compte/connexion/",
        "password_reset": "/compte/mot-de-passe/oubli/",
        "not_found": "/page-qui-n-existe-pas/",
    }


LOGGED_IN_PATHS = {
    "my_space": "/mon-espace/",
    "profile": "/compte/profil/",
    "password_change": "/compte/mot-de-passe/",
    "account_delete": "/mon-espace/supprimer-mon-compte/",
}
WIDTHS = (375, 1366)
# Scanned with every state and both languages by `test_every_state.py`.
CONTENT_PAGES = {
    "consultations", "consultation_home", "consultation_results", "synthesis", "theme",
    "trajectory", "proposal", "proposal_answered", "proposal_with_merged",
}  # fmt: skip


def axe_context(browser, **options):
    """A browser context whose pages load axe before their own scripts (a third
    faster than adding it to each page loaded). axe is injected as an inline script:
    this context alone bypasses the CSP."""
    context = browser.new_context(bypass_csp=True, **options)
    context.add_init_script(path=str(AXE))
    return context


def scan(page, url=None):
    """axe's violations on `url`, or on the page as it is."""
    if url is not None:
        page.goto(url)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
        for v in result["violations"]
    ]


def test_no_violation_at_any_impact_level_on_any_page_at_both_widths(
    browser, live_server, world, settings, tmp_path
):
    from tests.e2e.conftest import log_in
    from tests.factories import UserFactory

    settings.MEDIA_ROOT = tmp_path
    UserFactory(email="axe@exemple.fr")
    paths = {
        name: path
        for name, path in public_paths(world).items()
        if name not in CONTENT_PAGES
    }
    failures = {}
    for width in WIDTHS:
        context = axe_context(
            browser, locale="fr-FR", viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        for name, path in paths.items():
            violations = scan(page, f"{live_server.url}{path}")
            REPORT[f"{name}@{width}"] = len(violations)
            if violations:
                failures[f"{name}@{width}"] = violations
        log_in(page, live_server.url, "axe@exemple.fr")
        argument = world["proposals"][0].arguments.first()
        for name, path in {
            **LOGGED_IN_PATHS,
            "proposal_argument_form": world["proposals"][0].get_absolute_url(),
            "argument_report": f"/arguments/{argument.pk}/signaler/",
        }.items():
            violations = scan(page, f"{live_server.url}{path}")
            REPORT[f"{name}@{width}"] = len(violations)
            if violations:
                failures[f"{name}@{width}"] = violations
        # The proposal form, sent, showing similar proposals before it is sent again.
        page.goto(f"{live_server.url}{world['trajectory'].get_absolute_url()}")
        page.locator(".propose-section summary").click()
        page.get_by_label("Votre proposition").fill(
            "Une proposition déjà publiée, numéro dix-neuf."
        )
        page.get_by_role("button", name="Envoyer ma proposition").click()
        page.locator("#propositions-proches").wait_for()
        violations = scan(page)
        REPORT[f"proposal_form_similar@{width}"] = len(violations)
        if violations:
            failures[f"proposal_form_similar@{width}"] = violations
        context.close()
    print("axe report:", json.dumps(REPORT, ensure_ascii=False))  # noqa: T201
    assert failures == {}
