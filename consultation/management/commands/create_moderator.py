"""`manage.py create_moderator EMAIL [--answers] [--region CODE]... [--consultation
SLUG]...`: a staff account in the "Modérateurs" group, and with --answers in "Réponses
officielles" (it writes the official answers too). With --region or --consultation
(each repeatable) it moderates only those regions and/or consultations; without,
it is national (a scope it had is removed)."""

import getpass
import os

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from consultation.models import Consultation, ModerationScope, Region, User
from consultation.roles import ANSWERS_GROUP, MODERATORS_GROUP
from consultation.scopes import moderation_scope


class Command(BaseCommand):
    help = (
        "Create a moderator (or make an existing account one). The password is asked "
        "for, or read from DJANGO_MODERATOR_PASSWORD when there is no terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--answers",
            action="store_true",
            help=f"also write the official answers (the group « {ANSWERS_GROUP} »)",
        )
        parser.add_argument(
            "--region",
            action="append",
            default=[],
            metavar="CODE",
            help="moderate this region only (its INSEE code; repeatable)",
        )
        parser.add_argument(
            "--consultation",
            action="append",
            default=[],
            metavar="SLUG",
            help="moderate this consultation only (repeatable)",
        )

    def handle(
        self, *args, email, answers=False, region=(), consultation=(), **options
    ):
        regions = self._found(Region, "code", region, "region")
        consultations = self._found(Consultation, "slug", consultation, "consultation")
        email = User.objects.normalize_email(email)
        user = User.objects.filter(email=email).first()
        password = None
        if user is None:
            password = (
                os.environ.get("DJANGO_MODERATOR_PASSWORD") or self._ask_password()
            )
            try:
                validate_password(password, User(email=email))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(email, password)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
            if answers:
                user.groups.add(Group.objects.get(name=ANSWERS_GROUP))
            if regions or consultations:
                scope, _created = ModerationScope.objects.get_or_create(user=user)
                scope.regions.set(regions)
                scope.consultations.set(consultations)
            else:
                ModerationScope.objects.filter(user=user).delete()
        role = "a moderator who writes official answers" if answers else "a moderator"
        where = moderation_scope(User.objects.get(pk=user.pk)).label()
        self.stdout.write(self.style.SUCCESS(f"{email} is {role} ({where})."))

    def _found(self, model, field, values, name):
        """The objects named by `values`, or an error naming those that do not
        exist."""
        found = list(model.objects.filter(**{f"{field}__in": values}))
        missing = sorted(set(values) - {getattr(obj, field) for obj in found})
        if missing:
            raise CommandError(f"Unknown {name}: {', '.join(missing)}.")
        return found

    def _ask_password(self):
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
