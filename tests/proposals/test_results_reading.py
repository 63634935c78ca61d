"""
Results read at a glance: a grid-cartogram map of the 18 regions with a table that says
the same, trajectory summaries as small multiples, and a « comment lire » note.
"""

import lxml.html
import pytest
from django.core.cache import cache
from django.urls import reverse

from proposals.models import Choice
from proposals.region_map import (
    TILES,
    approval_level,
    approval_scale,
    participation_level,
)
from tests.factories import (
    GuidingQuestionFactory,
    ProposalFactory,
    TrajectoryFactory,
    UserFactory,
    cast_votes,
)
from tests.reading import NARROW, squeeze
from trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(question):
    """Brittany: 3 agree, 1 disagree; Occitanie: 1 mixed; a second trajectory, empty."""
    proposal = ProposalFactory(question=question)
    Trajectory.objects.filter(pk=question.trajectory.pk).update(number=1)
    question.trajectory.refresh_from_db()
    TrajectoryFactory(theme=question.trajectory.theme, number=9, title="Sans vote")
    votes = [("53", Choice.AGREE)] * 3 + [("53", Choice.DISAGREE), ("76", Choice.MIXED)]
    cast_votes(
        (proposal, UserFactory(region_id=region), choice) for region, choice in votes
    )
    return question


def test_the_map_draws_every_region_and_the_table_beside_it_says_the_same(
    client, voted, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15) as cold:
        page = lxml.html.fromstring(client.get(reverse("results")).content)
    # More trajectories and regions cost no query more.
    for number in range(20, 25):
        TrajectoryFactory(theme=voted.trajectory.theme, number=number)
    cache.clear()
    with django_assert_max_num_queries(len(cold.captured_queries)):
        client.get(reverse("results"))
    maps = page.xpath("//svg[contains(@class, 'region-map')]")
    assert len(maps) == 2
    for svg in maps:
        assert svg.get("role") == "img"
        caption = page.xpath(f"//*[@id='{svg.get('aria-labelledby')}']")[0]
        assert caption.text_content().strip()
        assert len(svg.xpath(".//rect")) == len(TILES) == 18
    votes_map, approval_map = maps
    brittany = votes_map.xpath(".//g[text[.='BRE']]")[0]
    assert brittany.xpath("rect/@class") == ["map-4"]  # the most votes
    assert squeeze(brittany.xpath("text")[1].text_content()) == "4"
    occitanie = votes_map.xpath(".//g[text[.='OCC']]/rect/@class")
    assert occitanie == [f"map-{participation_level(1, 4)}"]
    assert votes_map.xpath(".//g[text[.='COR']]/rect/@class") == ["map-none"]
    brittany = approval_map.xpath(".//g[text[.='BRE']]")[0]
    assert squeeze(brittany.xpath("text")[1].text_content()) == f"75{NARROW}%"
    # National approval 70 %: Brittany (75 %) near it, Occitanie (50 %) far below.
    assert brittany.xpath("rect/@class") == ["map-near"]
    assert approval_map.xpath(".//g[text[.='OCC']]/rect/@class") == ["map-below-2"]
    assert approval_map.xpath(".//g[text[.='COR']]/rect/@class") == ["map-none"]
    legend = squeeze(approval_map.getparent().text_content())
    assert f"Centrée sur l’adhésion nationale, 70{NARROW}%" in legend

    table = page.xpath("//table[contains(@class, 'region-table')]")[0]
    rows = {
        squeeze(row.xpath("th")[0].text_content()): [
            squeeze(td.text_content()) for td in row.xpath("td")
        ]
        for row in table.xpath("tbody/tr")
    }
    assert len(rows) == 18
    assert rows["Bretagne BRE"] == ["4", f"80{NARROW}%", f"75{NARROW}%"]
    assert rows["Occitanie OCC"] == ["1", f"20{NARROW}%", f"50{NARROW}%"]
    assert rows["Corse COR"] == ["0", f"0{NARROW}%", "—"]
    names = [name.rsplit(" ", 1)[0] for name in rows]
    assert names.index("Île-de-France") < names.index("La Réunion")  # French order


