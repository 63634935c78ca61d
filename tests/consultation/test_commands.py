import pytest
from django.core.management import CommandError, call_command

from consultation.models import User

pytestmark = pytest.mark.django_db


def test_create_moderator_creates_a_staff_account_in_the_group(monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_MODERATOR_PASSWORD", "une-phrase-de-passe-longue")
    call_command("create_moderator", "Modo@Exemple.fr")
    user = User.objects.get(email="modo@exemple.fr")
    assert user.is_staff and not user.is_superuser
    assert user.check_password("une-phrase-de-passe-longue")
    assert user.has_perm("proposals.change_proposal")
    assert not user.has_perm("consultation.change_user")


def test_create_moderator_promotes_an_existing_account():
    User.objects.create_user("membre@exemple.fr", "ancien-mot-de-passe-42")
    call_command("create_moderator", "membre@exemple.fr")
    user = User.objects.get()
    assert user.is_staff and user.check_password("ancien-mot-de-passe-42")


def test_create_moderator_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_MODERATOR_PASSWORD", "1234")
    with pytest.raises(CommandError):
        call_command("create_moderator", "modo@exemple.fr")
    assert not User.objects.exists()
