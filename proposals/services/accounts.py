"""What happens to an account's proposals and votes when the account goes."""

from django.contrib.auth import get_user_model
from django.db import transaction

from consultation.cache import content_changed

from ..models import Proposal, Status


@transaction.atomic
def account_delete(*, user):
    """
    Delete an account and what only it could see: its pending, rejected and withdrawn
    proposals. Its published proposals stay, without author; its votes stay, without
    voter, so that no published count changes (the database empties both links).
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    Proposal.objects.filter(author=user).exclude(status=Status.PUBLISHED).delete()
    # Its published proposals lose their organisation's name: public pages change.
    for consultation_id in user.participations.values_list("consultation", flat=True):
        content_changed(consultation_id)
    user.delete()
