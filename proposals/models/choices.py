"""The choices of proposals and votes, and the counting they share."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    WORKSHOP = "workshop", _("Atelier")
    ONLINE = "online", _("En ligne")


class Status(models.TextChoices):
    PENDING = "pending", _("En attente de modération")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée par son autrice ou son auteur")
    MERGED = "merged", _("Fusionnée avec une autre proposition")

    LIVE: ClassVar[frozenset["Status"]]  # set below, once the members exist


# A live proposal is still being decided on: it may be withdrawn, rejected, merged,
# cosigned, edited against duplicates. Said once, read as `Status.LIVE`.
Status.LIVE = frozenset({Status.PENDING, Status.PUBLISHED})


class Choice(models.TextChoices):
    AGREE = "agree", _("D'accord")
    MIXED = "mixed", _("Mitigé")
    DISAGREE = "disagree", _("Pas d'accord")


def choice_counts(through: str = "") -> dict[str, models.Count]:
    """Annotations that count votes by choice, as {"agree": Count, …}; `through` is
    the path from the queried model to its votes ("votes__" from proposals)."""
    return {
        choice: models.Count(
            f"{through}id" if through else "id",
            filter=models.Q(**{f"{through}choice": choice}),
        )
        for choice in Choice.values
    }


def counters_non_negative(name):
    """The constraint that the three vote counters of a row are never negative."""
    return models.CheckConstraint(
        condition=models.Q(agree_count__gte=0)
        & models.Q(mixed_count__gte=0)
        & models.Q(disagree_count__gte=0),
        name=name,
    )
