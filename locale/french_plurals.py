"""
Fill the French catalogue with its plural forms (run by `make messages`).

The interface is written in French, so French needs no translation, except for
plurals: without a French catalogue gettext applies the English rule and writes
« 0 mitigés » where French says « 0 mitigé » (plural from 2 on). The catalogue keeps
only the plural messages, each translated by itself, under French's plural rule.
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).resolve().parent / "fr/LC_MESSAGES/django.po"


def main():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="fr")
    for message in list(catalogue):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id)
            message.flags.discard("fuzzy")
        else:
            catalogue.delete(message.id, context=message.context)
    catalogue.fuzzy = False
    catalogue.project = "Trajectoires ESS"
    with CATALOGUE.open("wb") as po:
        write_po(po, catalogue, width=88, omit_header=False)


if __name__ == "__main__":
    main()
