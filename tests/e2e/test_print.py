"""The results page printed, as a browser lays it out for paper."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_results_page_prints_without_navigation_and_with_addresses(
    page, live_server, world
):
    page.goto(f"{live_server.url}/resultats/")
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    for chrome in (".site-header", ".results-toc", ".skip-link"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.get_by_role("heading", name="Chiffres clés")).to_be_visible()
    link_after = page.evaluate(
        "() => getComputedStyle("
        "document.querySelector('#donnees-ouvertes a[href]'), '::after').content"
    )
    assert "attr(href)" in link_after or "/open-data/" in link_after


def test_the_synthesis_prints_a_trajectory_per_page_with_table_headers_repeated(
    page, live_server, world, settings, tmp_path
):
    from synthesis.services import synthesis_build

    settings.MEDIA_ROOT = tmp_path
    synthesis_build(world["consultation"])
    page.goto(f"{live_server.url}/consultations/{world['consultation'].slug}/synthese/")
    page.emulate_media(media="print")
    for chrome in (".site-header", ".results-toc"):
        expect(page.locator(chrome)).to_be_hidden()
    layout = page.evaluate(
        """() => ({
            breakBefore: getComputedStyle(
                document.querySelector('.synthesis-trajectory')).breakBefore,
            header: getComputedStyle(
                document.querySelector('.synthesis-proposals thead')).display,
            rows: document.querySelectorAll('.synthesis-proposals tbody tr').length,
        })"""
    )
    assert layout == {"breakBefore": "page", "header": "table-header-group", "rows": 3}
