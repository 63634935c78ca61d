"""
The design system (static/css/site.css): colours defined once as tokens, with the
contrast their use needs; the site's own identity (wordmark, icons, manifest, a colour
per theme).
"""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from tests.colours import contrast
from tests.factories import ThemeFactory

CSS = Path(finders.find("css/site.css")).read_text()
COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(")


def root_block():
    start = CSS.index(":root {")
    return CSS[start : CSS.index("\n}", start)]


def tokens():
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", root_block()))


def test_colours_are_written_once_as_tokens_and_only_used_through_them():
    outside = CSS.replace(root_block(), "")
    assert COLOUR_LITERAL.findall(outside) == []
    values = list(tokens().values())
    duplicated = {value for value in values if values.count(value) > 1}
    # A theme may share the site's own colours; the choices may not share anything.
    for name in ("vote-agree", "vote-mixed", "vote-disagree"):
        assert tokens()[name] not in duplicated - {tokens()["ess-primary"]}


TEXT_ON_PAPER = [
    "ess-ink", "ess-muted", "ess-primary", "ess-primary-dark", "ess-accent",
    "vote-agree", "vote-mixed", "vote-disagree", "status-neutral",
    "theme-1", "theme-2", "theme-3", "theme-4", "theme-5", "theme-6", "map-4",
]  # fmt: skip


@pytest.mark.parametrize("name", TEXT_ON_PAPER)
def test_text_colours_reach_aa_on_white_and_white_reaches_aa_on_them(name):
    # Used as text on the page and as the fill behind white text (buttons, badges).
    assert contrast(tokens()[name], tokens()["ess-paper"]) >= 4.5


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("ess-ink", "ess-surface"),
        ("ess-muted", "ess-surface"),
        ("ess-primary", "ess-surface"),
        ("ess-ink", "ess-primary-soft"),
        ("ess-primary", "ess-primary-soft"),
        ("ess-ink", "map-0"),
        ("ess-ink", "map-1"),
        ("ess-ink", "map-2"),
        ("ess-paper", "map-3"),
        ("ess-paper", "map-4"),
    ],
)
def test_text_on_tinted_backgrounds_reaches_aa(text, background):
    assert contrast(tokens()[text], tokens()[background]) >= 4.5


def test_meaningful_borders_and_bars_reach_3_to_1():
    for name in ("ess-line-strong", "vote-agree", "vote-mixed", "vote-disagree"):
        assert contrast(tokens()[name], tokens()["ess-paper"]) >= 3


@pytest.mark.django_db
def test_every_page_carries_the_wordmark_the_icons_and_the_manifest(client):
    html = client.get("/").content.decode()
    assert 'class="wordmark-text"' in html
    assert re.search(r'<link rel="icon" href="[^"]+favicon\.svg"', html)
    assert re.search(r'<link rel="apple-touch-icon" href="[^"]+\.png"', html)
    assert re.search(r'<link rel="manifest" href="[^"]+manifest\.webmanifest"', html)
    theme_colour = re.search(r'<meta name="theme-color" content="(#\w+)">', html)
    assert theme_colour.group(1) == tokens()["ess-primary"]


def test_the_web_manifest_names_the_site_and_its_icons_exist_at_their_sizes():
    manifest = json.loads(Path(finders.find("manifest.webmanifest")).read_text())
    assert manifest["name"] == "Trajectoires ESS"
    assert manifest["lang"] == "fr"
    assert manifest["theme_color"] == tokens()["ess-primary"]
    for icon in manifest["icons"]:
        path = finders.find(icon["src"])
        assert path, icon["src"]
        if icon["type"] == "image/png":
            width, height = Image.open(path).size
            assert f"{width}x{height}" == icon["sizes"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes


@pytest.mark.django_db
def test_each_theme_has_its_own_colour_on_the_home_and_theme_pages(client):
    first = ThemeFactory(position=1)
    second = ThemeFactory(consultation=first.consultation, position=2)
    html = client.get("/").content.decode()
    assert "theme-tone-1" in html and "theme-tone-2" in html
    assert "theme-tone-2" in client.get(second.get_absolute_url()).content.decode()
    for tone in range(1, 7):
        assert f".theme-tone-{tone} {{ --theme-colour: var(--theme-{tone}); }}" in CSS
