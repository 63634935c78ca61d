import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import ConsultationFactory, ThemeFactory, TrajectoryFactory
from trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def test_a_trajectory_belongs_to_its_themes_consultation():
    theme = ThemeFactory()
    trajectory = TrajectoryFactory(theme=theme, number=4)
    assert trajectory.consultation == theme.consultation


def test_the_database_refuses_a_trajectory_number_twice_in_a_consultation():
    consultation = ConsultationFactory()
    TrajectoryFactory(theme__consultation=consultation, number=4)
    other_theme = ThemeFactory(consultation=consultation)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrajectoryFactory(theme=other_theme, number=4)


def test_the_same_trajectory_number_is_allowed_in_another_consultation():
    TrajectoryFactory(number=4)
    TrajectoryFactory(number=4)
    assert Trajectory.objects.filter(number=4).count() == 2


def test_the_database_refuses_trajectory_number_zero():
    with pytest.raises(IntegrityError), transaction.atomic():
        TrajectoryFactory(number=0)


def test_validation_reports_a_duplicate_number_before_the_database_does():
    existing = TrajectoryFactory(number=7)
    other_theme = ThemeFactory(consultation=existing.consultation)
    duplicate = Trajectory(theme=other_theme, number=7, title="Autre")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "number" in error.value.message_dict


def test_the_database_refuses_two_themes_with_the_same_title_in_a_consultation():
    theme = ThemeFactory(title="UNE ÉCONOMIE INNOVANTE")
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeFactory(consultation=theme.consultation, title="UNE ÉCONOMIE INNOVANTE")
