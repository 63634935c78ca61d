"""
Where a moderator acts. A moderator is national, or scoped (`ModerationScope`) to
some regions and/or some consultations. `Scope` is the one rule of what is in scope:
for one object (`covers`), for a queryset (`filter`, the same rule as a query), and
in the words recorded with each decision (`label`).
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Consultation, ModerationScope, Region, User

EVERY: Any = object()  # an axis that does not apply (an organisation's consultation)
_Q = TypeVar("_Q", bound=QuerySet[Any])


@dataclass(frozen=True)
class Scope:
    """The regions (codes) and consultations (ids) a moderator is limited to; None:
    no limit of that kind."""

    regions: frozenset[str] | None = None
    consultations: frozenset[int] | None = None

    @property
    def national(self) -> bool:
        return self.regions is None and self.consultations is None

    def covers(self, *, region_id: Any = EVERY, consultation_id: Any = EVERY) -> bool:
        """Whether a place (its region's code, its consultation's id) is in scope.
        A region-scoped moderator does not cover what has no region."""
        if (
            self.regions is not None
            and region_id is not EVERY
            and region_id not in self.regions
        ):
            return False
        return (
            self.consultations is None
            or consultation_id is EVERY
            or consultation_id in self.consultations
        )

    def filter(
        self,
        queryset: _Q,
        *,
        region: str | None = None,
        consultation: str | None = None,
    ) -> _Q:
        """`queryset` restricted to the scope, its objects' region and consultation
        read through the lookups `region` and `consultation` (None: the axis does
        not apply)."""
        condition = Q()
        if self.regions is not None and region is not None:
            condition &= Q(**{f"{region}__in": self.regions})
        if self.consultations is not None and consultation is not None:
            condition &= Q(**{f"{consultation}__in": self.consultations})
        return queryset.filter(condition)

    def label(self) -> str:
        """The scope in words, as a decision records it (in the site's language,
        whatever the moderator's); read once for a scope, however many decisions a
        list action records with it."""
        return self._words

    @cached_property
    def _words(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return self._label()

    def _label(self) -> str:
        if self.national:
            return _("national")
        parts = []
        if self.regions is not None:
            names = Region.objects.filter(code__in=self.regions).order_by("code")
            parts.append(
                _("régions : %(list)s")
                % {"list": ", ".join(f"{r.name} ({r.code})" for r in names)}
            )
        if self.consultations is not None:
            slugs = Consultation.objects.filter(pk__in=self.consultations)
            parts.append(
                _("consultations : %(list)s")
                % {"list": ", ".join(sorted(c.slug for c in slugs))}
            )
        return " ; ".join(parts)


NATIONAL = Scope()


def moderation_scope(user: User | AnonymousUser) -> Scope:
    """`user`'s scope (national without a `ModerationScope`), read once per request's
    user object."""
    cached: Scope | None = getattr(user, "_moderation_scope", None)
    if cached is not None:
        return cached
    scope = NATIONAL
    if user.pk is not None:
        row = ModerationScope.objects.filter(user_id=user.pk).first()
        if row is not None:
            regions = frozenset(row.regions.values_list("code", flat=True))
            consultations = frozenset(row.consultations.values_list("pk", flat=True))
            scope = Scope(regions or None, consultations or None)
    user._moderation_scope = scope  # type: ignore[union-attr]
    return scope


def scoped_choices(user: User | AnonymousUser, queryset: _Q) -> _Q:
    """`queryset` of regions or consultations (a form's choices) limited to those
    `user` moderates; a queryset of another model as it is."""
    lookups = {Region: {"region": "code"}, Consultation: {"consultation": "pk"}}
    return moderation_scope(user).filter(queryset, **lookups.get(queryset.model, {}))
