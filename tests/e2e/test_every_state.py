"""
What a person sees, on data with every state (`tests/every_state.py`), read from
Chromium's computed styles: every badge and state readable (contrast ≥ 4.5:1), titles
as typed, the site's typeface loaded, in both languages.
"""

import itertools

import pytest
from playwright.sync_api import expect

from tests.colours import contrast
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# For each badge: its text, its colour and the first opaque background behind it.
READ_BADGES = """
() => [...document.querySelectorAll('.badge, [class*="status-"], .answer-badge')]
  .filter(element => element.offsetParent !== null)
  .map(element => {
    let node = element, background = 'rgba(0, 0, 0, 0)';
    while (node) {
      const colour = getComputedStyle(node).backgroundColor;
      if (!colour.endsWith(', 0)') && colour !== 'transparent') { background = colour; break; }
      node = node.parentElement;
    }
    return {
      text: element.innerText.trim(),
      colour: getComputedStyle(element).color,
      background: node ? background : 'rgb(255, 255, 255)',
      className: element.className,
    };
  })
"""


def _rgb(css):
    values = css[css.index("(") + 1 : css.index(")")].split(",")
    return tuple(int(float(value)) for value in values[:3])


@pytest.fixture
def world_with_every_state(transactional_db):
    from tests.every_state import every_state

    return every_state()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_badge_and_state_is_readable(
    browser, live_server, world_with_every_state, language
):
    world = world_with_every_state
    context = browser.new_context(locale=f"{language}-FR")
    context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    trajectory = world["popular"].question.trajectory
    seen = {}
    for path in (
        trajectory.get_absolute_url(),
        world["popular"].get_absolute_url(),
        world["answered_partly"].get_absolute_url(),
        world["answered_not_adopted"].get_absolute_url(),
        world["answered_studying"].get_absolute_url(),
        world["withdrawn"].get_absolute_url(),
    ):
        page.goto(live_server.url + path)
        for badge in page.evaluate(READ_BADGES):
            assert badge["text"], badge
            ratio = contrast(_rgb(badge["colour"]), _rgb(badge["background"]))
            assert ratio >= 4.5, (path, badge, round(ratio, 2))
            seen[badge["className"]] = badge["text"]
    answer_states = {name for name in seen if "answer-" in name}
    assert len(answer_states) == 4, seen
    assert any("verified-badge" in name for name in seen), seen
    context.close()


def test_titles_read_as_typed_and_the_typeface_is_the_site_s(
    page, live_server, world_with_every_state
):
    world = world_with_every_state
    page.goto(live_server.url + world.consultation.get_absolute_url())
    assert page.title().startswith(world.consultation.title)
    og_title = page.locator("meta[property='og:title']").get_attribute("content")
    assert og_title == world.consultation.title
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans\"')")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Noto Sans"')
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Noto Sans" in name for name in loaded), loaded


def test_the_results_open_one_trajectory_at_a_time_and_print_them_all(
    browser, live_server, world_with_every_state
):
    world = world_with_every_state
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 375, "height": 800}
    )
    page = context.new_page()
    results = f"{live_server.url}/consultations/{world.consultation.slug}/resultats/"
    page.goto(results)
    first, second = page.locator("#classement-4 ol"), page.locator("#classement-5 ol")
    expect(first).to_be_visible()
    expect(second).to_be_hidden()
    page.locator("#classement-5 > summary").click()
    expect(second).to_be_visible()
    expect(first).to_be_hidden()  # opening one closes the other

    page.emulate_media(media="print")
    expect(first).to_be_visible()  # on paper, every trajectory unfolded
    expect(second).to_be_visible()
    page.emulate_media(media="screen")

    # An address naming a trajectory's ranking opens it.
    page.goto(results + "#classement-5")
    expect(page.locator("#classement-5 ol")).to_be_visible()
    page.goto(results)
    page.get_by_role("link", name="Voir tout").click()
    expect(page.locator("#classement-4 ol")).to_be_visible()
    expect(page.locator("#classement-5 ol")).to_be_visible()
    context.close()


# The boxes of the page's title, its moderation buttons and every fieldset.
READ_DESK = """
() => {
  const box = element => {
    const r = element.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  };
  return {
    title: box(document.querySelector('#content > h1, #content h2')),
    tools: [...document.querySelectorAll('.object-tools li')].map(box),
    width: document.documentElement.clientWidth,
    scrollWidth: document.documentElement.scrollWidth,
  };
}
"""


def _overlap(a, b):
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


