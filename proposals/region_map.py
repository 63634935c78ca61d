"""
France's 18 regions as a grid cartogram: one tile per region, placed roughly where it
lies, the five overseas regions on a row of their own. The results page draws it in
SVG on the server (no map library, no script) next to a table with the same figures.
"""

import math
from typing import Any

from consultation.text import french_sort_key

from .ranking import approval_share

# INSEE code: (abbreviation, column, row).
TILES = {
    "32": ("HDF", 2, 0),
    "28": ("NOR", 1, 1),
    "11": ("IDF", 2, 1),
    "44": ("GES", 3, 1),
    "53": ("BRE", 0, 2),
    "52": ("PDL", 1, 2),
    "24": ("CVL", 2, 2),
    "27": ("BFC", 3, 2),
    "75": ("NAQ", 1, 3),
    "84": ("ARA", 2, 3),
    "76": ("OCC", 2, 4),
    "93": ("PAC", 3, 4),
    "94": ("COR", 4, 5),
    "01": ("GUA", 0, 6),
    "02": ("MTQ", 1, 6),
    "03": ("GUF", 2, 6),
    "04": ("REU", 3, 6),
    "06": ("MAY", 4, 6),
}
TILE, STEP = 56, 60
WIDTH, HEIGHT = 5 * STEP, 7 * STEP
LEVELS = 4
# The approval map's shades, from far below the national figure to far above it.
APPROVAL_SHADES = {-2: "below-2", -1: "below-1", 0: "near", 1: "above-1", 2: "above-2"}


def participation_level(votes: int, most: int) -> int:
    """1 to 4 by the region's votes relative to the region that voted most; 0: none."""
    return math.ceil(LEVELS * votes / most) if votes else 0


def approval_scale(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """
    A diverging scale centred on the national approval (% of all regional votes): a
    band of `step` points either side of it, then two bands of `step` points below and
    above, `step` chosen so that the region furthest from the national figure falls in
    the outermost band. Regions that all approve alike still show who is above.
    """
    voted = [row for row in rows if row["total"] and row["key"] in TILES]
    national = round(
        100
        * approval_share(
            sum(row["agree"] for row in voted),
            sum(row["mixed"] for row in voted),
            sum(row["disagree"] for row in voted),
        )
    )
    furthest = max((abs(row["approval"] - national) for row in voted), default=0)
    step = max(1, math.ceil(furthest / 3))
    bounds = {
        -2: (0, national - 2 * step),
        -1: (national - 2 * step + 1, national - step),
        0: (national - step + 1, national + step - 1),
        1: (national + step, national + 2 * step - 1),
        2: (national + 2 * step, 100),
    }
    bands = [
        {"level": level, "shade": APPROVAL_SHADES[level], "low": low, "high": high}
        for level, (low, high) in bounds.items()
        if max(low, 0) <= min(high, 100)
    ]
    return {"national": national, "step": step, "bands": bands}


def approval_level(approval: float, scale: dict[str, Any]) -> int:
    """-2 to 2: how far a region's approval lies from the national figure, in bands."""
    gap = approval - scale["national"]
    bands = min(abs(gap) // scale["step"], 2)
    return int(math.copysign(bands, gap)) if bands else 0


def region_tiles(
    rows: list[dict[str, Any]],
    names: dict[str, str],
    scale: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """
    A tile per region with its votes, its share of all votes and its approval, from the
    per-region rows of `results.tally_breakdowns` ({code: name} in `names`); in the
    regions' French alphabetical order, as the table beside the map lists them. The
    approval shade follows `scale` (`approval_scale(rows)` unless given).
    """
    scale = scale or approval_scale(rows)
    by_code = {row["key"]: row for row in rows}
    total = sum(row["total"] for row in rows) or 1
    most = max((row["total"] for row in rows if row["key"] in TILES), default=0)
    tiles = []
    for code, (abbreviation, column, row_number) in TILES.items():
        row = by_code.get(code, {})
        votes = row.get("total", 0)
        approval = row.get("approval", 0)
        participation = participation_level(votes, most)
        approval_shade = (
            APPROVAL_SHADES[approval_level(approval, scale)] if votes else "none"
        )
        tiles.append(
            {
                "code": code,
                "name": names.get(code, code),
                "abbreviation": abbreviation,
                "x": column * STEP + (STEP - TILE) // 2,
                "y": row_number * STEP + (STEP - TILE) // 2,
                "size": TILE,
                "centre_x": column * STEP + STEP // 2,
                "votes": votes,
                "share": round(100 * votes / total),
                "approval": approval,
                "participation_shade": str(participation) if votes else "none",
                "approval_shade": approval_shade,
            }
        )
    return sorted(tiles, key=lambda tile: french_sort_key(tile["name"]))
