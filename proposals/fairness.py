"""
Was the random order fair? The spread of the exposures of a trajectory's proposals
(how often each was shown in a list in the random order): minimum, median, maximum and
Gini coefficient (0 when every proposal was shown as often, towards 1 when a few took
all the showings), and the votes per 1,000 exposures.
"""

from collections.abc import Collection, Iterable
from statistics import median
from typing import Any

from consultation.models import Consultation

from .models import Proposal


def gini(values: Iterable[float]) -> float:
    """Gini coefficient of non-negative `values` (0 for none, or all zero)."""
    ordered = sorted(values)
    count, total = len(ordered), sum(ordered)
    if count == 0 or total == 0:
        return 0.0
    weighted = sum(rank * value for rank, value in enumerate(ordered, start=1))
    return 2 * weighted / (count * total) - (count + 1) / count


def votes_per_thousand(votes: int, exposures: int) -> float | None:
    """Votes per 1,000 exposures, or None before the first exposure."""
    return round(1000 * votes / exposures, 1) if exposures else None


def exposure_spread(exposures: list[int]) -> dict[str, float]:
    """{"min", "median", "max", "gini", "total"} of a list of exposures."""
    if not exposures:
        return {"min": 0, "median": 0, "max": 0, "gini": 0.0, "total": 0}
    return {
        "min": min(exposures),
        "median": median(exposures),
        "max": max(exposures),
        "gini": round(gini(exposures), 3),
        "total": sum(exposures),
    }


def exposure_fairness(
    consultation: Consultation, trajectory_ids: Collection[int] | None = None
) -> dict[int, dict[str, Any]]:
    """Per trajectory (of those named), the spread of its published proposals'
    exposures and their votes per 1,000 exposures: {trajectory id: {"proposals",
    "spread", "votes_per_thousand"}} (one query)."""
    proposals = Proposal.objects.public_in(consultation)
    if trajectory_ids is not None:
        proposals = proposals.filter(question__trajectory__in=trajectory_ids)
    rows = proposals.order_by().values_list(
        "question__trajectory_id", "exposure__count", "vote_count"
    )
    by_trajectory: dict[int, tuple[list[int], list[int]]] = {}
    for trajectory_id, exposures, votes in rows:
        counts = by_trajectory.setdefault(trajectory_id, ([], []))
        counts[0].append(exposures or 0)
        counts[1].append(votes)
    return {
        trajectory_id: {
            "proposals": len(exposures),
            "spread": exposure_spread(exposures),
            "votes_per_thousand": votes_per_thousand(sum(votes), sum(exposures)),
        }
        for trajectory_id, (exposures, votes) in by_trajectory.items()
    }
