"""
The scores that order proposals in lists and results (docs/contracts.md, "Ranking").

Pure functions of vote counts, so that they can be tested on their own and computed
where the counts are: in `services.vote_cast` for the stored score, in `results` for
the breakdowns.
"""

import math
from typing import Any

Z_95 = 1.959963984540054  # two-sided 95 % normal quantile

# What each choice weighs in the approval share: « Mitigé » counts half an « D'accord ».
# The SQL function of migration 0018 and the results' smoothed share use the same
# weights (`tests/proposals/test_ranking.py` checks the database's over many counts).
# Keyed by `Choice` values (this module is below the models, which import it).
APPROVAL_WEIGHTS = {"agree": 1.0, "mixed": 0.5, "disagree": 0.0}

# A proposal is ranked (best ranked, divisive) once it has this many votes, and enters
# the consensus list once they also come from this many regions: below, a score says
# more about chance than about the proposal.
RANKING_MIN_VOTES = 5
CONSENSUS_MIN_REGIONS = 2


def approval_share(agree: int, mixed: int, disagree: int) -> float:
    """Share of approval: a « Mitigé » counts half an « D'accord »."""
    total = agree + mixed + disagree
    if not total:
        return 0.0
    weights = APPROVAL_WEIGHTS
    return (
        weights["agree"] * agree
        + weights["mixed"] * mixed
        + weights["disagree"] * disagree
    ) / total


def wilson_lower_bound(agree: int, mixed: int, disagree: int, z: float = Z_95) -> float:
    """Lower bound of the 95 % Wilson interval of the approval share (0 if no vote)."""
    n = agree + mixed + disagree
    if n == 0:
        return 0.0
    p = approval_share(agree, mixed, disagree)
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - margin) / (1 + z2 / n)


def distribution(agree: int, mixed: int, disagree: int) -> list[dict[str, Any]]:
    """The three choices as segments of a 0–100 bar: key, count, start and width."""
    total = agree + mixed + disagree
    segments, start = [], 0.0
    for key, count in (("agree", agree), ("mixed", mixed), ("disagree", disagree)):
        width = 100 * count / total if total else 0.0
        segments.append(
            {
                "key": key,
                "count": count,
                "x": start,
                "width": width,
                "percent": round(width),
                # Ready for SVG attributes: no localised decimal comma, no filter.
                "svg_x": f"{start:.3f}",
                "svg_width": f"{width:.3f}",
            }
        )
        start += width
    return segments


def register_sqlite_function(sender: object, connection: Any, **kwargs: object) -> None:
    """`wilson_lower_bound` in SQL on each new SQLite connection (a
    `connection_created` receiver); PostgreSQL has it from migration 0018."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "wilson_lower_bound", 3, wilson_lower_bound, deterministic=True
        )
