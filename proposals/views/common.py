"""What the proposals' action views share."""

from django.contrib import messages

from .. import services


def apply_action(request, action, success, **kwargs):
    """Run the service `action`; tell the person `success`, or why it was refused."""
    try:
        action(**kwargs)
    except services.ProposalActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
