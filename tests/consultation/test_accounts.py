"""Sign-up, email confirmation, login, password reset and profile of participants."""

import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from consultation.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("signup")
LOGIN = reverse("login")
PASSWORD = "une-longue-phrase-de-passe"


def signup_data(**overrides):
    return {
        "email": "Contact@Coop-Exemple.fr",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "organisation": "Coopérative des Exemples",
        "organisation_type": "cooperative",
        "region": "76",
        "legal_identifier": "732 829 320",
        "accept_terms": "on",
        **overrides,
    }


def confirmation_link():
    [message] = mail.outbox
    return re.search(r"https?://[^/\s]+(/compte/confirmer/\S+/)", message.body).group(1)


def test_sign_up_creates_an_unconfirmed_account_and_mails_the_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response.url == reverse("my_space")
    user = User.objects.get()
    assert (user.email, user.organisation, user.organisation_type, user.region_id) == (
        "contact@coop-exemple.fr",
        "Coopérative des Exemples",
        "cooperative",
        "76",
    )
    assert (user.legal_identifier, user.organisation_key) == ("732829320", "732829320")
    assert user.email_confirmed_at is None
    assert user.check_password(PASSWORD)
    [message] = mail.outbox
    assert message.to == ["contact@coop-exemple.fr"]
    assert "confirmez votre adresse" in message.subject
    page = client.get(reverse("my_space")).content.decode()
    assert "Confirmez votre adresse e-mail" in page


def test_confirming_the_email_takes_a_post_from_the_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, signup_data())
    link = confirmation_link()
    response = client.get(link)
    assert response.status_code == 200
    assert User.objects.get().email_confirmed_at is None  # a GET changes nothing
    response = client.post(link)
    assert response.status_code == 302
    assert User.objects.get().email_confirmed_at is not None


def test_a_forged_confirmation_link_confirms_nothing(client):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = UserFactory(email_confirmed_at=None)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    for args in ([uid, "bad-token"], ["OTk5OTk", "bad-token"], ["%%%", "x"]):
        page = client.get(reverse("email_confirm", args=args)).content.decode()
        assert "n’est plus valide" in page
        response = client.post(reverse("email_confirm", args=args))
        assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_a_new_confirmation_link_can_be_asked_for(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email_confirmed_at=None)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("confirmation_resend"))
    assert len(mail.outbox) == 1
    client.post(confirmation_link())
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"accept_terms": ""}, "accept_terms", "Vous devez accepter les conditions"),
        ({"password2": "autre-chose-encore"}, "password2", "ne correspondent pas"),
        ({"password1": "azerty", "password2": "azerty"}, "password1", "trop court"),
        ({"organisation": "   "}, "organisation", "Ce champ est obligatoire"),
        (
            {"organisation_type": "secte"},
            "organisation_type",
            "Sélectionnez un choix valide",
        ),
        ({"region": "05"}, "region", "Sélectionnez un choix valide"),
        (
            {"legal_identifier": "123456789"},
            "legal_identifier",
            "SIREN n’est pas valide",
        ),
        (
            {"email": "pas-une-adresse"},
            "email",
            "Saisissez une adresse de courriel valide",
        ),
    ],
)
def test_sign_up_errors_are_shown_next_to_their_field(
    client, overrides, field, message
):
    response = client.post(SIGNUP, signup_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_a_second_account_with_the_same_email_is_refused(client):
    UserFactory(email="contact@coop-exemple.fr")
    response = client.post(SIGNUP, signup_data(email="CONTACT@coop-exemple.fr"))
    assert "Un compte existe déjà avec cette adresse" in response.content.decode()
    assert User.objects.count() == 1


def test_a_second_account_for_the_same_organisation_is_refused(client):
    UserFactory(legal_identifier="732829320", organisation_key="732829320")
    # A SIRET of the same SIREN is the same organisation.
    response = client.post(SIGNUP, signup_data(legal_identifier="73282932000009"))
    page = response.content.decode()
    assert "Cette organisation (732829320) a déjà un compte" in page
    assert User.objects.count() == 1


def test_the_database_holds_one_account_per_organisation():
    UserFactory(organisation_key="W751234567")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(organisation_key="W751234567")
    # Accounts without an identifier are not concerned.
    UserFactory(organisation_key="")
    UserFactory(organisation_key="")


def test_login_with_the_email_in_any_case_and_next_on_this_site(client, participant):
    response = client.post(
        LOGIN + "?next=/trajectoires/4/",
        {"username": participant.email.upper(), "password": "mot-de-passe-solide-42"},
    )
    assert response.status_code == 302 and response.url == "/trajectoires/4/"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "http:evil.example",
        "/\\evil.example",
    ],
)
def test_login_never_redirects_to_another_site(client, participant, target):
    response = client.post(
        LOGIN + "?next=" + target,
        {"username": participant.email, "password": "mot-de-passe-solide-42"},
    )
    assert response.status_code == 302
    assert response.url == reverse("my_space")


def test_logout_is_post_only(client, participant):
    client.force_login(participant)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_five_failures(client, participant):
    for _ in range(4):
        response = client.post(
            LOGIN, {"username": participant.email, "password": "faux"}
        )
        assert response.status_code == 200
    response = client.post(LOGIN, {"username": participant.email, "password": "faux"})
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    # Locked out: even the right password is refused for now.
    response = client.post(
        LOGIN, {"username": participant.email, "password": "mot-de-passe-solide-42"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_answers_the_same_for_known_and_unknown_emails(
    client, participant, django_capture_on_commit_callbacks
):
    url = reverse("password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": participant.email})
        unknown = client.post(url, {"email": "personne@exemple.fr"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [participant.email]
    link = re.search(
        r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body
    )
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url,
        {
            "new_password1": "nouvelle-phrase-secrete",
            "new_password2": "nouvelle-phrase-secrete",
        },
    )
    participant.refresh_from_db()
    assert participant.check_password("nouvelle-phrase-secrete")


def test_the_profile_changes_the_organisation_and_a_new_identifier_drops_verification(
    client,
):
    user = UserFactory(
        organisation_verified=True,
        legal_identifier="732829320",
        organisation_key="732829320",
    )
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        {
            "organisation": "Nouveau nom",
            "organisation_type": "association",
            "region": "53",
            "legal_identifier": "552100554",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (
        user.organisation,
        user.organisation_type,
        user.region_id,
        user.organisation_key,
    ) == (
        "Nouveau nom",
        "association",
        "53",
        "552100554",
    )
    assert not user.organisation_verified


def test_the_profile_refuses_another_organisations_identifier(client):
    UserFactory(organisation_key="552100554", legal_identifier="552100554")
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        {
            "organisation": "X",
            "organisation_type": "association",
            "region": "53",
            "legal_identifier": "552100554",
        },
    )
    assert response.status_code == 200
    assert "a déjà un compte" in response.content.decode()


def test_sign_ups_are_rate_limited_per_address_with_a_french_429(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_ip": "2/h"}
    for index in range(2):
        client.post(
            SIGNUP, signup_data(email=f"a{index}@exemple.fr", legal_identifier="")
        )
        client.logout()
    response = client.post(
        SIGNUP, signup_data(email="a3@exemple.fr", legal_identifier="")
    )
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert User.objects.count() == 2


def test_signed_in_visitors_are_sent_from_sign_up_to_their_space(client, participant):
    client.force_login(participant)
    assert client.get(SIGNUP).url == reverse("my_space")
