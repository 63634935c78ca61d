"""What happens to an account's proposals and votes when the account goes."""

from django.contrib.auth import get_user_model
from django.db import transaction

from consultation.cache import content_changed

from ..models import CoSignature, CoSignatureStatus, Proposal, Status


@transaction.atomic
def account_delete(*, user):
    """
    Delete an account and what only it could see: its pending, rejected and withdrawn
    proposals, the invitations to co-sign it did not answer. Its published proposals
    stay, without author; its votes and co-signatures stay, without account, so that no
    published count changes (the database empties these links).
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    Proposal.objects.filter(author=user).exclude(status=Status.PUBLISHED).delete()
    # Invitations to co-sign addressed to it, not answered: its address goes with it.
    CoSignature.objects.filter(
        email=user.email, status=CoSignatureStatus.INVITED
    ).delete()
    # Its published proposals lose their organisation's name: public pages change.
    for consultation_id in user.participations.values_list("consultation", flat=True):
        content_changed(consultation_id)
    user.delete()
