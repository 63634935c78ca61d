"""
The open-data exports of the current consultation (formats: docs/contracts.md).

The proposals on record: published ones, and those withdrawn or merged after votes,
with their `status` (pending and rejected ones never). The hierarchy and the proposals
are read in a handful of queries and assembled in Python, whatever their number.
"""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultation.models import Region
from trajectories.models import GuidingQuestion, Theme, Trajectory

from .fairness import exposure_fairness, exposure_spread, votes_per_thousand
from .models import Argument, CoSignature, CoSignatureStatus, Proposal, Workshop
from .spreadsheets import sheet_row

LICENCE = "Licence Ouverte 2.0"
# The CSV's columns (their names and order are a contract) and the field of each.
CSV_COLUMNS = [
    ("id", "pk"),
    ("theme", "question__trajectory__theme__title"),
    ("trajectory_number", "question__trajectory__number"),
    ("trajectory", "question__trajectory__title"),
    ("question", "question__text"),
    ("text", "text"),
    ("source", "source"),
    ("region", "region_id"),
    ("organisation_type", "organisation_type"),
    ("agree", "agree_count"),
    ("mixed", "mixed_count"),
    ("disagree", "disagree_count"),
    # Columns added later go at the end: scripts read the ones above by position.
    ("status", "status"),
    ("workshops", None),  # the ids of its workshops, ";"-separated
    ("answer_state", "answer__state"),
    ("answer", "answer__text"),
    ("arguments_for", "argument_for_count"),
    ("arguments_against", "argument_against_count"),
    ("exposures", "exposure__count"),
    ("carriers", "carrier_count"),
    ("carrier_regions", "carrier_region_count"),
    ("merged_into", "merged_into_id"),
]
CSV_HEADER = [name for name, _ in CSV_COLUMNS]


def proposals_on_record(consultation, region=None):
    """The proposals an export holds: `consultation`'s on record, or with `region`
    (`?region=<code>`), the region's among them (`ProposalQuerySet.of_region`)."""
    proposals = Proposal.objects.on_record_in(consultation)
    return proposals if region is None else proposals.of_region(region)


def workshop_ids_by_proposal(consultation):
    """{proposal id: [workshop ids]} for the consultation's proposals, in one query."""
    links = {}
    for proposal_id, workshop_id in (
        Proposal.workshops.through.objects.filter(workshop__consultation=consultation)
        .order_by("workshop_id")
        .values_list("proposal_id", "workshop_id")
    ):
        links.setdefault(proposal_id, []).append(workshop_id)
    return links


def cosigners_by_proposal(consultation):
    """{proposal id: [its cosigners]} for the consultation's proposals, in one query:
    each organisation's name, type and region, in the order they accepted."""
    cosigners = {}
    for proposal_id, organisation, kind, region in (
        CoSignature.objects.filter(
            proposal__question__trajectory__consultation=consultation,
            status=CoSignatureStatus.ACCEPTED,
        )
        .order_by("answered_at", "pk")
        .values_list("proposal_id", "organisation", "organisation_type", "region_id")
    ):
        cosigners.setdefault(proposal_id, []).append(
            {
                "organisation": organisation,
                "organisation_type": kind or None,
                "region": region,
            }
        )
    return cosigners


