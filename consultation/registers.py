"""
Organisations checked against the official registers: INSEE's SIRENE stock of legal
units and the associations' register RNA, both open data, imported by
`manage.py import_registers` (`consultation.register_import`).

What is kept of SIRENE: the legal units the consultation may meet — every unit flagged
ESS (`economieSocialeSolidaireUniteLegale` = `O`) and every unit of the legal categories
`KEPT_CATEGORIES` names (associations, foundations, cooperatives, mutuals, public
bodies), active or ceased. Of the RNA: every association.

With a register imported, a SIREN or SIRET is looked up at sign-up, in the profile and
in the admin: unknown (for an organisation of a kind the import keeps) or ceased, it is
refused; found, its official name is kept beside the one typed, and a difference lists
the account for the moderators. An RNA number is looked up in the RNA and in SIRENE's
`identifiantAssociationUniteLegale`; when a register links it to a SIREN, that SIREN is
the organisation's key: one voice, whichever number it signed up with. Without any
import, identifiers are self-declared and the moderators verify them.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.utils.translation import gettext_lazy as _

from .identifiers import parse_legal_identifier
from .models import (
    OrganisationType,
    Register,
    RegisteredAssociation,
    RegisteredUnit,
    RegisterImport,
)

# INSEE's legal categories (`categorieJuridiqueUniteLegale`) kept, by their first
# digits: a unit is kept when its category starts with one of these.
KEPT_CATEGORIES = {
    # Associations (9210 non déclarée, 9220 déclarée, 9221–9224, 9230 reconnue
    # d'utilité publique, 9240 congrégation, 9260 de droit local).
    "92": "associations",
    # Foundations (9300) and other private legal persons of the same kind.
    "93": "foundations",
    # Mutual bodies (8210 mutuelle, 8250 assurance mutuelle agricole, 8290 autre).
    "82": "mutual bodies",
    "6411": "mutual insurance companies",
    # Cooperatives: SARL (5432–5460), SA with a board (5543–5560) or a supervisory
    # board (5643–5660), agricultural (6316 CUMA, 6317, 6318), civil (6532–6534).
    **dict.fromkeys(
        (  # noqa: SIM905 - 35 codes, read as a table
            "5432 5443 5451 5453 5454 5455 5458 5459 5460 5543 5547 5551 5552 "
            "5553 5554 5555 5558 5559 5560 5643 5647 5651 5652 5653 5654 5655 "
            "5658 5659 5660 6316 6317 6318 6532 6533 6534"
        ).split(),
        "cooperatives",
    ),
    # The State, local authorities, public establishments, other public bodies.
    "71": "the State",
    "72": "local authorities",
    "73": "public establishments",
    "74": "other public bodies",
}
_KEPT_PREFIXES = tuple(KEPT_CATEGORIES)

# The kinds of organisation whose SIREN an import holds whenever it exists: an unknown
# one is refused. Others (companies outside the ESS, research, networks, citizens) may
# have a SIREN the import does not keep: unknown, it stays self-declared.
REGISTERED_KINDS = {
    OrganisationType.ASSOCIATION,
    OrganisationType.COOPERATIVE,
    OrganisationType.MUTUAL,
    OrganisationType.FOUNDATION,
    OrganisationType.ESS_COMPANY,
    OrganisationType.LOCAL_AUTHORITY,
    OrganisationType.PUBLIC_BODY,
}


def unit_kept(legal_category, ess_flag):
    """Whether a SIRENE legal unit is one the consultation may meet."""
    return ess_flag == "O" or legal_category.startswith(_KEPT_PREFIXES)


@dataclass(frozen=True)
class Identity:
    """What an identifier says of an organisation: the identifier as stored, the key
    that makes one organisation one voice, and its name in a register ("" when no
    register knows it)."""

    identifier: str
    key: str
    registered_name: str = ""


IMPORTED_CACHE_KEY = "registers:imported"


def imported_registers():
    """The registers imported so far: {Register value: RegisterImport}, kept a minute
    in the cache (an import forgets it: `register_import`)."""
    imported = cache.get(IMPORTED_CACHE_KEY)
    if imported is None:
        imported = {each.register: each for each in RegisterImport.objects.all()}
        cache.set(IMPORTED_CACHE_KEY, imported, timeout=60)
    return imported


def organisation_identity(value, organisation_type=""):
    """
    The `Identity` of a typed SIREN, SIRET or RNA number, checked against the
    imported registers; a ValidationError with a French message when it is invalid,
    unknown to a register that should hold it, or of an organisation that ceased.
    """
    identifier, key = parse_legal_identifier(value)
    imported = imported_registers()
    if not imported:
        return Identity(identifier, key)
    if identifier.startswith("W"):
        return _association_identity(identifier, imported)
    unit = next(
        iter(RegisteredUnit.objects.filter(siren=key).only("name", "active")[:1]), None
    )
    if unit is None:
        if Register.SIRENE in imported and organisation_type in REGISTERED_KINDS:
            raise ValidationError(
                _(
                    "Ce numéro SIREN (%(siren)s) n’est pas dans le répertoire SIRENE "
                    "de l’INSEE : vérifiez-le, ou écrivez à l’équipe de la "
                    "consultation."
                ),
                params={"siren": key},
                code="unknown_siren",
            )
        return Identity(identifier, key)
    if not unit.active:
        raise ValidationError(
            _(
                "L’organisation de ce numéro SIREN (%(siren)s) a cessé son activité "
                "selon le répertoire SIRENE."
            ),
            params={"siren": key},
            code="ceased",
        )
    return Identity(identifier, key, unit.name)


def _association_identity(rna, imported):
    """An RNA number, looked up in the RNA and in SIRENE; keyed by its SIREN when a
    register links it to one."""
    # Both registers read in one round trip: (register, name, active, siren) rows.
    rows = list(
        RegisteredAssociation.objects.filter(rna=rna)
        .annotate(register=Value(Register.RNA))
        .values_list("register", "name", "active", "siren")
        .union(
            RegisteredUnit.objects.filter(rna=rna)
            .annotate(register=Value(Register.SIRENE))
            .values_list("register", "name", "active", "siren"),
            all=True,
        )
    )
    association = next((row for row in rows if row[0] == Register.RNA), None)
    # Several legal units may name one association: an active one first.
    unit = min(
        (row for row in rows if row[0] == Register.SIRENE),
        key=lambda row: (not row[2], row[3]),
        default=None,
    )
    if association is None and unit is None:
        raise ValidationError(
            _(
                "Ce numéro RNA (%(rna)s) n’est dans aucun répertoire importé (%("
                "registers)s) : vérifiez-le, ou écrivez à l’équipe de la consultation."
            ),
            params={
                "rna": rna,
                "registers": ", ".join(
                    str(Register(register).label) for register in sorted(imported)
                ),
            },
            code="unknown_rna",
        )
    if not (association or unit)[2]:
        raise ValidationError(
            _("L’association de ce numéro RNA (%(rna)s) est dissoute ou supprimée."),
            params={"rna": rna},
            code="ceased",
        )
    siren = (unit or association)[3]
    name = (association or unit)[1]
    return Identity(rna, siren or rna, name)


def _comparable(name):
    """A name without accents, case, punctuation or spaces."""
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", letters)


def names_differ(typed, registered):
    """Whether the name an organisation typed is not its registered name (neither
    holds the other once accents, case and punctuation are set aside)."""
    if not registered:
        return False
    typed, registered = _comparable(typed), _comparable(registered)
    return typed not in registered and registered not in typed
