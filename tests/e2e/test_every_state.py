"""
What a person sees, on data with every state (`tests/every_state.py`), read from
Chromium's computed styles: every badge and state readable (contrast ≥ 4.5:1), titles
as typed, the site's typeface loaded, in both languages.
"""

import pytest

from tests.colours import contrast

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
