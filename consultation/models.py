"""The consultation-wide models: who takes part, where, and in which consultation."""

import contextlib
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .text import french_sort_key


class Region(models.Model):
    """A French region, identified by its INSEE code (a string: "01" keeps its zero)."""

    code = models.CharField(_("code INSEE"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self):
        return self.name


def regions_in_french_order():
    """The regions by name in French alphabetical order (`text.french_sort_key`)."""
    return sorted(Region.objects.all(), key=lambda region: french_sort_key(region.name))


class OrganisationType(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    COOPERATIVE = "cooperative", _("Coopérative")
    MUTUAL = "mutual", _("Mutuelle")
    FOUNDATION = "foundation", _("Fondation")
    ESS_COMPANY = "ess_company", _("Société commerciale de l'ESS")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale")
    PUBLIC_BODY = "public_body", _("Acteur public (État, services déconcentrés)")
    COMPANY = "company", _("Entreprise (hors ESS)")
    RESEARCH = "research", _("Enseignement supérieur / recherche")
    NETWORK = "network", _("Réseau ou fédération (CRESS, têtes de réseau)")
    CITIZEN = "citizen", _("Citoyen·ne")


def region_field(related_name):
    """A region, unknown for staff and national workshops; regions are never deleted."""
    return models.ForeignKey(
        Region,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
    )


def organisation_type_field():
    """An organisation type, blank when unknown."""
    return models.CharField(
        _("type d'organisation"),
        max_length=20,
        choices=OrganisationType.choices,
        blank=True,
    )


def organisation_type_valid(name):
    """The constraint that an organisation type field holds a known type or nothing."""
    return models.CheckConstraint(
        condition=models.Q(organisation_type="")
        | models.Q(organisation_type__in=OrganisationType.values),
        name=name,
    )


class AccountMailKind(models.TextChoices):
    """The mails about an account itself: always sent, never switched off, and queued
    with the notifications (`consultation.mail.account_mail_queue`)."""

    CONFIRMATION = "confirmation", _("Lien de confirmation de l’adresse")
    PASSWORD_RESET = "password_reset", _("Lien pour changer de mot de passe")
    INVITATION = "invitation", _("Invitation à cosigner une proposition")


class UserManager(BaseUserManager):
    """Creates users whose login is their email address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """
        The one form of an address: look-alike characters folded (NFKC: a fullwidth
        "ｅ" is an "e"), the whole address lower-cased, the domain in its ASCII (IDNA)
        form. The unique constraint on `email` then refuses every variant of an
        address that is already taken.
        """
        email = unicodedata.normalize("NFKC", email or "").strip().lower()
        local, at, domain = email.rpartition("@")
        if not at:
            return email
        # Not a valid domain: left as it is, for the form's validator to refuse.
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
        return f"{local}@{domain}"

    def get_by_natural_key(self, username):
        return self.get(email=self.normalize_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """
    A person with an account: a participant speaking for an organisation, or staff.

    Moderators have no organisation, so the profile fields may be blank in the database;
    the sign-up form is what requires them.
    """

    email = models.EmailField(
        _("adresse e-mail"),
        max_length=254,
        unique=True,
        error_messages={
            "unique": _("Un compte existe déjà avec cette adresse e-mail.")
        },
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    organisation_type = organisation_type_field()
    region = region_field(related_name="users")
    legal_identifier = models.CharField(
        _("SIREN, SIRET ou RNA"),
        max_length=14,
        blank=True,
        help_text=_(
            "Numéro SIREN (9 chiffres), SIRET (14 chiffres) "
            "ou RNA (W suivi de 9 chiffres)."
        ),
    )
    # The organisation's name in the register that knows its identifier (SIRENE or
    # RNA), and whether it differs from the one it typed (the moderators look).
    registered_name = models.CharField(
        _("nom au répertoire"),
        max_length=255,
        blank=True,
        default="",
        db_default="",  # rows written without the ORM (seed_bench's COPY) too
        editable=False,
    )
    registered_name_differs = models.BooleanField(
        _("nom différent du répertoire"),
        default=False,
        db_default=False,
        editable=False,
    )
    # The SIREN (or RNA number) that the legal identifier designates: one account per
    # organisation, held by a unique constraint. An RNA number that a register links to
    # a SIREN is keyed by that SIREN.
    organisation_key = models.CharField(
        _("identifiant de l'organisation"),
        max_length=10,
        blank=True,
        default="",
        editable=False,
    )
    organisation_verified = models.BooleanField(
        _("organisation vérifiée"),
        default=False,
        help_text=_(
            "Vérifiée par l'équipe : un badge l'indique à côté de ses propositions."
        ),
    )
    # Set when a verified organisation changes its name, type or identifier: the team
    # verifies it again (the admin lists these).
    reverification_requested_at = models.DateTimeField(
        _("à vérifier à nouveau depuis"), null=True, blank=True
    )
    email_confirmed_at = models.DateTimeField(
        _("adresse confirmée le"), null=True, blank=True
    )
    # The language of the mails the organisation receives: the site's at sign-up.
    language = models.CharField(
        _("langue des e-mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        db_default=settings.LANGUAGE_CODE,
    )
    # The consent given at sign-up, and to which version of the privacy page (its
    # last update when the person read it).
    terms_accepted_at = models.DateTimeField(
        _("conditions acceptées le"), null=True, blank=True
    )
    terms_version = models.CharField(
        _("version des conditions acceptées"), max_length=40, blank=True
    )
    is_staff = models.BooleanField(
        _("équipe"),
        default=False,
        help_text=_("Peut se connecter à l'administration du site."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscription"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            organisation_type_valid("user_organisation_type_valid"),
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_whatever_the_case",
                violation_error_message=_(
                    "Un compte existe déjà avec cette adresse e-mail."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation_key"],
                condition=~models.Q(organisation_key=""),
                name="user_one_account_per_organisation",
                violation_error_message=_("Cette organisation a déjà un compte."),
            ),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whatever the way in (a form, the admin, the shell), the address is stored in
        # its one form, so that the unique constraint holds on it.
        self.email = self.__class__.objects.normalize_email(self.email)
        super().save(*args, **kwargs)

    @property
    def reachable(self):
        """Whether mail may be sent to the account at all."""
        return self.is_active and bool(self.email)

    @property
    def email_confirmed(self):
        return self.email_confirmed_at is not None


class Organisation(User):
    """
    The organisation side of a participant account, for moderators: they verify
    organisations without any access to the accounts' passwords or permissions.
    """

    class Meta:
        proxy = True
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("En préparation")
    CONTRIBUTIONS = "contributions", _("Contributions ouvertes")
    VOTES = "votes", _("Votes ouverts")
    CLOSED = "closed", _("Clôturée")


PHASE_ORDER = [Phase.PREPARATION, Phase.CONTRIBUTIONS, Phase.VOTES, Phase.CLOSED]


@dataclass(frozen=True)
class TimelineStep:
    """A phase of a consultation as its home page dates it."""

    phase: str
    label: str
    starts: date | None
    ends: date | None
    state: str  # "done", "current" or "upcoming"


class ConsultationQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(phase=Phase.PREPARATION)

    def current(self):
        """The consultation the site shows: the latest not in preparation, or None."""
        return self.public().order_by("-opens_at", "-pk").first()


class Consultation(models.Model):
    """
    A consultation, organised in themes, and its phases.

    `phase` is the moderators' setting; the dates move it on by themselves: after
    `contributions_close_at` only votes are accepted, after `closes_at` nothing, and
    before `opens_at` nothing yet. `current_phase` is the phase in force.
    """

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=100, unique=True)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("ouverture"), default=timezone.now)
    contributions_close_at = models.DateTimeField(
        _("fin du dépôt des propositions"),
        null=True,
        blank=True,
        help_text=_("Ensuite, seuls les votes restent ouverts."),
    )
    closes_at = models.DateTimeField(
        _("clôture"),
        null=True,
        blank=True,
        help_text=_("Ensuite, la consultation est close : lecture seule."),
    )
    phase = models.CharField(
        _("phase"),
        max_length=20,
        choices=Phase.choices,
        default=Phase.PREPARATION,
        help_text=_(
            "En préparation : invisible du public. "
            "Contributions : propositions et votes. "
            "Votes : votes seulement. Clôturée : lecture seule, résultats définitifs. "
            "Les dates font passer d'elles-mêmes à la phase suivante."
        ),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__in=Phase.values),
                name="consultation_phase_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
                violation_error_message=_(
                    "La clôture ne peut pas précéder l'ouverture."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(contributions_close_at__isnull=True)
                | (
                    models.Q(contributions_close_at__gt=models.F("opens_at"))
                    & (
                        models.Q(closes_at__isnull=True)
                        | models.Q(closes_at__gte=models.F("contributions_close_at"))
                    )
                ),
                name="consultation_contributions_close_in_between",
                violation_error_message=_(
                    "La fin du dépôt des propositions doit tomber entre l'ouverture "
                    "et la clôture."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultation_home", kwargs={"slug": self.slug})

    def phase_at(self, moment):
        """The phase in force at `moment`: the one set, or a later one its dates
        have reached."""
        if self.phase == Phase.PREPARATION:
            return Phase.PREPARATION
        reached = Phase.CONTRIBUTIONS
        if self.closes_at and moment >= self.closes_at:
            reached = Phase.CLOSED
        elif self.contributions_close_at and moment >= self.contributions_close_at:
            reached = Phase.VOTES
        return max(self.phase, reached, key=PHASE_ORDER.index)

    @property
    def current_phase(self):
        return self.phase_at(timezone.now())

    @property
    def start_date(self):
        """The opening day, in the site's time zone."""
        return timezone.localdate(self.opens_at)

    @property
    def end_date(self):
        """The closing day, in the site's time zone, or None."""
        return timezone.localdate(self.closes_at) if self.closes_at else None

    @property
    def contributions_end_date(self):
        """The last day of contributions, in the site's time zone, or None."""
        moment = self.contributions_close_at or self.closes_at
        return timezone.localdate(moment) if moment else None

    @property
    def has_opened(self):
        return timezone.now() >= self.opens_at

    def next_change(self, moment=None):
        """The next moment (after `moment`, now) at which a date of the consultation
        changes what it accepts, or None."""
        moment = moment or timezone.now()
        dates = [self.opens_at, self.contributions_close_at, self.closes_at]
        return min((date for date in dates if date and date > moment), default=None)

    def timeline(self, moment=None):
        """
        The phases people go through, dated, each done, current or upcoming at
        `moment` (now): contributions (proposals and votes), then votes alone when
        contributions close before the end, then the final results.
        """
        moment = moment or timezone.now()
        current = self.phase_at(moment) if moment >= self.opens_at else None
        steps = [
            (
                Phase.CONTRIBUTIONS,
                _("Propositions et votes"),
                self.start_date,
                self.contributions_end_date,
            )
        ]
        votes_alone = self.contributions_close_at and (
            not self.closes_at or self.contributions_close_at < self.closes_at
        )
        if votes_alone or current == Phase.VOTES:
            starts = self.contributions_close_at
            steps.append(
                (
                    Phase.VOTES,
                    _("Votes seulement"),
                    timezone.localdate(starts) if starts else None,
                    self.end_date,
                )
            )
        steps.append(
            (Phase.CLOSED, _("Résultats définitifs et synthèse"), self.end_date, None)
        )
        position = PHASE_ORDER.index(current) if current else 0
        return [
            TimelineStep(
                phase=phase,
                label=label,
                starts=starts,
                ends=ends,
                state=(
                    "current"
                    if phase == current
                    else "done"
                    if PHASE_ORDER.index(phase) < position
                    else "upcoming"
                ),
            )
            for phase, label, starts, ends in steps
        ]

    @property
    def is_public(self):
        return self.phase != Phase.PREPARATION

    @property
    def accepts_proposals(self):
        return self.has_opened and self.current_phase == Phase.CONTRIBUTIONS

    @property
    def accepts_votes(self):
        return self.has_opened and self.current_phase in {
            Phase.CONTRIBUTIONS,
            Phase.VOTES,
        }

    @property
    def is_closed(self):
        return self.current_phase == Phase.CLOSED


PRIVACY_PAGE = "donnees-personnelles"


class SitePage(models.Model):
    """An information page that staff edit in the admin (accessibility, legal…)."""

    slug = models.SlugField(_("identifiant d'URL"), max_length=50, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(
        _("contenu"),
        help_text=_("Texte brut : une ligne vide sépare deux paragraphes."),
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("page d'information")
        verbose_name_plural = _("pages d'information")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("site_page", kwargs={"slug": self.slug})


class AuthenticatorApp(TOTPDevice):
    """django-otp's authenticator apps (TOTP), as the French admin names them (the
    library's own admin is in English; see `consultation.otp_admin`)."""

    class Meta:
        proxy = True
        verbose_name = _("application d'authentification")
        verbose_name_plural = _("applications d'authentification")


class BackupCodes(StaticDevice):
    """django-otp's lists of single-use backup codes, in French (see
    `consultation.otp_admin`)."""

    class Meta:
        proxy = True
        verbose_name = _("liste de codes de secours")
        verbose_name_plural = _("listes de codes de secours")


class Register(models.TextChoices):
    """The official registers of organisations that `import_registers` reads."""

    SIRENE = "sirene", _("Répertoire SIRENE de l’INSEE (unités légales)")
    RNA = "rna", _("Répertoire national des associations (RNA)")


class RegisteredUnit(models.Model):
    """
    A legal unit of INSEE's SIRENE register that the consultation may meet (an
    association, cooperative, mutual, foundation, public body or unit of the ESS:
    `consultation.registers`), as the last import read it.
    """

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("dénomination"), max_length=255, blank=True)
    active = models.BooleanField(_("active"))
    legal_category = models.CharField(_("catégorie juridique"), max_length=4)
    ess = models.BooleanField(_("économie sociale et solidaire"))
    # identifiantAssociationUniteLegale: the association's RNA number, if it has one.
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, db_index=True)

    class Meta:
        verbose_name = _("unité légale SIRENE")
        verbose_name_plural = _("unités légales SIRENE")

    def __str__(self):
        return f"{self.siren} {self.name}"


class RegisteredAssociation(models.Model):
    """An association of the RNA register, as the last import read it."""

    rna = models.CharField(_("numéro RNA"), max_length=10, primary_key=True)
    # The first nine digits of its `siret`, when the register links it to SIRENE.
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    name = models.CharField(_("titre"), max_length=255, blank=True)
    active = models.BooleanField(_("active"))

    class Meta:
        verbose_name = _("association du RNA")
        verbose_name_plural = _("associations du RNA")

    def __str__(self):
        return f"{self.rna} {self.name}"


class RegisterImport(models.Model):
    """The last import of a register: without one, identifiers are self-declared."""

    register = models.CharField(
        _("répertoire"), max_length=10, choices=Register.choices, unique=True
    )
    source = models.CharField(_("fichiers"), max_length=500)
    imported_at = models.DateTimeField(_("importé le"))
    lines_read = models.PositiveIntegerField(_("lignes lues"))
    kept = models.PositiveIntegerField(_("organisations gardées"))

    class Meta:
        verbose_name = _("import d’un répertoire")
        verbose_name_plural = _("imports des répertoires")

    def __str__(self):
        return f"{self.get_register_display()} ({self.imported_at:%Y-%m-%d})"


class StoredFile(models.Model):
    """A file kept in the database (`consultation.storage`): a workshop report, a
    synthesis's PDF, workbook or page."""

    name = models.CharField(_("nom"), max_length=255, unique=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("fichier")
        verbose_name_plural = _("fichiers")

    def __str__(self):
        return self.name


class StoredFileChunk(models.Model):
    """A part of a stored file's bytes, in order (`index`)."""

    file = models.ForeignKey(
        StoredFile, on_delete=models.CASCADE, related_name="chunks"
    )
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "index"], name="stored_chunk_once")
        ]

    def __str__(self):
        return f"{self.file_id}:{self.index}"


class ModerationScope(models.Model):
    """
    Where a moderator acts when not everywhere: some regions and/or some consultations
    (none of one kind = every one of that kind). A moderator without a scope is
    national. `consultation.scopes` reads it: the one rule of what is in scope.
    """

    user = models.OneToOneField(
        User,
        verbose_name=_("modératrice ou modérateur"),
        on_delete=models.CASCADE,
        related_name="moderation_scope",
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("régions"),
        blank=True,
        related_name="+",
        help_text=_("Aucune : toutes les régions."),
    )
    consultations = models.ManyToManyField(
        Consultation,
        verbose_name=_("consultations"),
        blank=True,
        related_name="+",
        help_text=_("Aucune : toutes les consultations."),
    )

    class Meta:
        verbose_name = _("périmètre de modération")
        verbose_name_plural = _("périmètres de modération")

    def __str__(self):
        return str(self.user)
