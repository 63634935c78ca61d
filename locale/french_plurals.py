"""
Fill the French catalogue (run by `make messages`).

The interface is written in French, so French needs no translation, except for two
things. Plurals: without a French catalogue gettext applies the English rule and
writes « 0 mitigés » where French says « 0 mitigé » (plural from 2 on). Apostrophes:
the source text types the straight ' (as the English catalogue's keys do), French
typography prints ’. The catalogue keeps the plural messages and those with an
apostrophe between letters, each translated by itself with ’ for '.
"""

import re
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).resolve().parent / "fr/LC_MESSAGES/django.po"
# An apostrophe between two letters (l'ESS, aujourd'hui), not a quote around a word.
APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def typographic(text):
    return APOSTROPHE.sub("\u2019", text)


def main():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="fr")
    for message in list(catalogue):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(typographic(form) for form in message.id)
            message.flags.discard("fuzzy")
        elif APOSTROPHE.search(message.id):
            message.string = typographic(message.id)
            message.flags.discard("fuzzy")
        else:
            catalogue.delete(message.id, context=message.context)
    catalogue.fuzzy = False
    catalogue.project = "Trajectoires ESS"
    with CATALOGUE.open("wb") as po:
        write_po(po, catalogue, width=88, omit_header=False)


if __name__ == "__main__":
    main()
