"""
Organisations checked against the official registers (`consultation.registers`):
`import_registers` reads SIRENE's stock of legal units and RNA files as published, keeps
the organisations the consultation may meet, and replaces the previous import whole or
not at all; sign-up, profile and admin then check a SIREN, SIRET or RNA number against
them, and an RNA number linked to a SIREN is keyed by that SIREN (one voice).
"""

import csv
import io
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from benchmarks.management.commands.register_sample import (
    RNA_HEADER,
    SIRENE_HEADER,
    siren_number,
    siret_number,
)
from consultation.models import (
    RegisteredAssociation,
    RegisteredUnit,
    RegisterImport,
    User,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "une-longue-phrase-de-passe"

ASSOCIATION = siren_number(1)
FOUNDATION = siren_number(2)
SCOP = siren_number(3)
MUTUAL = siren_number(4)
COMMUNE = siren_number(5)
ESS_COMPANY = siren_number(6)
COMPANY = siren_number(7)
PERSON = siren_number(8)
CEASED = siren_number(9)
WITHHELD = siren_number(10)
LINKED_BY_RNA_FILE = siren_number(11)


def unit(siren, category, name, **columns):
    return {
        "siren": siren,
        "statutDiffusionUniteLegale": "O",
        "etatAdministratifUniteLegale": "A",
        "denominationUniteLegale": name,
        "categorieJuridiqueUniteLegale": category,
        "economieSocialeSolidaireUniteLegale": "N",
        **columns,
    }


UNITS = [
    unit(
        ASSOCIATION,
        "9220",
        "LES AMIS D'EMILE & CIE",
        economieSocialeSolidaireUniteLegale="O",
        identifiantAssociationUniteLegale="W000000001",
    ),
    unit(FOUNDATION, "9300", "FONDATION « DEMAIN »"),
    unit(SCOP, "5458", "SCOP L'ÉPI"),
    unit(MUTUAL, "8210", "MUTUELLE D'ANJOU"),
    unit(COMMUNE, "7210", "COMMUNE DE RENNES"),
    unit(ESS_COMPANY, "5710", "ENTREPRISE SOLIDAIRE", **{
        "economieSocialeSolidaireUniteLegale": "O"}),
    unit(COMPANY, "5710", "GRANDE SURFACE SAS"),
    unit(PERSON, "1000", "", nomUniteLegale="MARTIN", prenom1UniteLegale="CLAIRE"),
    unit(CEASED, "9220", "ASSOCIATION DISPARUE", etatAdministratifUniteLegale="C"),
    unit(WITHHELD, "9220", "NOM NON DIFFUSIBLE", statutDiffusionUniteLegale="P"),
    unit(LINKED_BY_RNA_FILE, "9220", "ASSOCIATION DU QUARTIER"),
]  # fmt: skip
KEPT = {
    ASSOCIATION, FOUNDATION, SCOP, MUTUAL, COMMUNE, ESS_COMPANY, CEASED, WITHHELD,
    LINKED_BY_RNA_FILE,
}  # fmt: skip
ASSOCIATIONS = [
    # (id, siret, titre, position)
    (
        "W000000002",
        siret_number(LINKED_BY_RNA_FILE, 12),
        "Association du quartier",
        "A",
    ),
    ("W000000003", "", "Les Jardins d'Émile", "A"),
    ("W000000004", "", "Association dissoute", "D"),
]


def sirene_file(path, units=UNITS, header=SIRENE_HEADER):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(units)
    return path


def rna_csv(associations=ASSOCIATIONS, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=RNA_HEADER, restval="", delimiter=";", lineterminator="\n"
    )
    writer.writeheader()
    for rna, siret, title, position in associations:
        writer.writerow(
            {"id": rna, "siret": siret, "titre": title, "position": position}
        )
    return out.getvalue().encode(encoding)


def rna_zip(path, encoding="cp1252"):
    """The RNA as published: a ZIP of per-département files, older ones not UTF-8."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("rna_waldec_20240301_dpt_35.csv", rna_csv(encoding=encoding))
    return path


def imported(*paths):
    out = StringIO()
    call_command("import_registers", *map(str, paths), stdout=out)
    return out.getvalue()


def tables():
    return (
        sorted(RegisteredUnit.objects.values_list()),
        sorted(RegisteredAssociation.objects.values_list()),
        sorted(RegisterImport.objects.values_list("register", "lines_read", "kept")),
    )


def test_the_import_keeps_the_organisations_the_consultation_may_meet(tmp_path):
    # Columns read by their names: in another order, with a column of a later release.
    header = [*reversed(SIRENE_HEADER), "nouvelleColonneUniteLegale"]
    said = imported(sirene_file(tmp_path / "StockUniteLegale.csv", header=header))
    assert set(RegisteredUnit.objects.values_list("siren", flat=True)) == KEPT
    assert "Imported sirene: 11 lines read, 9 kept, 0 malformed" in said
    association = RegisteredUnit.objects.get(siren=ASSOCIATION)
    assert (association.name, association.active, association.ess) == (
        "LES AMIS D'EMILE & CIE",
        True,
        True,
    )
    assert association.rna == "W000000001"
    assert RegisteredUnit.objects.get(siren=CEASED).active is False
    # A unit withheld from diffusion: its name is not shown more than INSEE does.
    assert RegisteredUnit.objects.get(siren=WITHHELD).name == ""


def test_an_rna_zip_in_windows_1252_is_read(tmp_path):
    said = imported(rna_zip(tmp_path / "rna_waldec_20240301.zip"))
    assert "Imported rna: 3 lines read, 3 kept" in said
    assert RegisteredAssociation.objects.get(rna="W000000003").name == (
        "Les Jardins d'Émile"
    )
    linked = RegisteredAssociation.objects.get(rna="W000000002")
    assert (linked.siren, linked.active) == (LINKED_BY_RNA_FILE, True)
    assert RegisteredAssociation.objects.get(rna="W000000004").active is False


def test_importing_the_same_files_twice_gives_the_same_tables(tmp_path):
    files = [sirene_file(tmp_path / "s.csv"), rna_zip(tmp_path / "r.zip")]
    imported(*files)
    first = tables()
    imported(*files)
    assert tables() == first


def test_a_failed_import_leaves_the_previous_one_whole(tmp_path):
    imported(sirene_file(tmp_path / "s.csv"), rna_zip(tmp_path / "r.zip"))
    before = tables()
    broken = tmp_path / "broken.csv"
    sirene_file(broken, units=UNITS * 2_000)
    with open(broken, "ab") as out:
        out.write(b"123456789,O,,\xff\xfe not UTF-8\n")
    assert broken.stat().st_size > 1 << 20  # beyond the first mebibyte read
    with pytest.raises(CommandError, match="is not utf-8.*Nothing was changed"):
        imported(broken)
    assert tables() == before
    other = tmp_path / "comptes.csv"
    other.write_text("nom,montant\nCaisse,12\n")
    with pytest.raises(CommandError, match="neither SIRENE"):
        imported(other)
    assert tables() == before


def test_the_import_prints_a_progress_line(tmp_path, monkeypatch):
    from consultation import register_import

    monkeypatch.setattr(register_import, "PROGRESS_LINES", 4)
    said = imported(sirene_file(tmp_path / "s.csv"))
    assert "sirene: 8 lines read, 6 kept, 0 malformed" in said


# Sign-up, profile, admin


def signup(
    client, identifier, organisation="Les Amis d'Émile & Cie", kind="association"
):
    return client.post(
        reverse("signup"),
        {
            "email": f"{identifier.lower()}@exemple.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "organisation": organisation,
            "organisation_type": kind,
            "region": "53",
            "legal_identifier": identifier,
            "accept_terms": "on",
        },
        follow=True,
    )


def said(response):
    import lxml.html

    page = lxml.html.fromstring(response.content.decode())
    return " ".join(page.text_content().split())


def test_without_an_import_identifiers_are_self_declared(client):
    response = signup(client, siren_number(500), kind="association")
    assert User.objects.get().organisation_key == siren_number(500)
    assert "répertoire officiel" not in said(response)


@pytest.fixture
def registers(tmp_path):
    imported(sirene_file(tmp_path / "s.csv"), rna_zip(tmp_path / "r.zip"))


def test_an_unknown_siren_is_refused_for_a_kind_the_register_holds(client, registers):
    response = signup(client, siren_number(500), kind="association")
    assert not User.objects.exists()
    assert (
        f"Ce numéro SIREN ({siren_number(500)}) n’est pas dans le répertoire SIRENE"
        in said(response)
    )
    # A company outside the ESS may have a SIREN the import does not keep.
    signup(client, siren_number(500), organisation="Une SAS", kind="company")
    assert User.objects.get().organisation_key == siren_number(500)


def test_a_ceased_organisation_is_refused(client, registers):
    response = signup(client, siret_number(CEASED, 1))
    assert not User.objects.exists()
    assert "a cessé son activité selon le répertoire SIRENE" in said(response)


def test_the_official_name_is_kept_and_shown_beside_the_typed_one(client, registers):
    response = signup(client, ASSOCIATION, organisation="Les Amis d’Émile & Cie")
    user = User.objects.get()
    assert user.registered_name == "LES AMIS D'EMILE & CIE"
    assert user.registered_name_differs is False
    text = said(response)
    assert "Votre organisation figure au répertoire officiel" in text
    assert "Au répertoire officiel : « LES AMIS D'EMILE & CIE »" in text


def test_a_name_unlike_the_official_one_goes_to_the_moderators_list(
    client, registers, moderator
):
    response = signup(client, SCOP, organisation="Association Même", kind="cooperative")
    user = User.objects.get(organisation="Association Même")
    assert (user.registered_name, user.registered_name_differs) == ("SCOP L'ÉPI", True)
    assert "l’équipe de la consultation vérifiera" in said(response)
    client.force_login(moderator)
    listed = client.get(
        reverse("admin:consultation_organisation_changelist"),
        {"registered_name_differs__exact": "1"},
    )
    assert "Association Même" in said(listed) and "SCOP L'ÉPI" in said(listed)


def test_an_rna_number_linked_to_a_siren_is_one_voice_with_it(client, registers):
    # Linked by SIRENE's identifiantAssociationUniteLegale.
    signup(client, "W000000001")
    assert User.objects.get().organisation_key == ASSOCIATION
    client.logout()
    response = signup(client, ASSOCIATION)
    assert User.objects.count() == 1
    assert f"Cette organisation ({ASSOCIATION}) a déjà un compte" in said(response)
    # Linked by the RNA file's siret, the SIREN first this time.
    client.logout()
    signup(client, LINKED_BY_RNA_FILE, organisation="Association du quartier")
    client.logout()
    response = signup(client, "W000000002", organisation="Association du quartier")
    assert User.objects.count() == 2
    assert "a déjà un compte" in said(response)


def test_an_rna_number_only_the_rna_knows_is_its_own_key(client, registers):
    signup(client, "W000000003", organisation="Les Jardins d'Émile")
    user = User.objects.get()
    assert (user.organisation_key, user.registered_name) == (
        "W000000003",
        "Les Jardins d'Émile",
    )


def test_an_unknown_or_dissolved_rna_number_is_refused(client, registers):
    response = signup(client, "W000000099")
    assert "n’est dans aucun répertoire importé" in said(response)
    response = signup(client, "W000000004")
    assert "est dissoute ou supprimée" in said(response)
    assert not User.objects.exists()


def test_the_profile_checks_the_number_as_the_sign_up_does(client, registers):
    member = UserFactory(organisation_type="association", legal_identifier="")
    client.force_login(member)
    response = client.post(
        reverse("profile"),
        {
            "organisation": member.organisation,
            "organisation_type": "association",
            "region": "53",
            "legal_identifier": siren_number(500),
            "language": "fr",
        },
    )
    assert "n’est pas dans le répertoire SIRENE" in said(response)
    member.refresh_from_db()
    assert member.legal_identifier == ""


def test_the_admin_says_whether_numbers_are_checked(client, moderator, tmp_path):
    client.force_login(moderator)
    url = reverse("admin:consultation_organisation_changelist")
    assert "Aucun répertoire officiel n’est importé" in said(client.get(url))
    imported(sirene_file(tmp_path / "s.csv"))
    text = said(client.get(url))
    assert "Numéros vérifiés à l’inscription dans" in text
    assert "9 organisations" in text and "Aucun répertoire" not in text
