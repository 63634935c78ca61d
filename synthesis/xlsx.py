"""
The synthesis as a workbook, one sheet per view, written row by row (openpyxl's
write-only mode: memory stays flat whatever the number of proposals).

Every text is written as a string cell: a proposal that starts with « = » is read back
as that text, never run as a formula.
"""

from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from proposals.spreadsheets import sheet_row

HEADER_FONT = Font(bold=True)


class _Sheet:
    def __init__(self, workbook, title, header, widths=()):
        self.sheet = workbook.create_sheet(title=title)
        for index, width in enumerate(widths):
            letter = chr(ord("A") + index)
            self.sheet.column_dimensions[letter].width = width
        self.sheet.freeze_panes = "A2"
        self.append(header, font=HEADER_FONT)

    def append(self, values, font=None):
        sheet_row(self.sheet, values, font)


def _placed_rows(content):
    """Each proposal row of `content` with where it stands: its first columns
    (identifier, theme, trajectory, question, rank, text, origin, workshops)."""
    for theme in content.themes:
        for trajectory in theme.trajectories:
            trajectory_label = f"{trajectory.number}. {trajectory.title}"
            for question in trajectory.questions:
                for row in question.proposals:
                    origin = getattr(
                        row, "country", row
                    )  # a region's row: its proposal
                    yield (
                        row,
                        [
                            row.pk,
                            theme.title,
                            trajectory_label,
                            question.text,
                            row.rank,
                            row.text,
                            origin.source,
                            origin.workshop_label,
                        ],
                    )


def _placement_head():
    return [
        _("Identifiant"),
        _("Thème"),
        _("Trajectoire"),
        _("Question"),
        _("Rang"),
        _("Proposition"),
        _("Origine"),
        _("Ateliers"),
    ]


def _proposals(workbook, content):
    sheet = _Sheet(
        workbook,
        _("Propositions"),
        [
            *_placement_head(),
            _("Région"),
            _("Type d'organisation"),
            _("D'accord"),
            _("Mitigé"),
            _("Pas d'accord"),
            _("Votes"),
            _("D'accord (%)"),
            _("Mitigé (%)"),
            _("Pas d'accord (%)"),
            _("Adhésion (%)"),
            _("Score de classement"),
            _("Réponse officielle"),
            _("Texte de la réponse"),
        ],
        widths=[11, 28, 28, 36, 7, 70, 10, 30, 22, 22],
    )
    for row, placement in _placed_rows(content):
        sheet.append(
            [
                *placement,
                row.region,
                row.organisation_type,
                row.agree,
                row.mixed,
                row.disagree,
                row.votes,
                row.agree_percent,
                row.mixed_percent,
                row.disagree_percent,
                row.approval_percent,
                round(row.score, 4),
                row.answer_state,
                row.answer,
            ]
        )


def _cross_table(workbook, content):
    table = content.cross_table
    types = [label for _value, label in table.types]
    for title, measure in (
        (_("Adhésion région × type (%)"), "approval"),
        (_("Votes région × type"), "votes"),
    ):
        sheet = _Sheet(workbook, title, [_("Région"), *types, _("Ensemble")], [26])
        for name, cells, total in table.rows():
            sheet.append(
                [
                    name,
                    *(cell[measure] if cell else None for cell in cells),
                    total[measure],
                ]
            )
        sheet.append(
            [
                _("Ensemble"),
                *(table.type_totals[value][measure] for value, _label in table.types),
            ]
        )


def _breakdowns(workbook, content):
    rows = [
        (_("Région"), row) for row in content.breakdowns["regions"]
    ] + [
        (_("Type d'organisation"), row)
        for row in content.breakdowns["organisation_types"]
    ] + [(_("Origine"), row) for row in content.sources]  # fmt: skip
    sheet = _Sheet(
        workbook,
        _("Soutien par groupe"),
        [
            _("Dimension"),
            _("Groupe"),
            _("D'accord"),
            _("Mitigé"),
            _("Pas d'accord"),
            _("Votes"),
            _("Adhésion (%)"),
        ],
        [20, 30],
    )
    for dimension, row in rows:
        sheet.append(
            [
                dimension,
                row["label"],
                row["agree"],
                row["mixed"],
                row["disagree"],
                row["total"],
                row["approval"],
            ]
        )


def _workshops(workbook, content):
    sheet = _Sheet(
        workbook,
        _("Ateliers"),
        [
            _("Date"),
            _("Région"),
            _("Lieu"),
            _("Organisé par"),
            _("Participants"),
            _("Propositions publiées"),
        ],
        [12, 26, 26, 30],
    )
    for workshop in content.workshops:
        sheet.append(
            [
                workshop.date,
                workshop.region.name if workshop.region_id else _("national"),
                workshop.place,
                workshop.organiser,
                workshop.participant_count,
                workshop.published_proposals,
            ]
        )


