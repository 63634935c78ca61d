"""Comparing proposal texts: two texts that differ only in case, accents, punctuation or
spacing are the same proposal."""

import hashlib
import re
import unicodedata


def normalise_text(text):
    """Lower-case, accent-free, punctuation-free text with single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(
        char for char in decomposed if not unicodedata.combining(char)
    )
    return " ".join(re.findall(r"\w+", without_accents))


def text_fingerprint(text):
    """A fixed-size key of the normalised text, for an index and a constraint."""
    return hashlib.sha256(normalise_text(text).encode()).hexdigest()
