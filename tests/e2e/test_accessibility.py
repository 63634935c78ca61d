"""An axe-core scan of every public page: no serious or critical violation (and, as
measured, none of any impact: the report is printed)."""

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


def public_paths(world):
    from synthesis.services import synthesis_build

    slug = world["consultation"].slug
    answered = with_workshop_and_answer(world["proposals"][1])
    synthesis_build(world["consultation"])
    return {
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
        "proposal": world["proposals"][0].get_absolute_url(),
        "results": "/resultats/",
        "accessibility": "/pages/accessibilite/",
        "legal_notice": "/pages/mentions-legales/",
        "personal_data": "/pages/donnees-personnelles/",
        "signup": "/compte/inscription/",
        "login": "/compte/connexion/",
        "password_reset": "/compte/mot-de-passe/oubli/",
        "not_found": "/page-qui-n-existe-pas/",
    }


def test_no_serious_or_critical_violation_on_any_public_page(
    browser, live_server, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # axe is injected as an inline script: this context alone bypasses the site's CSP.
    context = browser.new_context(bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    failures = {}
    for name, path in public_paths(world).items():
        page.goto(f"{live_server.url}{path}")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        violations = result["violations"]
        REPORT[name] = {
            "violations": len(violations),
            "serious_or_critical": sum(
                v["impact"] in ("serious", "critical") for v in violations
            ),
            "rules": sorted({v["id"] for v in violations}),
        }
        serious = [
            (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            failures[name] = serious
    print("axe report:", json.dumps(REPORT, ensure_ascii=False))  # noqa: T201
    assert failures == {}
