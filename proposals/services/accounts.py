"""What happens to an account's proposals and votes when the account goes."""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import QuerySet

from consultation.cache import content_changed
from consultation.models import User

from ..models import Argument, CoSignature, CoSignatureStatus, Proposal, Status


@transaction.atomic
def account_delete(*, user: User) -> None:
    """
    Delete an account and what only it could see: its proposals the public never saw
    (`never_public`), the invitations to cosign it did not answer. What it wrote that
    reached the public stays at its address, without author (« Organisation
    supprimée »: type and region remain); its votes, arguments and cosignatures stay
    without account and without its name, so that no published figure, export row or
    address changes.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    never_public(Proposal.objects.filter(author=user)).delete()
    # Invitations to cosign addressed to it, not answered: its address goes with it.
    CoSignature.objects.filter(
        email=user.email, status=CoSignatureStatus.INVITED
    ).delete()
    # What it signed stays counted, without its name or its address.
    Argument.objects.filter(author=user).update(organisation="")
    CoSignature.objects.filter(cosigner=user).update(
        organisation="", email=_erased_address()
    )
    # What it wrote or took part in loses its organisation's name: pages change
    # (an author takes part in the consultations it wrote in).
    for consultation_id in user.participations.values_list("consultation", flat=True):
        content_changed(consultation_id)
    user.delete()


def never_public(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The proposals among `proposals` that no one but their author and the moderators
    ever saw: pending ones, and those rejected or withdrawn before any vote (a
    merged proposal's address leads to the one kept: it stays whatever its votes)."""
    return proposals.filter(
        models.Q(status=Status.PENDING)
        | models.Q(status__in=[Status.REJECTED, Status.WITHDRAWN], vote_count=0)
    )


ERASED_ADDRESS_DOMAIN = "@invalid"


def invitation_addresses_erase(*, now: datetime, apply: bool = True) -> int:
    """Erase the addresses of invitations to cosign that no account holds once they
    are declined or withdrawn, or a year after their consultation closed; return how
    many (the privacy page's promise)."""
    closed_before = now - timedelta(days=365)
    invitations = (
        CoSignature.objects.filter(cosigner__isnull=True)
        .exclude(email__endswith=ERASED_ADDRESS_DOMAIN)
        .filter(
            models.Q(
                status__in=[CoSignatureStatus.DECLINED, CoSignatureStatus.WITHDRAWN]
            )
            | models.Q(
                proposal__question__trajectory__consultation__closes_at__lt=(
                    closed_before
                )
            )
        )
    )
    if not apply:
        return invitations.count()
    return CoSignature.objects.filter(pk__in=invitations.values("pk")).update(
        email=_erased_address()
    )


def _erased_address() -> models.functions.Concat:
    return models.functions.Concat(
        models.Value("effacee-"),
        models.functions.Cast("pk", output_field=models.CharField()),
        models.Value(ERASED_ADDRESS_DOMAIN),
        output_field=models.CharField(),
    )
