"""Text that people type, as the site keeps it."""

import unicodedata


def visible_text(text):
    """
    `text` without its invisible format characters (zero-width spaces and joiners,
    direction overrides, byte-order marks: Unicode's category Cf), whitespace folded to
    single spaces: what a reader sees is what is stored, and a text of invisible
    characters alone is empty.
    """
    shown = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(shown.split())
