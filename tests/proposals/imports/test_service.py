"""The `import_workshop` command and the import service, on the seed and beyond."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from consultation.models import Consultation, Phase
from proposals.models import Proposal, Source, Status
from tests.factories import ConsultationFactory, ThemeFactory, TrajectoryFactory
from trajectories.models import GuidingQuestion, Theme, Trajectory

pytestmark = pytest.mark.django_db

SEED = (
    Path(__file__).resolve().parents[3] / "proposals" / "seeds" / "atelier-regional.txt"
)

SEED_PROPOSALS = {
    4: [
        "Donner plus de visibilité aux organismes d'accompagnement",
        "Créer des guichets uniques pour les porteurs de projet de l'ESS",
        "Facilité l'accessibilité des dispositifs d'accompagnement sur tous les "
        "territoires (disparité d'offres d'accompagnement)",
        "Impliquer les collectivités territoriales dans le développement de l'ESS",
    ],
    5: [
        "Continuer à favoriser la coopération en multipliant les liens entre les "
        "différents acteurs de l'ESS et porter une voix commune",
        "Sensibiliser et former les collectivités territoriales",
    ],
    6: [
        "Sensibiliser les citoyens sur le financement du secteur de l'ESS, via "
        "l'épargne solidaire",
        "Développer la finance solidaire",
    ],
    13: [
        "Avoir un porteur de projet unique avec multiples organisations ESS pour "
        "répondre à un cahier de charges ou à un dossier de subvention",
        "S'appuyer sur des structures reconnues localement, créer le lien avec les "
        "collectivités. Participer aux plans communaux, communauté de communes",
        "Utiliser la force du maillage territorial dans une démarche de plaidoyer pour "
        "faire valoir toute la plus-value de l'ESS dans le développement durable des "
        "communautés",
        "Vision du territoire par la proximité immédiate et le rôle de chacun dans son "
        "impact. Idée d'un mouvement local pour un changement global.",
        "Participation active à la politique locale",
        "Ad hoc et flexibilité",
        "Démocratie locale",
    ],
    14: [
        "Rôle réparateur et régénérateur de l'économie sociale et solidaire. "
        "Empowerment des citoyen.e.s pour se réapproprier leur territoire et le faire "
        "vivre",
        "Inviter toutes les sensibilités sur un projet : exemple chasseurs et France "
        "nature environnement",
        "Les acteurs de l'ESS ont une flexibilité plus importante que des acteurs éco "
        "classiques, ils peuvent s'allier autour d'un projet commun porteur de valeurs "
        "humaines, sociales, environnementales.",
        "L’ESS est un pont direct entre d'une part les citoyens, les usagers (ou autre) "
        "et d'autre part le projet",
        "L'ESS est un moyen pour les entreprises relocalisées de se faire connaitre, de "
        "communiquer sur des valeurs fortes. Un appui du réseau permet de renforcer ces "
        "orientations",
        "Mobilisation et collectif: une approche collective permet des projets "
        "collaboratifs partagés (types tiers lieux) pour les friches, portage par des "
        "PTCE, par exemple.",
        "Localement, l'ESS permet de mettre en place des consortia autour des questions "
        "environnementales/mobilité douce: ex local: défi velo inter-entreprises "
        "/assos.",
    ],
    15: [
        "Universités - Ecoles enseignement supérieur - Juniors entreprises",
        "Visibiliser et crédibiliser l'ESS au niveau politique et de l'Etat",
        "Préfecture, Etat : se rendre +visible collectivement (d'expérience je sais que "
        "le délégué du Préfet est peu connu et rôle important+++)",
        'Faire un "appel à candidature" ESS sur un thème pour que toutes les forces '
        'puissent "s\'allier" plutôt que de faire un projet modeste dans son coin',
        "Renforcement des liens avec les entreprises classiques et notamment les "
        "grosses entreprises vertueuses",
        "Région : pour une meilleure reconnaissance de l'ESS comme créateur d'emploi, "
        "de valeurs et de cohésion sur les territoires.",
    ],
}


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_workshop", *args, stdout=out, stderr=err)
    return out.getvalue()


def counts():
    return (
        Consultation.objects.count(),
        Theme.objects.count(),
        Trajectory.objects.count(),
        GuidingQuestion.objects.count(),
        Proposal.objects.count(),
    )


def test_the_seed_creates_its_consultation_themes_trajectories_questions_and_28_proposals():
    output = run(str(SEED))
    assert "Created 2 themes, 6 trajectories, 6 questions, 28 proposals" in output
    consultation = Consultation.objects.get()
    assert consultation.phase == Phase.CONTRIBUTIONS
    assert list(consultation.themes.values_list("title", "position")) == [
        ("UNE ECONOMIE INNOVANTE ET RESILIENTE", 1),
        ("UNE ECONOMIE FEDERATRICE ET DE PROXIMITE", 2),
    ]
    assert list(
        Trajectory.objects.order_by("number").values_list("number", "theme__position")
    ) == [(4, 1), (5, 1), (6, 1), (13, 2), (14, 2), (15, 2)]
    assert Trajectory.objects.get(number=14).questions.get().text == (
        "Pour parvenir à ce résultat, quel rôle l'ESS doit-elle jouer dans les "
        "relocalisations industrielles, la réhabilitation des friches ou encore le "
        "déploiement des mobilités douces ?"
    )
    for number, texts in SEED_PROPOSALS.items():
        imported = Proposal.objects.filter(
            question__trajectory__number=number
        ).order_by("pk")
        assert list(imported.values_list("text", flat=True)) == texts
    assert Proposal.objects.count() == 28
    assert set(
        Proposal.objects.values_list("source", "status", "author", "region")
    ) == {(Source.WORKSHOP, Status.PUBLISHED, None, None)}


def test_importing_the_seed_twice_creates_nothing_the_second_time():
    run(str(SEED))
    before = counts()
    output = run(str(SEED))
    assert counts() == before
    assert "Created 0 themes, 0 trajectories, 0 questions, 0 proposals" in output


def test_a_dry_run_prints_the_plan_and_writes_nothing():
    output = run(str(SEED), "--dry-run")
    assert counts() == (0, 0, 0, 0, 0)
    assert "would create 2 themes, 6 trajectories, 6 questions, 28 proposals" in output
    assert "+ proposal (line 65): Démocratie locale" in output


def test_a_dry_run_after_an_import_shows_everything_as_existing():
    run(str(SEED))
    output = run(str(SEED), "--dry-run")
    assert "would create 0 themes, 0 trajectories, 0 questions, 0 proposals" in output
    assert "= proposal (line 65): Démocratie locale" in output


def test_the_region_option_gives_the_workshop_proposals_their_region(tmp_path):
    run(str(SEED), "--region", "76")
    assert set(Proposal.objects.values_list("region", flat=True)) == {"76"}
    # The same document from another region's workshop: the same proposals (one
    # proposal per text, not two competing for votes), keeping the first region.
    run(str(SEED), "--region", "53")
    assert Proposal.objects.count() == 28
    assert set(Proposal.objects.values_list("region", flat=True)) == {"76"}
    assert Trajectory.objects.count() == 6


def test_an_unknown_region_is_refused():
    with pytest.raises(CommandError, match="unknown region code: '05'"):
        run(str(SEED), "--region", "05")
    assert counts() == (0, 0, 0, 0, 0)


def test_the_consultation_option_imports_into_that_consultation():
    ConsultationFactory(slug="actuelle")
    target = ConsultationFactory(slug="ancienne", phase=Phase.PREPARATION)
    run(str(SEED), "--consultation", "ancienne")
    assert target.themes.count() == 2
    with pytest.raises(CommandError, match="unknown consultation"):
        run(str(SEED), "--consultation", "inconnue")


def test_without_option_it_imports_into_the_current_consultation():
    current = ConsultationFactory()
    run(str(SEED))
    assert Consultation.objects.count() == 1
    assert current.themes.count() == 2


def test_it_will_not_guess_when_every_consultation_is_in_preparation():
    ConsultationFactory(phase=Phase.PREPARATION)
    with pytest.raises(CommandError, match="Aucune consultation n’est ouverte"):
        run(str(SEED))
    assert Theme.objects.count() == 0


def write(tmp_path, data):
    path = tmp_path / "atelier.txt"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"THEME UN\n1. Titre\nQuestion ?\n- Bien\n\xe9conomie\n", "line 5: "),
        (
            "THÈME UN\n1. Titre\nQ ?\n- Une idée\n\n- Idée\nAUTRE THÈME\n- Orpheline\n",
            "line 8: ",
        ),
        ("7. Avant tout thème\n", "line 1: "),
    ],
)
def test_bad_input_exits_non_zero_with_the_line_and_writes_nothing(
    tmp_path, capsys, document, message
):
    path = write(tmp_path, document)
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_workshop", path, stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert err.getvalue().startswith(message)
    assert counts() == (0, 0, 0, 0, 0)


def test_a_conflict_with_existing_content_rolls_everything_back(tmp_path):
    consultation = ConsultationFactory()
    TrajectoryFactory(
        theme__consultation=consultation, number=13, title="Un autre titre"
    )
    before = counts()
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("import_workshop", str(SEED), stdout=StringIO(), stderr=err)
    # Trajectories 4, 5 and 6 came first in the document: they were rolled back too.
    assert counts() == before
    assert err.getvalue().startswith("line 39: ")
    assert "existe déjà dans le thème" in err.getvalue()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "absent.txt"))


def test_if_no_consultation_imports_only_into_an_empty_database():
    run(str(SEED), "--if-no-consultation")
    assert Proposal.objects.count() == 28
    Proposal.objects.filter(text="Démocratie locale").delete()
    output = run(str(SEED), "--if-no-consultation")
    assert "nothing imported" in output
    assert Proposal.objects.count() == 27


def test_new_themes_are_placed_after_the_existing_ones(tmp_path):
    consultation = ConsultationFactory()
    ThemeFactory(consultation=consultation, position=5, title="THÈME EXISTANT")
    run(str(SEED))
    assert list(
        consultation.themes.order_by("position").values_list("position", flat=True)
    ) == [
        5,
        6,
        7,
    ]