def test_each_trajectory_is_summed_up_in_a_small_multiple(client, voted):
    page = lxml.html.fromstring(client.get(reverse("results")).content)
    cards = {
        squeeze(card.xpath("h3")[0].text_content()): squeeze(card.text_content())
        for card in page.xpath("//li[contains(@class, 'small-multiple')]")
    }
    trajectory = voted.trajectory
    summary = cards[f"{trajectory.number}{trajectory.title}"]
    assert f"1 proposition publiée · 5 votes · 70{NARROW}% d’adhésion" in summary
    assert f"3 d’accord (60{NARROW}%)" in summary
    assert f"1 mitigé (20{NARROW}%)" in summary
    assert f"1 pas d’accord (20{NARROW}%)" in summary
    assert cards["9Sans vote"].startswith("9Sans vote 0 proposition publiée · 0 vote")
    assert "d’adhésion" not in cards["9Sans vote"]


def test_every_figure_has_its_how_to_read_note(client, voted):
    text = squeeze(
        lxml.html.fromstring(client.get(reverse("results")).content).text_content()
    )
    for note in (
        f"Comment lire l’adhésion, de 0{NARROW}% à 100{NARROW}%",
        "Comment lire le score de classement, de 0 à 1",
        "Comment lire le score de consensus, de 0 à 1",
    ):
        assert note in text


def test_a_second_question_in_another_trajectory_is_counted_there(client, voted):
    other = GuidingQuestionFactory(
        trajectory=TrajectoryFactory(theme=voted.trajectory.theme, number=12)
    )
    ProposalFactory.create_batch(2, question=other)
    page = lxml.html.fromstring(client.get(reverse("results")).content)
    texts = [
        squeeze(li.text_content())
        for li in page.xpath("//li[contains(@class, 'small-multiple')]")
    ]
    twelve = next(text for text in texts if text.startswith("12"))
    assert "2 propositions publiées · 0 vote" in twelve


def _region_row(code, approval, total=100):
    agree = round(total * approval / 100)
    return {
        "key": code,
        "agree": agree,
        "mixed": 0,
        "disagree": total - agree,
        "total": total,
        "approval": approval,
    }


def test_regions_that_approve_alike_still_show_who_is_above_the_national_figure():
    """All regions between 59 % and 63 %: one colour on a fixed scale, five here."""
    codes = list(TILES)
    approvals = [59, 60, 61, 62, 63] * 3 + [61, 61, 61]
    rows = [
        _region_row(code, value) for code, value in zip(codes, approvals, strict=True)
    ]
    scale = approval_scale(rows)
    assert scale["national"] == 61
    levels = {value: approval_level(value, scale) for value in approvals}
    assert levels == {59: -2, 60: -1, 61: 0, 62: 1, 63: 2}
    assert [(band["low"], band["high"]) for band in scale["bands"]] == [
        (0, 59),
        (60, 60),
        (61, 61),
        (62, 62),
        (63, 100),
    ]


def test_the_approval_scale_widens_with_the_regions_spread_and_stays_within_0_100():
    rows = [_region_row("53", 95), _region_row("76", 35), _region_row("11", 65)]
    scale = approval_scale(rows)
    assert scale["national"] == 65 and scale["step"] == 10
    assert approval_level(95, scale) == 2 and approval_level(35, scale) == -2
    assert approval_level(74, scale) == 0 and approval_level(75, scale) == 1
    everyone = approval_scale([_region_row("53", 99), _region_row("76", 100)])
    assert everyone["bands"][-1]["high"] == 100
    assert all(0 <= band["low"] <= band["high"] <= 100 for band in everyone["bands"])