def consultation_document(consultation, region=None):
    """The JSON document: the consultation, its hierarchy, its published proposals;
    with `region`, the region's proposals and workshops only."""
    proposals_by_question = {}
    workshops = workshop_ids_by_proposal(consultation)
    cosigners = cosigners_by_proposal(consultation)
    rows = (
        proposals_on_record(consultation, region)
        .order_by("pk")
        .values(
            "pk",
            "question_id",
            "text",
            "source",
            "region_id",
            "organisation_type",
            "agree_count",
            "mixed_count",
            "disagree_count",
            "status",
            "answer__state",
            "answer__text",
            "answer__answered_at",
            "argument_for_count",
            "argument_against_count",
            "exposure__count",
            "carrier_count",
            "carrier_region_count",
            "merged_into_id",
        )
    )
    for row in rows:
        proposals_by_question.setdefault(row["question_id"], []).append(
            {
                "id": row["pk"],
                "text": row["text"],
                "source": row["source"],
                "region": row["region_id"],
                "organisation_type": row["organisation_type"] or None,
                "votes": {
                    choice: row[f"{choice}_count"]
                    for choice in ("agree", "mixed", "disagree")
                },
                "status": row["status"],
                "workshops": workshops.get(row["pk"], []),
                "arguments": {
                    "for": row["argument_for_count"],
                    "against": row["argument_against_count"],
                },
                "carried_by": {
                    "organisations": row["carrier_count"],
                    "regions": row["carrier_region_count"],
                },
                "cosigners": cosigners.get(row["pk"], []),
                "merged_into": row["merged_into_id"],
                "exposures": row["exposure__count"] or 0,
                "votes_per_1000_exposures": votes_per_thousand(
                    sum(row[f"{c}_count"] for c in ("agree", "mixed", "disagree")),
                    row["exposure__count"],
                ),
                "answer": {
                    "state": row["answer__state"],
                    "text": row["answer__text"],
                    "date": row["answer__answered_at"].date().isoformat(),
                }
                if row["answer__state"]
                else None,
            }
        )

    questions_by_trajectory = {}
    for question in GuidingQuestion.objects.filter(
        trajectory__consultation=consultation
    ).order_by("position", "pk"):
        questions_by_trajectory.setdefault(question.trajectory_id, []).append(
            {
                "text": question.text,
                "proposals": proposals_by_question.get(question.pk, []),
            }
        )

    fairness = exposure_fairness(consultation)
    trajectories_by_theme = {}
    for trajectory in Trajectory.objects.filter(consultation=consultation).order_by(
        "number"
    ):
        trajectories_by_theme.setdefault(trajectory.theme_id, []).append(
            {
                "number": trajectory.number,
                "title": trajectory.title,
                "questions": questions_by_trajectory.get(trajectory.pk, []),
                "exposure": fairness.get(trajectory.pk, {}).get(
                    "spread", exposure_spread([])
                ),
            }
        )

    document = {
        "consultation": {
            "title": consultation.title,
            "slug": consultation.slug,
            "phase": consultation.current_phase,
        },
        "licence": LICENCE,
        "generated_at": timezone.now().isoformat(),
        "workshops": [
            {
                "id": workshop.pk,
                "region": workshop.region_id,
                "date": workshop.date.isoformat(),
                "place": workshop.place,
                "organiser": workshop.organiser,
                "participants": workshop.participant_count,
            }
            for workshop in Workshop.objects.filter(consultation=consultation)
            if region is None or workshop.region_id == region.pk
        ],
        "themes": [
            {
                "title": theme.title,
                "position": theme.position,
                "trajectories": trajectories_by_theme.get(theme.pk, []),
            }
            for theme in Theme.objects.filter(consultation=consultation).order_by(
                "position", "pk"
            )
        ],
    }
    if region is not None:  # a key the whole consultation's document does not have
        document["region"] = {"code": region.pk, "name": region.name}
    return document


# The arguments export: each published argument of a proposal on record, with its
# organisation's name and type (no personal data) and region.
ARGUMENT_COLUMNS = [
    ("id", "pk"),
    ("proposal", "proposal_id"),
    ("side", "side"),
    ("text", "text"),
    ("organisation", "organisation"),
    ("organisation_type", "organisation_type"),
    ("region", "region_id"),
    ("created_at", "created_at"),
]


def _argument_rows(consultation, region=None):
    return (
        Argument.objects.published()
        .filter(proposal__in=proposals_on_record(consultation, region))
        .order_by("pk")
        .values_list(*(field for _, field in ARGUMENT_COLUMNS))
    )


def arguments_document(consultation, region=None):
    """The arguments as JSON: the consultation, then one object per argument (with
    `region`, on the region's proposals only)."""
    document = {
        "consultation": {"title": consultation.title, "slug": consultation.slug},
        "licence": LICENCE,
        "generated_at": timezone.now().isoformat(),
        "arguments": [
            _argument_item(row)
            for row in _argument_rows(consultation, region).iterator(chunk_size=2000)
        ],
    }
    if region is not None:
        document["region"] = {"code": region.pk, "name": region.name}
    return document


def _argument_item(row):
    item = dict(zip((name for name, _ in ARGUMENT_COLUMNS), row, strict=True))
    item["organisation_type"] = item["organisation_type"] or None
    item["created_at"] = item["created_at"].isoformat()
    return item


