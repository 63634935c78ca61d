"""
One organisation, one voice: look-alike characters do not open a second account, an
identity change drops the verification, and a vote needs an identified organisation.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from consultation.identifiers import parse_legal_identifier
from consultation.models import User
from tests.factories import UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db
PASSWORD = "une-longue-phrase-de-passe"


def signup(client, **fields):
    return client.post(
        reverse("signup"),
        {
            "email": "contact@coop-exemple.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "organisation": "Coopérative des Exemples",
            "organisation_type": "cooperative",
            "region": "76",
            "legal_identifier": "",
            "accept_terms": "on",
            **fields,
        },
    )


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("７３２８２９３２０", "732829320"),  # fullwidth digits
        ("Ｗ１２３４５６７８９", "W123456789"),
        ("w１２３４５６７８９", "W123456789"),
    ],
)
def test_look_alike_digits_are_read_as_the_same_identifier(typed, key):
    assert parse_legal_identifier(typed)[1] == key


@pytest.mark.parametrize("typed", ["٧٣٢٨٢٩٣٢٠", "۷۳۲۸۲۹۳۲۰", "W١٢٣٤٥٦٧٨٩", "७३२८२९३२०"])
def test_digits_of_other_scripts_are_refused(typed):
    with pytest.raises(ValidationError) as error:
        parse_legal_identifier(typed)
    assert error.value.code == "invalid_format"


def test_a_siren_in_fullwidth_digits_does_not_open_a_second_account(client):
    UserFactory(legal_identifier="732829320", organisation_key="732829320")
    response = signup(client, legal_identifier="７３２８２９３２０")
    assert response.status_code == 200
    assert "a déjà un compte" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "typed",
    [
        "alice@ｅxample.org",
        "ALICE@Example.ORG",
        "ａｌｉｃｅ@example.org",
        " alice@example.org ",
    ],
)
def test_look_alike_email_addresses_do_not_open_a_second_account(client, typed):
    UserFactory(email="alice@example.org")
    response = signup(client, email=typed)
    assert response.status_code == 200
    assert "Un compte existe déjà" in response.content.decode()
    assert User.objects.count() == 1


def test_an_internationalised_domain_is_stored_in_its_ascii_form():
    user = User.objects.create_user("Zoé@BÜCHER.de", PASSWORD)
    assert user.email == "zoé@xn--bcher-kva.de"
    assert User.objects.get_by_natural_key("zoé@bücher.de") == user


def test_every_way_in_stores_the_normalised_address():
    User.objects.create_user("alice@example.org", PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="alice@ｅxample.org")  # save() normalises too
    with pytest.raises(IntegrityError), transaction.atomic():
        other = User.objects.create(email="bob@example.org")
        User.objects.filter(pk=other.pk).update(email="ALICE@example.org")


def test_the_admin_refuses_a_look_alike_address(client, db):
    admin = User.objects.create_superuser("root@exemple.fr", PASSWORD)
    User.objects.create_user("alice@example.org", PASSWORD)
    client.force_login(admin)
    response = client.post(
        reverse("admin:consultation_user_add"),
        {
            "email": "alice@ｅxample.org",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert User.objects.count() == 2


IDENTIFY = (
    "Une organisation, une voix : pour voter, indiquez le numéro SIREN, SIRET ou RNA "
    "de votre organisation dans « Mon organisation », ou attendez sa vérification par "
    "l’équipe de la consultation."
)


def unidentified(**fields):
    return UserFactory(legal_identifier="", organisation_key="", **fields)


def test_two_accounts_without_identifier_cannot_both_vote(published_proposal):
    from proposals import services

    for organisation in ("Association Même", "Association Même"):
        with refused("vote.unidentified") as refusal:
            services.vote_cast(
                proposal=published_proposal,
                voter=unidentified(organisation=organisation),
                choice="agree",
            )
        assert str(refusal.value) == IDENTIFY
    published_proposal.refresh_from_db()
    assert published_proposal.vote_count == 0


def test_an_unidentified_organisation_votes_once_verified(published_proposal):
    from proposals import services

    voter = unidentified(organisation_verified=True)
    services.vote_cast(proposal=published_proposal, voter=voter, choice="agree")
    published_proposal.refresh_from_db()
    assert published_proposal.agree_count == 1


def test_an_unidentified_organisation_may_still_propose(question):
    from proposals import services

    proposal = services.proposal_submit(
        author=unidentified(), question=question, text="Une proposition bien formée."
    )
    assert proposal.pk


def test_the_rule_is_said_on_the_sign_up_page_and_the_results(client, consultation):
    for url in (reverse("signup"), reverse("results")):
        page = client.get(url).content.decode()
        assert "une organisation, une voix" in page.lower(), url


@pytest.mark.parametrize(
    "change",
    [
        {"organisation": "Ministère de l'Économie (officiel)"},
        {"organisation_type": "public_body"},
        {"legal_identifier": "73282932000017"},  # another establishment, same SIREN
    ],
)
def test_any_change_of_identity_drops_the_verification_and_says_so(client, change):
    user = UserFactory(
        organisation="Coopérative vérifiée",
        legal_identifier="732829320",
        organisation_key="732829320",
        organisation_verified=True,
    )
    client.force_login(user)
    fields = {
        "organisation": user.organisation,
        "organisation_type": user.organisation_type,
        "region": user.region_id,
        "legal_identifier": user.legal_identifier,
        **change,
    }
    response = client.post(reverse("profile"), fields, follow=True)
    user.refresh_from_db()
    assert not user.organisation_verified
    assert user.reverification_requested_at is not None
    assert "vérifiée à nouveau" in response.content.decode()


def test_an_unchanged_profile_keeps_the_verification(client):
    user = UserFactory(organisation_verified=True)
    client.force_login(user)
    client.post(
        reverse("profile"),
        {
            "organisation": user.organisation,
            "organisation_type": user.organisation_type,
            "region": "53",  # the region may change: it is where the organisation is
            "legal_identifier": user.legal_identifier,
        },
    )
    user.refresh_from_db()
    assert user.organisation_verified and user.reverification_requested_at is None


def test_the_admin_lists_the_organisations_to_verify_again(client, moderator):
    renamed = UserFactory(organisation="Renommée", organisation_verified=False)
    User.objects.filter(pk=renamed.pk).update(
        reverification_requested_at="2026-11-01T10:00:00Z"
    )
    UserFactory(organisation="Jamais vérifiée")
    client.force_login(moderator)
    page = client.get(
        reverse("admin:consultation_organisation_changelist") + "?reverification=1"
    ).content.decode()
    assert "Renommée" in page and "Jamais vérifiée" not in page
    client.post(
        reverse("admin:consultation_organisation_changelist"),
        {"action": "mark_verified", "_selected_action": [renamed.pk]},
    )
    renamed.refresh_from_db()
    assert renamed.organisation_verified and renamed.reverification_requested_at is None
