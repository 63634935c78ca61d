"""`manage.py create_moderator EMAIL [--answers]`: a staff account in the
"Modérateurs" group, and with --answers in "Réponses officielles" (it writes the
official answers too)."""

import getpass
import os

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from consultation.models import User
from consultation.roles import ANSWERS_GROUP, MODERATORS_GROUP


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

    def handle(self, *args, email, answers=False, **options):
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
        role = "a moderator who writes official answers" if answers else "a moderator"
        self.stdout.write(self.style.SUCCESS(f"{email} is {role}."))

    def _ask_password(self):
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