def arguments_csv(consultation, region=None):
    """The arguments as CSV text: a header row, then one row per argument."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(name for name, _ in ARGUMENT_COLUMNS)
    for row in _argument_rows(consultation, region).iterator(chunk_size=2000):
        *values, created_at = (spreadsheet_safe(value) for value in row)
        writer.writerow(
            [value if value is not None else "" for value in values]
            + [created_at.isoformat()]
        )
    return output.getvalue()


def proposals_csv(consultation, region=None):
    """The CSV export as text: a header row, then one row per published proposal."""
    output = io.StringIO()
    csv.writer(output).writerows(proposal_rows(consultation, region))
    return output.getvalue()


def proposal_rows(consultation, region=None, *, formula_guard=True):
    """The CSV rows, header first, read from the database in chunks; texts that a
    spreadsheet would run are guarded (`spreadsheet_safe`) unless told otherwise."""
    yield CSV_HEADER
    workshops = workshop_ids_by_proposal(consultation)
    rows = (
        proposals_on_record(consultation, region)
        .order_by("pk")
        .values_list(*(field for _, field in CSV_COLUMNS if field))
    )
    region = CSV_HEADER.index("region")
    at = CSV_HEADER.index("workshops")
    exposures = CSV_HEADER.index("exposures")
    for row in rows.iterator(chunk_size=2000):
        row = list(row)
        if formula_guard:
            row = [spreadsheet_safe(value) for value in row]
        row[region] = row[region] or ""
        row.insert(at, ";".join(str(pk) for pk in workshops.get(row[0], [])))
        row[exposures] = row[exposures] or 0  # never shown yet
        yield [value if value is not None else "" for value in row]


# What a spreadsheet reads as the start of a formula (docs/security.md).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet would run as a formula, made plain text by an
    apostrophe in front (OWASP's advice); other values as they are. The JSON keeps
    the exact text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


# What each CSV column holds, for the open-data page (one entry per column: a test
# checks that none is left out) and the workbook's French header.
CSV_COLUMN_DESCRIPTIONS = {
    "id": (_("Identifiant"), _("Numéro de la proposition, celui de son adresse.")),
    "theme": (_("Thème"), _("Titre du thème.")),
    "trajectory_number": (_("N° de trajectoire"), _("Numéro de la trajectoire.")),
    "trajectory": (_("Trajectoire"), _("Titre de la trajectoire.")),
    "question": (_("Question"), _("La question directrice à laquelle elle répond.")),
    "text": (_("Proposition"), _("Texte de la proposition.")),
    "source": (
        _("Origine"),
        _("« workshop » (venue d'un atelier régional) ou « online » (déposée en "
          "ligne)."),
    ),
    "region": (
        _("Région"),
        _("Code INSEE de la région de l'organisation (vide si inconnue) ; le classeur "
          "donne son nom."),
    ),
    "organisation_type": (
        _("Type d'organisation"),
        _("Type de l'organisation qui l'a proposée (association, cooperative…)."),
    ),
    "agree": (_("D'accord"), _("Nombre de votes « D'accord ».")),
    "mixed": (_("Mitigé"), _("Nombre de votes « Mitigé ».")),
    "disagree": (_("Pas d'accord"), _("Nombre de votes « Pas d'accord ».")),
    "status": (
        _("Statut"),
        _("« published », « withdrawn » pour une proposition retirée après des "
          "votes (ses votes restent comptés), ou « merged » pour une proposition "
          "fusionnée avec une autre après des votes (ses votes y sont comptés)."),
    ),
    "workshops": (
        _("Ateliers"),
        _("Identifiants des ateliers d'où elle vient, séparés par « ; »."),
    ),
    "answer_state": (
        _("Réponse officielle"),
        _("« studying » (à l'étude), « adopted » (retenue), « partly » (retenue en "
          "partie), « not_adopted » (non retenue), ou vide."),
    ),
    "answer": (_("Texte de la réponse"), _("Le texte de la réponse officielle.")),
    "arguments_for": (
        _("Arguments pour"),
        _("Nombre d'arguments « pour » publiés sur la proposition."),
    ),
    "arguments_against": (
        _("Arguments contre"),
        _("Nombre d'arguments « contre » publiés sur la proposition."),
    ),
    "carriers": (
        _("Organisations qui la portent"),
        _("Son organisation autrice (ou son atelier) et les organisations qui la "
          "cosignent."),
    ),
    "carrier_regions": (
        _("Régions qui la portent"),
        _("Nombre de régions de ces organisations."),
    ),
    "merged_into": (
        _("Fusionnée dans"),
        _("Pour une proposition fusionnée, l'identifiant de la proposition qui la "
          "réunit désormais ; vide sinon."),
    ),
    "exposures": (
        _("Expositions"),
        _("Nombre de fois où la proposition a été montrée dans une liste dans l'ordre "
          "aléatoire."),
    ),
}  # fmt: skip


def proposals_xlsx(consultation, region=None):
    """The CSV's rows as a workbook: a French header row, region names instead of
    codes; bytes of an .xlsx file."""
    # Imported here: every process of the site would otherwise load openpyxl at its
    # start (a tenth of a second), for a file that a few requests build.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Propositions")))
    sheet.freeze_panes = "A2"
    rows = proposal_rows(consultation, region, formula_guard=False)
    header = next(rows)
    sheet_row(
        sheet,
        [CSV_COLUMN_DESCRIPTIONS[name][0] for name in header],
        font=Font(bold=True),
    )
    regions = dict(Region.objects.values_list("code", "name"))
    region = header.index("region")
    for row in rows:
        row[region] = regions.get(row[region], row[region])
        sheet_row(sheet, row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
