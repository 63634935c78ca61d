"""
`manage.py register_sample --sirene FILE [--rows N] [--rna FILE]`: register files in
the official formats, for measuring and testing `import_registers` without the real
downloads (3 GB): every column of INSEE's 2024 stock of legal units in its order,
legal categories in proportions like the real ones, valid SIREN numbers, ceased units,
units withheld from diffusion, associations with an RNA number; an RNA file
(semicolon-separated) of those associations with their SIRET, and others without.
"""

import csv
import random

from django.core.management.base import BaseCommand

SIRENE_HEADER = [
    "siren",
    "statutDiffusionUniteLegale",
    "unitePurgeeUniteLegale",
    "dateCreationUniteLegale",
    "sigleUniteLegale",
    "sexeUniteLegale",
    "prenom1UniteLegale",
    "prenom2UniteLegale",
    "prenom3UniteLegale",
    "prenom4UniteLegale",
    "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale",
    "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale",
    "nombrePeriodesUniteLegale",
    "categorieEntreprise",
    "anneeCategorieEntreprise",
    "dateDebut",
    "etatAdministratifUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale",
]
RNA_HEADER = [
    "id",
    "id_ex",
    "siret",
    "rup_mi",
    "gestion",
    "date_creat",
    "date_decla",
    "date_publi",
    "date_disso",
    "nature",
    "groupement",
    "titre",
    "titre_court",
    "objet",
    "objet_social1",
    "objet_social2",
    "adrs_complement",
    "adrs_numvoie",
    "adrs_repetition",
    "adrs_typevoie",
    "adrs_libvoie",
    "adrs_distrib",
    "adrs_codeinsee",
    "adrs_codepostal",
    "adrs_libcommune",
    "adrg_declarant",
    "adrg_complemid",
    "adrg_complemgeo",
    "adrg_libvoie",
    "adrg_distrib",
    "adrg_codepostal",
    "adrg_achemine",
    "adrg_pays",
    "dir_civilite",
    "siteweb",
    "publiweb",
    "observation",
    "position",
    "maj_time",
]
# Legal categories and their share of the sample (the rest: companies).
CATEGORIES = [
    ("9220", 0.16),  # association déclarée
    ("9210", 0.01),
    ("9300", 0.01),  # fondation
    ("5458", 0.01),  # SCOP (SARL)
    ("5560", 0.005),  # SA coopérative
    ("6317", 0.005),  # coopérative agricole
    ("8210", 0.005),  # mutuelle
    ("7210", 0.01),  # commune
    ("5710", 0.25),  # SAS
    ("5499", 0.20),  # SARL
    ("1000", 0.325),  # entrepreneur individuel
]
WORDS = [
    "Les Amis d'Émile", "Coopérative L'Épi & Cie", "Réseau", "Solidarités",
    "Jardins partagés", "Habitat participatif", "Mutuelle", "Fondation",
    "Anticonstitutionnellement", "Économie circulaire", "Tiers-lieu", "Café",
]  # fmt: skip


def _check_digit(body):
    """The digit that makes `body` + it pass the Luhn check."""
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char) * (1 if index % 2 else 2)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def siren_number(index):
    """The `index`-th valid SIREN: eight digits and the Luhn check digit."""
    body = f"{100_000_00 + index:08d}"
    return body + _check_digit(body)


def siret_number(siren, index):
    body = f"{siren}{index % 10000:04d}"
    return body + _check_digit(body)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--sirene", required=True, help="StockUniteLegale to write")
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--rna", help="rna_waldec file to write (optional)")
        parser.add_argument(
            "--rna-encoding", default="utf-8", help="e.g. cp1252, as older releases"
        )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, sirene, rows, rna, rna_encoding, seed, **options):
        chance = random.Random(seed)  # noqa: S311 - sample data, no secret
        codes = [code for code, _share in CATEGORIES]
        weights = [share for _code, share in CATEGORIES]
        associations = []
        template = dict.fromkeys(SIRENE_HEADER, "")
        template.update(
            statutDiffusionUniteLegale="O",
            dateCreationUniteLegale="2001-05-12",
            dateDernierTraitementUniteLegale="2024-03-01T10:00:00",
            nombrePeriodesUniteLegale="2",
            dateDebut="2010-01-01",
            etatAdministratifUniteLegale="A",
            activitePrincipaleUniteLegale="94.99Z",
            nomenclatureActivitePrincipaleUniteLegale="NAFRev2",
            nicSiegeUniteLegale="00012",
            economieSocialeSolidaireUniteLegale="N",
            caractereEmployeurUniteLegale="N",
        )
        column = {name: position for position, name in enumerate(SIRENE_HEADER)}
        template = list(template.values())
        with open(sirene, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(SIRENE_HEADER)
            for index, category in enumerate(chance.choices(codes, weights, k=rows)):
                row = template.copy()
                siren = siren_number(index)
                row[column["siren"]] = siren
                row[column["categorieJuridiqueUniteLegale"]] = category
                if category == "1000":
                    row[column["nomUniteLegale"]] = "MARTIN"
                    row[column["prenom1UniteLegale"]] = "CLAIRE"
                else:
                    name = f"{WORDS[index % len(WORDS)]} {index}"
                    row[column["denominationUniteLegale"]] = name
                draw = chance.random()
                if draw < 0.1:
                    row[column["etatAdministratifUniteLegale"]] = "C"
                if draw > 0.97:
                    row[column["statutDiffusionUniteLegale"]] = "P"
                if category[:2] in ("92", "93") or (category == "5710" and draw < 0.05):
                    row[column["economieSocialeSolidaireUniteLegale"]] = "O"
                if category.startswith("92") and draw < 0.6:
                    rna_number = f"W{index:09d}"
                    row[column["identifiantAssociationUniteLegale"]] = rna_number
                    associations.append((rna_number, siren))
                writer.writerow(row)
        self.stdout.write(f"{sirene}: {rows:,} legal units")
        if rna:
            self._rna(rna, rna_encoding, associations, chance)

    def _rna(self, path, encoding, associations, chance):
        count = 0
        with open(path, "w", newline="", encoding=encoding) as out:
            writer = csv.writer(out, delimiter=";", lineterminator="\n")
            writer.writerow(RNA_HEADER)
            entries = [(rna, siret_number(siren, i)) for i, (rna, siren) in
                       enumerate(associations)]  # fmt: skip
            # Associations the RNA knows and SIRENE does not (no SIRET yet).
            entries += [(f"W9{i:08d}", "") for i in range(len(associations) // 2)]
            for rna, siret in entries:
                row = dict.fromkeys(RNA_HEADER, "")
                row.update(
                    id=rna,
                    siret=siret,
                    titre=f"Association des Amis d'Émile & Cie n° {rna[1:]}",
                    objet="Favoriser l'économie sociale et solidaire",
                    position="D" if chance.random() < 0.05 else "A",
                    maj_time="2024-03-01 10:00:00",
                )
                writer.writerow(row.values())
                count += 1
        self.stdout.write(f"{path}: {count:,} associations")
