"""Text that people type, as the site keeps it."""

import unicodedata

# The language the consultation's content (proposals, titles, questions) is written in.
CONTENT_LANGUAGE = "fr"


def french_sort_key(text):
    """A key that sorts as French readers expect: accents and case aside, so that
    « Île-de-France » comes among the I, not after the Z as a byte order puts it."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def visible_text(text: str) -> str:
    """
    `text` without its invisible format characters (zero-width spaces and joiners,
    direction overrides, byte-order marks: Unicode's category Cf), whitespace folded to
    single spaces: what a reader sees is what is stored, and a text of invisible
    characters alone is empty.
    """
    shown = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(shown.split())


def counted(count, kind):
    """« 1 vote », « 1 000 votes »: a count, grouped in the reader's language, and
    its noun agreeing with it. `kind` is one of "votes", "proposals" (published),
    "organisations"."""
    from django.utils.formats import number_format
    from django.utils.translation import ngettext

    # Literal calls, so that `make messages` finds them.
    phrase = {
        "votes": lambda: ngettext("%(count)s vote", "%(count)s votes", count),
        "proposals": lambda: ngettext(
            "%(count)s proposition publiée", "%(count)s propositions publiées", count
        ),
        "organisations": lambda: ngettext(
            "%(count)s organisation", "%(count)s organisations", count
        ),
    }[kind]()
    return phrase % {"count": number_format(count, force_grouping=True)}
