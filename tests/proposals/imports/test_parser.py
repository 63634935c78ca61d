"""The workshop document grammar (docs/contracts.md), on synthetic documents."""

import pytest

from proposals.imports import WorkshopSyntaxError, decode_document, parse_workshop


def parse(text, encoding="utf-8"):
    return parse_workshop(decode_document(text.encode(encoding)))


def outline(themes):
    """A document as nested plain data, easy to compare."""
    return [
        (
            theme.title,
            [
                (trajectory.number, trajectory.title, trajectory.question,
                 [text for _, text in trajectory.items])
                for trajectory in theme.trajectories
            ],
        )
        for theme in themes
    ]  # fmt: skip


SIMPLE = """\
UNE ÉCONOMIE QUI COOPÈRE (Trajectoires 1, 2)

1. Dans 10 ans, l'ESS coopérera
Comment coopérer ?
- Première idée
– Deuxième idée
• Troisième idée
"""


def test_a_simple_document_with_the_three_bullet_characters():
    assert outline(parse(SIMPLE)) == [
        (
            "UNE ÉCONOMIE QUI COOPÈRE",
            [
                (
                    1,
                    "Dans 10 ans, l'ESS coopérera",
                    "Comment coopérer ?",
                    ["Première idée", "Deuxième idée", "Troisième idée"],
                )
            ],
        )
    ]


def test_wrapped_titles_questions_and_items_are_joined_with_one_space():
    document = """\
UNE ÉCONOMIE
QUI COOPÈRE
(Trajectoires 1)

1. Dans 10 ans, l'ESS pourra

compter sur une finance alignée

En ce sens, quels leviers
Faut-il activer ?
- Une idée qui continue
sur la ligne suivante

Et Une Majuscule Aussi
- Seconde idée
"""
    [theme] = parse(document)
    assert theme.title == "UNE ÉCONOMIE QUI COOPÈRE"
    [trajectory] = theme.trajectories
    assert (
        trajectory.title == "Dans 10 ans, l'ESS pourra compter sur une finance alignée"
    )
    assert trajectory.question == "En ce sens, quels leviers Faut-il activer ?"
    assert [text for _, text in trajectory.items] == [
        "Une idée qui continue sur la ligne suivante Et Une Majuscule Aussi",
        "Seconde idée",
    ]


def test_crlf_bom_form_feeds_and_non_breaking_spaces_are_tolerated():
    document = (
        "\ufeffUNE ÉCONOMIE\u00a0QUI COOPÈRE\r\n\r\n"
        "\x0c1.\u00a0Dans 10 ans,   l’ESS coopérera  \r\n"
        "Comment «\u00a0coopérer\u00a0» ?\r\n"
        "-\u00a0Une idée\u202fà «\u00a0garder\u00a0»\r\n"
        "\x0c\r\n"
        "-  Deuxième\tidée\r"
    )
    assert outline(parse(document)) == [
        (
            "UNE ÉCONOMIE QUI COOPÈRE",
            [
                (
                    1,
                    "Dans 10 ans, l’ESS coopérera",
                    "Comment « coopérer » ?",
                    ["Une idée à « garder »", "Deuxième idée"],
                )
            ],
        )
    ]


def test_several_themes_and_trajectories_keep_their_order_and_lines():
    document = (
        SIMPLE + "\nUNE ÉCONOMIE DE PROXIMITÉ\n7. Titre sept\nQuestion ?\n- Idée\n"
    )
    themes = parse(document)
    assert [theme.title for theme in themes] == [
        "UNE ÉCONOMIE QUI COOPÈRE",
        "UNE ÉCONOMIE DE PROXIMITÉ",
    ]
    seven = themes[1].trajectories[0]
    assert (seven.number, seven.line, seven.question_line) == (7, 10, 11)
    assert seven.items == [(12, "Idée")]


def test_an_item_with_dashes_inside_stays_one_item():
    [theme] = parse(
        "THÈME UN\n1. Titre\nQuestion ?\n- Universités - Écoles - Juniors\n"
    )
    assert [t for _, t in theme.trajectories[0].items] == [
        "Universités - Écoles - Juniors"
    ]


def test_a_dash_without_a_space_continues_the_item_above():
    [theme] = parse("THÈME UN\n1. Titre\nQuestion ?\n- Idée\n-suite collée\n")
    assert [t for _, t in theme.trajectories[0].items] == ["Idée -suite collée"]


def test_text_before_the_first_heading_is_ignored_as_a_preamble():
    [theme] = parse("Atelier régional du 12 mars\nCompte rendu\n" + SIMPLE)
    assert theme.title == "UNE ÉCONOMIE QUI COOPÈRE"


def test_a_trajectory_without_items_keeps_its_question():
    [theme] = parse(
        "THÈME UN\n1. Titre\nQuestion seule ?\n2. Autre\nQuestion ?\n- Idée\n"
    )
    first, second = theme.trajectories
    assert (first.question, first.items) == ("Question seule ?", [])
    assert len(second.items) == 1


@pytest.mark.parametrize(
    ("document", "line", "reason"),
    [
        ("- Idée orpheline\n", 1, "élément de liste précède toute trajectoire"),
        (
            "THÈME UN\n\n- Idée orpheline\n",
            3,
            "élément de liste précède toute trajectoire",
        ),
        ("\n\n4. Une trajectoire\n", 3, "trajectoire précède tout titre de thème"),
        ("THÈME UN\n1. Titre\n- Idée sans question\n", 3, "n’a pas de question"),
        ("THÈME UN (Trajectoire 1)\nTexte libre\n1. Titre\n", 2, "texte inattendu"),
        ("THÈME UN\n1. A\nQ ?\nTHÈME DEUX\n1. B\n", 5, "figure déjà ligne 2"),
        ("", 1, "aucun titre de thème"),
        ("juste du texte\nsans titre\n", 1, "aucun titre de thème"),
        ("THÈME UN\n0. Zéro\n", 2, "numéro de trajectoire invalide"),
        ("THÈME UN\n1. " + "x" * 501 + "\n", 2, "titre de trajectoire trop long"),
    ],
)
def test_bad_documents_are_refused_with_the_line_and_the_reason(document, line, reason):
    with pytest.raises(WorkshopSyntaxError) as error:
        parse(document)
    assert error.value.line == line
    assert reason in error.value.reason
    assert str(error.value).startswith(f"line {line}: ")


def test_a_document_that_is_not_utf8_is_refused_at_its_first_bad_line():
    with pytest.raises(WorkshopSyntaxError) as error:
        parse("THÈME UN\n1. Économie\n", encoding="latin-1")
    assert error.value.line == 1
    assert "UTF-8" in error.value.reason


def test_a_binary_file_is_refused():
    with pytest.raises(WorkshopSyntaxError) as error:
        decode_document(b"THEME UN\n\x00\x01\x02")
    assert error.value.line == 2
    assert "octet nul" in error.value.reason