@pytest.mark.parametrize("width", [1366, 1920])
def test_the_moderators_desk_lays_out_without_overlap(
    browser, live_server, world_with_every_state, width
):
    world = world_with_every_state
    context = browser.new_context(
        locale="fr-FR", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(world.moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()

    pending = world["pending"]
    page.goto(f"{live_server.url}/admin/proposals/proposal/{pending.pk}/change/")
    desk = page.evaluate(READ_DESK)
    assert len(desk["tools"]) >= 3, desk
    for tool in desk["tools"]:
        assert not _overlap(tool, desk["title"]), (tool, desk["title"])
    for first, second in itertools.pairwise(desk["tools"]):
        assert not _overlap(first, second), (first, second)
    headings = page.locator("fieldset h2").all_inner_texts()
    assert [text.strip().lower() for text in headings][:4] == [
        "propositions proches",
        "votes",
        "autrice ou auteur",
        "historique",
    ]
    expect(page.locator(".field-question")).to_contain_text(pending.question.text[:30])

    # The queue: every column in view at this width, headers in words.
    page.goto(f"{live_server.url}/admin/proposals/proposal/?status__exact=pending")
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert not any("FULL" in header.upper() for header in headers), headers
    boxes = [th.bounding_box() for th in page.locator("#result_list thead th").all()]
    widths = {
        header: round(box["width"]) for header, box in zip(headers, boxes, strict=True)
    }
    assert boxes[-1]["x"] + boxes[-1]["width"] <= width, list(widths.items())
    context.close()


def _every_state_paths(world):
    consultation, popular = world.consultation, world["popular"]
    slug = consultation.slug
    public = [
        consultation.get_absolute_url(),
        popular.question.trajectory.theme.get_absolute_url(),
        popular.question.trajectory.get_absolute_url(),
        world["published"].question.trajectory.get_absolute_url(),
        popular.get_absolute_url(),
        *(world[f"answered_{state}"].get_absolute_url() for state in ANSWER_STATES),
        world["withdrawn"].get_absolute_url(),
        world["published"].get_absolute_url(),
        f"/consultations/{slug}/resultats/",
        f"/consultations/{slug}/resultats/?tout=1",
        f"/consultations/{slug}/regions/53/",
        f"/consultations/{slug}/synthese/",
        f"/consultations/{slug}/regions/53/synthese/",
        world.closed.get_absolute_url(),
        "/consultations/",
    ]
    author = [
        "/mon-espace/",
        world["pending"].get_absolute_url(),
        world["rejected"].get_absolute_url(),
        world["invited_to"].get_absolute_url(),
    ]
    return public, author


ANSWER_STATES = ("adopted", "partly", "studying", "not_adopted")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_state_passes_axe_and_the_phone_measurements(
    browser, live_server, world_with_every_state, language, settings, tmp_path
):
    """axe at every impact level and the phone measurements (no sideways scroll,
    44 px controls, a 64 px header) on every page of the data with every state: the
    French pages at both widths, the English ones on the phone (their words change,
    and their length matters where the page is narrow; not the colours, landmarks nor
    layout)."""
    from consultation.models import Region
    from synthesis.services import regional_syntheses_build, synthesis_build
    from tests.e2e.conftest import log_in
    from tests.e2e.test_accessibility import axe_context, scan
    from tests.e2e.test_phone import CONTROLS, HEADER_MAX, MEASURE

    world = world_with_every_state
    settings.MEDIA_ROOT = tmp_path
    synthesis_build(world.consultation)
    list(regional_syntheses_build(world.consultation, Region.objects.filter(code="53")))
    public, author = _every_state_paths(world)
    failures = {}
    for width in (375, 1366) if language == "fr" else (375,):
        context = axe_context(
            browser,
            locale=f"{language}-FR",
            viewport={"width": width, "height": 812},
            is_mobile=width < 768,
            has_touch=True,
        )

        def speak(language, context=context):
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )

        speak(language)
        page = context.new_page()
        for logged_in, paths in ((False, public), (True, public + author)):
            if logged_in:  # the login form, read in French, then back to `language`
                speak("fr")
                log_in(page, live_server.url, world.author.email)
                speak(language)
            for path in paths:
                key = f"{path}@{width}{'+author' if logged_in else ''}"
                violations = scan(page, f"{live_server.url}{path}")
                measured = page.evaluate(MEASURE, [CONTROLS, width])
                if violations:
                    failures[key] = violations
                if (
                    measured["overflow"] > 0
                    or measured["small"]
                    or (measured["header"] > HEADER_MAX)
                ):
                    failures[key + " phone"] = measured
        context.close()
    assert failures == {}
