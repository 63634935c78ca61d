"""Reading pages' text in the tests, French typography included."""

import re

# The narrow no-break space of French numbers and percentages (« 1 000 », « 62 % »).
NARROW = "\u202f"


def squeeze(text):
    """Collapse ASCII white space only: the no-break spaces are what is tested."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()
