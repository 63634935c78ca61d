"""
The results kept in parts, one per trajectory (`results.results_parts`): merged, they
say what one reading of the whole consultation says; a decision on one trajectory's
proposals computes its part alone again.
"""

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from proposals import results, services
from proposals.selectors import consultation_figures
from tests.every_state import every_state
from trajectories.models import Trajectory

pytestmark = pytest.mark.django_db

LIMIT = results.RESULTS_LIST_LENGTH


@pytest.fixture
def world(db):
    """Every state: several trajectories and regions, withdrawn and answered
    proposals."""
    return every_state()


def _pks(proposals):
    return [proposal.pk for proposal in proposals]


def test_the_merged_parts_say_what_one_reading_of_the_whole_says(world):
    consultation = world.consultation
    merged = results.consultation_results(consultation=consultation, limit=LIMIT)
    whole = results.consultation_overview(consultation, by_trajectory=True)
    figures = dict(whole["figures"])
    assert {
        name: merged["figures"][name]
        for name in ("proposals", "unranked", "votes", "organisations", "regions")
    } == {
        name: figures[name]
        for name in ("proposals", "unranked", "votes", "organisations", "regions")
    }
    assert merged["figures"]["votes"] > 0
    assert merged["breakdowns"] == whole["breakdowns"]
    assert merged["coverage"] == whole["coverage"]
    assert merged["sources"] == results.source_comparison(figures["sources"])
    assert merged["answers"] == results.answer_counts(figures["answers"])
    assert _pks(merged["top"]) == _pks(
        results.proposal_top_per_trajectory(consultation=consultation, limit=LIMIT)
    )
    assert len({p.question.trajectory_id for p in merged["top"]}) > 1
    consensus = results.proposal_consensus_list(
        consultation=consultation, limit=LIMIT, voting_regions=whole["voting_regions"]
    )
    assert [(p.pk, round(score, 9)) for p, score in merged["consensus"]] == [
        (p.pk, round(score, 9)) for p, score in consensus
    ]
    assert consensus
    assert _pks(merged["divisive"]) == _pks(
        results.proposal_divisive_list(consultation=consultation, limit=LIMIT)
    )
    withdrawn = _pks(results.proposal_withdrawn_list(consultation=consultation))
    assert _pks(merged["withdrawn"]) == withdrawn
    assert world["withdrawn"].pk in withdrawn
    summaries = results.trajectory_summaries(
        Trajectory.objects.filter(consultation=consultation).order_by("number", "pk"),
        figures["trajectories"],
    )
    assert [(s["key"], s["total"], s["proposals"]) for s in merged["trajectories"]] == [
        (s["key"], s["total"], s["proposals"]) for s in summaries
    ]
    # The home page's key figures, from the same parts.
    assert results.consultation_key_figures(consultation) == consultation_figures(
        consultation=consultation
    )


def test_a_decision_computes_the_part_of_its_trajectory_alone_again(
    world, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    consultation = world.consultation
    results.consultation_results(consultation=consultation, limit=LIMIT)
    computed = []
    compute = results._compute_parts
    monkeypatch.setattr(
        results,
        "_compute_parts",
        lambda consultation, ids, limit: (
            computed.append(sorted(ids)) or compute(consultation, ids, limit)
        ),
    )
    popular = world["popular"]
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(
            proposal=popular, moderator=moderator, reason="Hors sujet."
        )
    after = results.consultation_results(consultation=consultation, limit=LIMIT)
    assert computed == [[popular.question.trajectory_id]]
    # And what it shows is that of the whole, read again: the rejected one is gone.
    assert popular.pk not in _pks(after["top"])
    assert popular.pk not in [p.pk for p, _score in after["consensus"]]
    assert (
        after["figures"]["proposals"]
        == consultation_figures(consultation=consultation)["proposals"]
    )
    page = Client().get(reverse("results")).content.decode()
    assert popular.get_absolute_url() not in page


def _published_count(page):
    """The key figure « propositions publiées » as the page writes it."""
    tree = lxml.html.fromstring(page)
    figure = tree.xpath("//*[contains(@class, 'figure-box')]")[0]
    return " ".join(figure.text_content().split())


def test_a_decision_stales_the_results_at_once_only_on_a_proposal_they_show(
    world, moderator, settings, django_capture_on_commit_callbacks
):
    """Rejecting a proposal the results show takes it off at once; rejecting one they
    do not show moves only their figures, which follow at their next freshness."""
    settings.RESULTS_CACHE_SECONDS = 0  # each kept copy is past its freshness
    url = reverse("results")
    reader = Client()
    before = reader.get(url).content
    unshown, shown = world["published"], world["popular"]
    assert unshown.get_absolute_url().encode() not in before
    assert shown.get_absolute_url().encode() in before
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(proposal=unshown, moderator=moderator, reason="Non.")
    kept = reader.get(url)
    assert kept["X-Page-Cache"] == "stale"  # served, then rendered again
    assert kept.content == before
    assert _published_count(reader.get(url).content) != _published_count(before)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(proposal=shown, moderator=moderator, reason="Non.")
    response = reader.get(url)
    assert "X-Page-Cache" not in response  # rendered now, without it
    assert shown.get_absolute_url().encode() not in response.content


def test_a_decision_leaves_the_home_page_whose_figures_follow_at_its_freshness(
    world, moderator, settings, django_capture_on_commit_callbacks
):
    """The home page names no proposal: a decision moves only its key figures."""
    settings.RESULTS_CACHE_SECONDS = 0  # each kept copy is past its freshness
    reader = Client()
    before = reader.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(
            proposal=world["popular"], moderator=moderator, reason="Non."
        )
    kept = reader.get("/")
    assert kept["X-Page-Cache"] == "stale"  # served, then rendered again
    assert kept.content == before
    after = reader.get("/").content
    assert _published_count(after) != _published_count(before)
