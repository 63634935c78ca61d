import datetime

import pytest
from django.db import IntegrityError, transaction

from consultation.models import Consultation, Phase, Region, User
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def test_the_data_migration_creates_the_18_regions_with_their_insee_codes():
    codes = list(Region.objects.order_by("code").values_list("code", flat=True))
    assert codes == [
        "01", "02", "03", "04", "06", "11", "24", "27", "28",
        "32", "44", "52", "53", "75", "76", "84", "93", "94",
    ]  # fmt: skip
    assert Region.objects.get(code="06").name == "Mayotte"
    assert Region.objects.get(code="94").name == "Corse"


def test_create_user_needs_only_an_email_and_a_password():
    user = User.objects.create_user("Anne.Martin@Exemple.FR", "un-mot-de-passe-42")
    assert user.email == "anne.martin@exemple.fr"
    assert user.check_password("un-mot-de-passe-42")
    assert not user.is_staff and not user.is_superuser
    assert user.organisation == "" and user.region is None


def test_login_lookup_ignores_the_case_of_the_email():
    user = User.objects.create_user("anne@exemple.fr", "un-mot-de-passe-42")
    assert User.objects.get_by_natural_key("ANNE@exemple.fr") == user


def test_the_database_refuses_two_accounts_with_the_same_email():
    User.objects.create_user("anne@exemple.fr", "x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ANNE@exemple.fr", "y")


def test_the_database_refuses_an_unknown_organisation_type():
    user = User.objects.create_user("anne@exemple.fr", "x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(organisation_type="multinationale")


def test_create_superuser_is_staff_and_superuser():
    admin = User.objects.create_superuser("admin@exemple.fr", "x")
    assert admin.is_staff and admin.is_superuser


def test_current_consultation_is_the_latest_not_in_preparation():
    opening = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    older = ConsultationFactory(opens_at=opening, phase=Phase.CLOSED)
    ConsultationFactory(
        opens_at=opening + datetime.timedelta(days=30), phase=Phase.PREPARATION
    )
    assert Consultation.objects.current() == older
    newer = ConsultationFactory(opens_at=opening + datetime.timedelta(days=10))
    assert Consultation.objects.current() == newer


def test_current_consultation_is_none_when_all_are_in_preparation():
    ConsultationFactory(phase=Phase.PREPARATION)
    assert Consultation.objects.current() is None


def test_the_database_refuses_a_closing_before_the_opening():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationFactory(
            opens_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
            closes_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
        )


def test_the_database_refuses_an_unknown_phase():
    consultation = ConsultationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(phase="brouillon")


@pytest.mark.parametrize(
    ("phase", "proposals", "votes"),
    [
        (Phase.PREPARATION, False, False),
        (Phase.CONTRIBUTIONS, True, True),
        (Phase.VOTES, False, True),
        (Phase.CLOSED, False, False),
    ],
)
def test_each_phase_says_what_it_accepts(phase, proposals, votes):
    consultation = Consultation(phase=phase)
    assert consultation.accepts_proposals is proposals
    assert consultation.accepts_votes is votes
    assert consultation.is_public is (phase != Phase.PREPARATION)