def _figures(workbook, content):
    sheet = _Sheet(workbook, _("Chiffres"), [_("Mesure"), _("Valeur")], [44, 24])
    figures = content.figures
    sheet.append([_("Consultation"), content.consultation.title])
    sheet.append(
        [_("Établie le"), localtime(content.generated_at).strftime("%Y-%m-%d %H:%M")]
    )
    sheet.append([_("Propositions publiées"), figures["proposals"]])
    sheet.append([_("Votes"), figures["votes"]])
    sheet.append([_("Organisations participantes"), figures["organisations"]])
    sheet.append([_("Régions représentées"), figures["regions"]])
    for row in content.answers:
        sheet.append([_("Réponses officielles"), row["label"]])
    for rank, (proposal, score) in enumerate(content.consensus, start=1):
        sheet.append(
            [
                _("Consensus n° %(rank)s") % {"rank": rank},
                proposal.text,
                round(score, 4),
            ]
        )
    for rank, proposal in enumerate(content.divisive, start=1):
        sheet.append([_("Divise n° %(rank)s") % {"rank": rank}, proposal.text])


def write_xlsx(content, path):
    """Write the workbook of `content` to the file `path`."""
    workbook = Workbook(write_only=True)
    _figures(workbook, content)
    _proposals(workbook, content)
    _cross_table(workbook, content)
    _breakdowns(workbook, content)
    _workshops(workbook, content)
    workbook.save(path)


def _regional_figures(workbook, content):
    sheet = _Sheet(workbook, _("Chiffres"), [_("Mesure"), _("Valeur")], [44, 24])
    figures = content.figures
    sheet.append([_("Consultation"), content.consultation.title])
    sheet.append([_("Région"), content.region.name])
    sheet.append(
        [_("Établie le"), localtime(content.generated_at).strftime("%Y-%m-%d %H:%M")]
    )
    sheet.append([_("Propositions de la région"), figures["proposals"]])
    sheet.append([_("Votes de la région"), figures["votes"]])
    sheet.append([_("Organisations participantes"), figures["organisations"]])
    sheet.append([_("Ateliers"), figures["workshops"]])
    sheet.append([_("Adhésion dans la région (%)"), content.approval["region"]])
    sheet.append([_("Adhésion dans le pays (%)"), content.approval["country"]])
    for row in content.answers:
        sheet.append([_("Réponses officielles"), row["label"]])


def _regional_proposals(workbook, content):
    sheet = _Sheet(
        workbook,
        _("Propositions"),
        [
            *_placement_head(),
            _("Type d'organisation"),
            _("Votes (pays)"),
            _("Adhésion (pays, %)"),
            _("D'accord (région)"),
            _("Mitigé (région)"),
            _("Pas d'accord (région)"),
            _("Votes (région)"),
            _("Adhésion (région, %)"),
            _("Écart (points)"),
            _("Réponse officielle"),
            _("Texte de la réponse"),
        ],
        widths=[11, 28, 28, 36, 7, 70, 10, 30, 22],
    )
    for row, placement in _placed_rows(content):
        country = row.country
        sheet.append(
            [
                *placement,
                country.organisation_type,
                country.votes,
                country.approval_percent,
                row.agree,
                row.mixed,
                row.disagree,
                row.votes,
                row.approval_percent,
                row.gap,
                country.answer_state,
                country.answer,
            ]
        )


def _regional_comparison(workbook, content):
    sheet = _Sheet(
        workbook,
        _("La région et le pays"),
        [
            _("Sens"),
            _("Identifiant"),
            _("Proposition"),
            _("Adhésion (région, %)"),
            _("Adhésion (pays, %)"),
            _("Écart (points)"),
        ],
        [26, 11, 70],
    )
    comparison = content.comparison
    for label, rows in (
        (_("Plus soutenue dans la région"), comparison["more"]),
        (_("Moins soutenue dans la région"), comparison["less"]),
    ):
        for row in rows:
            sheet.append(
                [
                    label,
                    row["proposal"].pk,
                    row["proposal"].text,
                    row["regional"],
                    row["national"],
                    row["regional"] - row["national"],
                ]
            )


def _regional_participation(workbook, content):
    sheet = _Sheet(workbook, _("Participation"), [_("Type"), _("Organisations")], [40])
    for row in content.participation:
        sheet.append([row["label"], row["count"]])


def write_regional_xlsx(content, path):
    """Write the workbook of a region's synthesis (`regional.RegionalContent`)."""
    workbook = Workbook(write_only=True)
    _regional_figures(workbook, content)
    _regional_proposals(workbook, content)
    _regional_comparison(workbook, content)
    _workshops(workbook, content)
    _regional_participation(workbook, content)
    workbook.save(path)
