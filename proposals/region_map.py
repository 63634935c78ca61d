"""
France's 18 regions as a grid cartogram: one tile per region, placed roughly where it
lies, the five overseas regions on a row of their own. The results page draws it in
SVG on the server (no map library, no script) next to a table with the same figures.
"""

import math

from consultation.text import french_sort_key

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
# Levels of approval (%) from which a tile takes the next shade: 1 below 40 %, …
APPROVAL_STEPS = (40, 55, 70)
LEVELS = 4


def participation_level(votes, most):
    """1 to 4 by the region's votes relative to the region that voted most; 0: none."""
    return math.ceil(LEVELS * votes / most) if votes else 0


def approval_level(approval, votes):
    if not votes:
        return 0
    return 1 + sum(approval >= step for step in APPROVAL_STEPS)


def region_tiles(rows, names):
    """
    A tile per region with its votes, its share of all votes and its approval, from the
    per-region rows of `results.tally_breakdowns` ({code: name} in `names`); in the
    regions' French alphabetical order, as the table beside the map lists them.
    """
    by_code = {row["key"]: row for row in rows}
    total = sum(row["total"] for row in rows) or 1
    most = max((row["total"] for row in rows if row["key"] in TILES), default=0)
    tiles = []
    for code, (abbreviation, column, row_number) in TILES.items():
        row = by_code.get(code, {})
        votes = row.get("total", 0)
        approval = row.get("approval", 0)
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
                "participation_level": participation_level(votes, most),
                "approval_level": approval_level(approval, votes),
            }
        )
    return sorted(tiles, key=lambda tile: french_sort_key(tile["name"]))
