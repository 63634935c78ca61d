"""
Phone first, measured in the browser: on every public and logged-in page at 320 and
375 px (and at 1366 px, a touch-screen laptop), nothing scrolls sideways, the header
fits in 64 px, every control is at least 44 × 44 px; on a trajectory page the first vote buttons are within the first screen of
a 375 × 812 phone; the focused vote button shows a visible outline. The figures are
printed (« phone report ») so that a change can be compared.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.colours import contrast
from tests.e2e.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (320, 375, 1366)
HEADER_MAX = 64
TARGET_MIN = 44
FIRST_SCREEN = 812

# Controls that a finger must hit: buttons, fields, menus and the links that act as
# buttons (links inside sentences are exempt, as WCAG 2.5.8 says).
CONTROLS = (
    "button, select, textarea, summary, .btn, .nav-link, .page-link, .navbar-brand,"
    " input:not([type=hidden], [type=checkbox], [type=radio]),"
    " .form-check"  # a box to tick is hit through its label, with it in .form-check
)

MEASURE = """([selector, width]) => {
    const visible = (el) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
    };
    const small = [...document.querySelectorAll(selector)]
        .filter(visible)
        .map((el) => [el.getBoundingClientRect(), el])
        .filter(([box]) => box.width < MIN - 0.5 || box.height < MIN - 0.5)
        .map(([box, el]) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`
            + ` "${(el.innerText || el.value || el.name || '').trim().slice(0, 30)}"`
            + ` ${Math.round(box.width)}x${Math.round(box.height)}`);
    const header = document.querySelector('.site-header');
    return {
        // Against the screen's width: a phone browser widens its window to the page.
        overflow: Math.max(
            document.documentElement.scrollWidth, document.body.scrollWidth
        ) - width,
        header: header ? Math.round(header.getBoundingClientRect().height) : 0,
        small: small,
    };
}""".replace("MIN", str(TARGET_MIN))


# A word wider than a phone (an address pasted in a proposal, say) must break.
LONG_WORD = "https://www.exempledorganisation.fr/unchemintreslongsansespaceniseparation"


def public_paths(world):
    from synthesis.services import synthesis_build
    from tests.factories import ProposalFactory, UserFactory

    slug = world["consultation"].slug
    long_one = ProposalFactory(
        question=world["question"],
        text=f"Voir {LONG_WORD} pour le détail",
        author=UserFactory(organisation="Coopérative" + "Solidaire" * 6),
    )
    synthesis_build(world["consultation"])
    return [
        long_one.get_absolute_url(),
        "/",
        *content_pages(world, slug),
        world["trajectory"].get_absolute_url() + "?sort=best&source=online",
        "/open-data/",
        "/compte/inscription/",
        "/compte/connexion/",
        "/compte/mot-de-passe/oubli/",
        "/pages/accessibilite/",
    ]


def content_pages(world, slug):
    """The consultation's pages that `test_every_state.py` measures at 375 and 1366
    px in both languages, on richer data: here at 320 px alone."""
    return [
        "/consultations/",
        f"/consultations/{slug}/",
        world["theme"].get_absolute_url(),
        world["trajectory"].get_absolute_url(),
        world["proposals"][0].get_absolute_url(),
        "/resultats/",
        f"/consultations/{slug}/synthese/",
    ]


LOGGED_IN_PATHS = ["/mon-espace/", "/compte/profil/", "/compte/mot-de-passe/"]


def phone(browser, width, height=FIRST_SCREEN):
    return browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=width < 768,
        has_touch=True,
        locale="fr-FR",
    ).new_page()


def test_every_page_fits_a_phone_with_a_short_header_and_big_enough_controls(
    browser, live_server, world, settings, tmp_path
):
    from tests.factories import UserFactory

    settings.MEDIA_ROOT = tmp_path
    paths = public_paths(world)
    elsewhere = set(content_pages(world, world["consultation"].slug))
    UserFactory(email="telephone@exemple.fr")
    report, failures = {}, []
    for width in WIDTHS:
        page = phone(browser, width)
        for logged_in in (False, True):
            if logged_in:
                log_in(page, live_server.url, "telephone@exemple.fr")
            for path in paths + (LOGGED_IN_PATHS if logged_in else []):
                if width != min(WIDTHS) and path in elsewhere:
                    continue
                page.goto(f"{live_server.url}{path}")
                measured = page.evaluate(MEASURE, [CONTROLS, width])
                key = f"{width} {'in' if logged_in else 'out'} {path}"
                report[key] = measured
                if measured["overflow"] > 0:
                    failures.append(
                        f"{key}: scrolls sideways by {measured['overflow']}"
                    )
                if measured["header"] > HEADER_MAX:
                    failures.append(f"{key}: header {measured['header']} px high")
                if measured["small"]:
                    failures.append(f"{key}: small controls {measured['small'][:4]}")
        page.context.close()
    print("phone report:", json.dumps(report, ensure_ascii=False))  # noqa: T201
    assert failures == []


def test_the_first_vote_buttons_are_on_the_first_screen_of_a_phone(
    browser, live_server, world
):
    from tests.factories import UserFactory

    # Titles as long as the seed workshop's.
    world[
        "trajectory"
    ].title = "Dans 10 ans, l'ESS pourra s'appuyer sur un écosystème de développement"
    world["trajectory"].save()
    world["question"].text = (
        "En ce sens, comment renforcer l'accompagnement des organisations de l'ESS à "
        "chaque étape de leur vie?"
    )
    world["question"].save()
    UserFactory(email="premier-ecran@exemple.fr")
    page = phone(browser, 375)
    log_in(page, live_server.url, "premier-ecran@exemple.fr")
    page.goto(f"{live_server.url}{world['trajectory'].get_absolute_url()}")
    first = page.locator(".vote-form button").first
    bottom = page.evaluate(
        "(el) => el.getBoundingClientRect().bottom + window.scrollY",
        first.element_handle(),
    )
    print("first vote button bottom:", round(bottom))  # noqa: T201
    assert bottom <= FIRST_SCREEN


def test_the_phone_menu_opens_behind_its_button(browser, live_server, world):
    page = phone(browser, 375)
    page.goto(f"{live_server.url}/")
    results = page.get_by_role("link", name="Résultats", exact=True)
    expect(results).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(results).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_without_javascript_the_phone_menu_stays_open(browser, live_server, world):
    page = browser.new_context(
        viewport={"width": 375, "height": FIRST_SCREEN},
        java_script_enabled=False,
        locale="fr-FR",
    ).new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Résultats", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_a_focused_vote_button_shows_a_clear_outline(page, live_server, world):
    from tests.factories import UserFactory

    UserFactory(email="clavier-focus@exemple.fr")
    log_in(page, live_server.url, "clavier-focus@exemple.fr")
    page.goto(f"{live_server.url}{world['trajectory'].get_absolute_url()}")
    button = page.locator(".vote-form button").first
    button.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused by the keyboard: :focus-visible applies
    style = button.evaluate(
        """async (el) => {
            // The focus style's transitions (Bootstrap's, 0.15 s) end first: what
            // stays on screen is measured, not a frame of the change.
            await Promise.all(el.getAnimations().map((animation) => animation.finished));
            const css = getComputedStyle(el);
            const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const clear = (value) => value === 'transparent'
                || /^rgba\\(.*,\\s*0\\)$/.test(value);
            let node = el.parentElement, background = 'rgb(255, 255, 255)';
            while (node) {
                const colour = getComputedStyle(node).backgroundColor;
                if (!clear(colour)) {
                    background = colour; break;
                }
                node = node.parentElement;
            }
            // A clear button shows what is behind it.
            const fill = clear(css.backgroundColor) ? background : css.backgroundColor;
            return {
                width: parseFloat(css.outlineWidth), style: css.outlineStyle,
                outline: rgb(css.outlineColor), fill: rgb(fill),
                page: rgb(background),
                focused: document.activeElement === el,
            };
        }"""
    )
    print("focused vote button:", style)  # noqa: T201
    assert style["focused"]
    assert style["style"] != "none" and style["width"] >= 2
    assert contrast(style["outline"], style["page"]) >= 3
    assert contrast(style["outline"], style["fill"]) >= 3
