"""An axe-core scan of every public page: no serious or critical violation."""

import json
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
REPORT = {}


def public_paths(world):
    return {
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
    browser, live_server, world
):
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
