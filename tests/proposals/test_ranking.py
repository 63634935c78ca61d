"""
The scores, pinned to hand-computed values, and the rules of the rankings: « Mitigé »
counts half an « D'accord » in every score, and only proposals with enough votes (and,
for the consensus, enough regions) are ranked.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from consultation.models import Region
from proposals import services
from proposals.models import VoteTally
from proposals.ranking import (
    CONSENSUS_MIN_REGIONS,
    RANKING_MIN_VOTES,
    approval_share,
    wilson_lower_bound,
)
from proposals.results import consultation_results
from tests.factories import ProposalFactory, UserFactory


@pytest.mark.parametrize(
    ("agree", "mixed", "disagree", "expected"),
    [
        # 8 of 10: p = 0.8, n = 10, z = 1.96 (the textbook case).
        (8, 0, 2, 0.49016),
        # « Mitigé » counts half: 2 + ½ × 2 of 4, p = 0.75, n = 4.
        (2, 2, 0, 0.30064),
        # One vote proves little: 1 of 1 scores 0.2065, below 10 of 10 (0.7225).
        (1, 0, 0, 0.20655),
        (10, 0, 0, 0.72247),
        (0, 0, 5, 0.0),
        (0, 0, 0, 0.0),
    ],
)
def test_the_wilson_lower_bound_of_hand_computed_cases(
    agree, mixed, disagree, expected
):
    assert wilson_lower_bound(agree, mixed, disagree) == pytest.approx(
        expected, abs=5e-6
    )


def test_the_approval_share_counts_mixed_as_half():
    assert approval_share(1, 2, 1) == 0.5
    assert approval_share(0, 0, 0) == 0.0


def test_the_thresholds_are_those_the_results_page_states(client, consultation):
    page = client.get(reverse("results")).content.decode()
    assert f"au moins {RANKING_MIN_VOTES} votes" in page
    assert f"au moins {CONSENSUS_MIN_REGIONS} régions" in page


@pytest.fixture
def regions(db):
    return {code: Region.objects.get(code=code) for code in ("53", "94", "11")}


def vote(proposal, region, choice):
    services.vote_cast(
        proposal=proposal, voter=UserFactory(region=region), choice=choice
    )


@pytest.mark.django_db
def test_the_consensus_score_of_a_hand_computed_case(question, regions):
    brittany, corsica = regions["53"], regions["94"]
    proposal = ProposalFactory(question=question)
    for choice in ["agree", "agree", "agree"]:
        vote(proposal, brittany, choice)
    vote(proposal, corsica, "agree")
    vote(proposal, corsica, "mixed")
    results = consultation_results(
        consultation=question.trajectory.consultation, limit=10
    )
    # Brittany (3 + 1) / (3 + 2) × Corsica (1 + ½ + 1) / (2 + 2) = 0.8 × 0.625.
    assert [(p.pk, round(score, 6)) for p, score in results["consensus"]] == [
        (proposal.pk, 0.5)
    ]


@pytest.mark.django_db
def test_a_removed_vote_leaves_no_empty_tally_and_no_rank(question, regions):
    proposal = ProposalFactory(question=question)
    voter = UserFactory(region=regions["53"])
    services.vote_cast(proposal=proposal, voter=voter, choice="agree")
    services.vote_cast(proposal=proposal, voter=voter, choice=None)
    assert not VoteTally.objects.filter(proposal=proposal).exists()
    results = consultation_results(
        consultation=question.trajectory.consultation, limit=10
    )
    assert results["consensus"] == []
    assert results["top"] == []


@pytest.mark.django_db
def test_only_proposals_with_enough_votes_and_regions_are_ranked(question, regions):
    few = ProposalFactory(question=question, text="Peu de votes")
    one_region = ProposalFactory(question=question, text="Une seule région")
    enough = ProposalFactory(question=question, text="Assez de votes")
    for _ in range(RANKING_MIN_VOTES - 1):
        vote(few, regions["53"], "agree")
    for _ in range(RANKING_MIN_VOTES):
        vote(one_region, regions["53"], "agree")
    for index in range(RANKING_MIN_VOTES):
        vote(enough, regions["53" if index % 2 else "94"], "agree")
    ProposalFactory(question=question, text="Aucun vote")
    results = consultation_results(
        consultation=question.trajectory.consultation, limit=10
    )
    # Same score and votes: the older first.
    assert [p.text for p in results["top"]] == ["Une seule région", "Assez de votes"]
    assert [p.rank for p in results["top"]] == [1, 2]
    assert [p.text for p, _ in results["consensus"]] == ["Assez de votes"]
    assert results["figures"]["unranked"] == 2  # « Peu de votes » and « Aucun vote »


@pytest.mark.django_db
def test_the_proposal_page_gives_its_score_with_its_scale_once_ranked(
    client, question, regions
):
    proposal = ProposalFactory(question=question)
    vote(proposal, regions["53"], "agree")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert f"classée à partir de {RANKING_MIN_VOTES} votes" in page
    for _ in range(RANKING_MIN_VOTES - 1):
        vote(proposal, regions["94"], "agree")
    cache.clear()  # anonymous readers see votes once the cached page expires
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Score de classement : 0,57 sur 1" in page  # 5 of 5: 0.5655


def test_the_approval_weights_are_those_of_every_choice():
    from proposals.models import Choice
    from proposals.ranking import APPROVAL_WEIGHTS

    assert set(APPROVAL_WEIGHTS) == set(Choice.values)
    assert approval_share(1, 1, 1) == sum(APPROVAL_WEIGHTS.values()) / 3


@pytest.mark.django_db
def test_the_database_s_score_is_the_python_score_for_every_count_up_to_12():
    """The SQL function (migration 0018 on PostgreSQL) and `wilson_lower_bound`, hence
    the approval weights, agree to the last bit over 2,197 counts."""
    from django.db import connection

    counts = [(a, m, d) for a in range(13) for m in range(13) for d in range(13)]
    scores = []
    with connection.cursor() as cursor:
        for start in range(0, len(counts), 400):  # SQLite's compound SELECT limit
            batch = counts[start : start + 400]
            cursor.execute(
                " UNION ALL ".join(
                    ["SELECT %s AS i, wilson_lower_bound(%s, %s, %s) AS s"] * len(batch)
                )
                + " ORDER BY i",
                [value for i, c in enumerate(batch, start) for value in (i, *c)],
            )
            scores += [score for _i, score in cursor.fetchall()]
    assert scores == [wilson_lower_bound(*c) for c in counts]
