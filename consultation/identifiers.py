"""
French legal identifiers of organisations: SIREN (9 digits), SIRET (14 digits: the SIREN
and an establishment number) and RNA (associations: "W" and 9 digits).

An organisation is identified by its SIREN (the first nine digits of a SIRET) or its RNA
number: that key is what makes "one organisation, one account" hold.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LA_POSTE_SIREN = "356000000"  # La Poste's SIRETs use another checksum (sum of digits)


def luhn_valid(digits):
    """The Luhn checksum used by SIREN and SIRET numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def parse_legal_identifier(value):
    """
    Normalise a SIREN, SIRET or RNA number and return (identifier, organisation key),
    or raise ValidationError with a message for the person who typed it.
    """
    # Look-alikes (fullwidth digits and letters) are read as what they look like;
    # digits of other scripts are not digits here: one organisation, one key.
    compact = re.sub(r"[\s.\-]", "", unicodedata.normalize("NFKC", value or "")).upper()
    if re.fullmatch(r"W[0-9]{9}", compact, re.ASCII):
        return compact, compact
    if re.fullmatch(r"[0-9]{9}", compact):
        if not luhn_valid(compact):
            raise ValidationError(
                _("Ce numéro SIREN n'est pas valide : vérifiez ses chiffres."),
                code="invalid_siren",
            )
        return compact, compact
    if re.fullmatch(r"[0-9]{14}", compact):
        siren = compact[:9]
        valid = (
            sum(int(char) for char in compact) % 5 == 0
            if siren == LA_POSTE_SIREN
            else luhn_valid(compact) and luhn_valid(siren)
        )
        if not valid:
            raise ValidationError(
                _("Ce numéro SIRET n'est pas valide : vérifiez ses chiffres."),
                code="invalid_siret",
            )
        return compact, siren
    raise ValidationError(
        _(
            "Saisissez un SIREN (9 chiffres), un SIRET (14 chiffres) ou un numéro RNA "
            "(W suivi de 9 chiffres)."
        ),
        code="invalid_format",
    )
