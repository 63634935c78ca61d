"""
Writes of accounts: sign-up, email confirmation, profile. Each is one transaction; the
mails about an account are queued with it (`mail.account_mail_queue`) and leave after
the response, so nobody is told of an account that the database does not hold and no
response waits for the mail server.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import (
    PasswordResetTokenGenerator,
    default_token_generator,
)
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .mail import account_mail_queue
from .models import PRIVACY_PAGE, AccountMailKind, SitePage, User
from .registers import Identity, names_differ, organisation_identity
from .text import visible_text


class AccountError(Exception):
    """A rule forbids the change; the message is meant for the person who asked."""


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of confirmation links: they expire once the address is confirmed."""

    key_salt = "consultation.services.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_confirmed_at}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()


def _organisation_identity(legal_identifier, organisation_type):
    """The `registers.Identity` of an identifier (empty without one); a refusal of
    the registers is an `AccountError`."""
    if not legal_identifier:
        return Identity("", "")
    try:
        return organisation_identity(legal_identifier, organisation_type)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages)) from None


def _registered_name_fields(identity, organisation):
    """The account's fields that keep its name in a register, and whether it differs
    from the typed one (the moderators' list)."""
    return {
        "registered_name": identity.registered_name,
        "registered_name_differs": names_differ(organisation, identity.registered_name),
    }


@transaction.atomic
def user_signup(
    *,
    email,
    password,
    organisation,
    organisation_type,
    region,
    legal_identifier="",
    language=settings.LANGUAGE_CODE,
):
    """Create a participant account, with the consent it gave to the privacy page as
    it reads now, and queue the link that confirms its email (the account stands even
    if the mail cannot go yet: the queue tries again)."""
    identity = _organisation_identity(legal_identifier, organisation_type)
    organisation = visible_text(organisation)
    terms = SitePage.objects.filter(slug=PRIVACY_PAGE).values_list(
        "updated_at", flat=True
    )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                password,
                organisation=organisation,
                organisation_type=organisation_type,
                region=region,
                legal_identifier=identity.identifier,
                organisation_key=identity.key,
                **_registered_name_fields(identity, organisation),
                language=language,
                terms_accepted_at=timezone.now(),
                terms_version=next(
                    (moment.isoformat(timespec="seconds") for moment in terms), ""
                ),
            )
    except IntegrityError:
        # The form checked both; a concurrent sign-up got there first.
        raise AccountError(
            _("Un compte existe déjà pour cette adresse e-mail ou cette organisation.")
        ) from None
    user_confirmation_send(user=user)
    return user


def user_confirmation_send(*, user):
    """Queue the mail with the link that confirms `user`'s email address."""
    account_mail_queue(kind=AccountMailKind.CONFIRMATION, user=user)


def password_reset_send(*, email):
    """Queue the mail with a link to choose a new password to the active account with
    `email`, if there is one; the asker learns nothing either way (same answer, same
    time: the mail leaves after the response)."""
    user = User.objects.filter(
        email=User.objects.normalize_email(email), is_active=True
    ).first()
    if user is not None and user.has_usable_password():
        account_mail_queue(kind=AccountMailKind.PASSWORD_RESET, user=user)


def account_mail_content(kind: str, user: User) -> tuple[str, dict[str, Any]]:
    """The template and context of the `AccountMailKind` mail `kind` to `user`, made
    as it is sent: its link's token is made then, from the account as it is."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    if kind == AccountMailKind.CONFIRMATION:
        token = email_confirmation_token.make_token(user)
        path = reverse("email_confirm", kwargs={"uidb64": uid, "token": token})
        return "consultation/email/confirm", {
            "user": user,
            "link": settings.SITE_URL.rstrip("/") + path,
        }
    if kind == AccountMailKind.PASSWORD_RESET:
        return "consultation/email/password_reset", {
            "user": user,
            "uid": uid,
            "token": default_token_generator.make_token(user),
        }
    raise ValueError(kind)


@transaction.atomic
def user_email_confirm(*, user, token):
    """Confirm `user`'s address if `token` is valid; return whether it was."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed:
        return True
    if not email_confirmation_token.check_token(user, token):
        return False
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    return True


@transaction.atomic
def user_profile_update(
    *, user, organisation, organisation_type, region, legal_identifier, language=None
):
    """Change the organisation that an account speaks for. A verified organisation
    that changes its name, type or identifier is no longer verified: the team
    verifies it again (`reverification_requested_at`)."""
    identity = _organisation_identity(legal_identifier, organisation_type)
    organisation = visible_text(organisation)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.organisation_verified and (
        organisation,
        organisation_type,
        identity.identifier,
    ) != (user.organisation, user.organisation_type, user.legal_identifier):
        user.organisation_verified = False
        user.reverification_requested_at = timezone.now()
    user.organisation = organisation
    user.organisation_type = organisation_type
    user.region = region
    user.legal_identifier = identity.identifier
    user.organisation_key = identity.key
    for name, value in _registered_name_fields(identity, organisation).items():
        setattr(user, name, value)
    user.language = language or user.language
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise AccountError(_("Cette organisation a déjà un compte.")) from None
    return user
