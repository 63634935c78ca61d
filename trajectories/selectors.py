"""Reads of the consultation's hierarchy, with the relations each page needs."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from consultation.models import Consultation

from .models import Theme, Trajectory


def consultation_current():
    """The consultation that the site shows, or None."""
    return Consultation.objects.current()


def consultation_public_list():
    """The consultations that the public may read: the current one first, then the
    archive, latest first."""
    return Consultation.objects.public().order_by("-opens_at", "-pk")


def consultation_or_404(slug=None):
    """The public consultation that an address names by its `slug`, or the current
    one without a slug; Http404 when there is none, or when it is not public. Every
    page and feed of a consultation finds it here."""
    if slug:
        return get_object_or_404(consultation_public_list(), slug=slug)
    consultation = consultation_current()
    if consultation is None:
        raise Http404
    return consultation


def theme_list(*, consultation, with_questions=False):
    """The consultation's themes in order, each with its trajectories by number (and
    their guiding questions, if asked)."""
    trajectories = Trajectory.objects.select_related("consultation").order_by("number")
    if with_questions:
        trajectories = trajectories.prefetch_related("questions")
    return (
        Theme.objects.filter(consultation=consultation)
        .select_related("consultation")
        .prefetch_related(Prefetch("trajectories", queryset=trajectories))
    )


def trajectory_list(*, consultation):
    return Trajectory.objects.filter(consultation=consultation).select_related(
        "theme__consultation", "consultation"
    )
