"""`make screenshots`: every page, logged out and as a participant, at 375 and 1366 px,
full length and first screen, and the results' map alone."""

import pytest
from PIL import Image

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_screenshots_capture_every_page_at_both_widths(
    browser, live_server, world, settings, tmp_path
):
    from benchmarks.management.commands.screenshots import WIDTHS, Command
    from synthesis.services import synthesis_build

    settings.MEDIA_ROOT = tmp_path / "media"
    synthesis_build(world["consultation"])
    command = Command()
    command._participant()
    public, participant = command._pages(world["consultation"])
    out = tmp_path / "captures"
    count = command.capture_all(browser, live_server.url, (public, participant), out)
    assert count == 2 * (len(public) + len(participant)) == 2 * 15
    for width, height in WIDTHS.items():
        folder = out / str(width)
        full = sorted(
            p for p in folder.glob("*.png") if p.stem[-6:] not in ("-ecran", "-carte")
        )
        assert [p.stem[3:] for p in full] == [
            *(name for name, _ in public),
            *(name for name, _ in participant),
        ]
        for capture in full:
            image = Image.open(capture)
            assert image.width == width and image.height >= height, capture.name
            assert Image.open(capture.with_name(f"{capture.stem}-ecran.png")).size == (
                width,
                height,
            )
        assert (folder / "07-resultats-carte.png").exists()
