"""
The site's mail. A mail is sent once the transaction that decided it has committed, so
nobody is told of something the database does not hold; a failing mail server is logged
and reported to the caller, and never undoes nor breaks what was decided.
"""

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    """Whether a mail went out: None until its transaction commits, then True or
    False."""

    sent: bool | None = None

    @property
    def failed(self) -> bool:
        return self.sent is False


def mail_send(
    *,
    template: str,
    context: dict[str, Any],
    recipient: str,
    language: str | None = None,
    headers: dict[str, str] | None = None,
) -> bool:
    """
    Send the mail `template` now, in `language` (the recipient's): its subject
    (`<template>_subject.txt`), a text part (`_body.txt`) and an HTML part
    (`_body.html`, on the branded `email/base.html`, readable without images); return
    whether it went out.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(
            f"{template}_body.html", {**context, "subject": subject}
        )
    message = EmailMultiAlternatives(subject, body, None, [recipient], headers=headers)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        logger.error("Mail %s not sent: %s", template, error)
        return False
    return True


def mail_after_commit(
    *,
    template: str,
    context: dict[str, Any],
    recipient: str,
    language: str | None = None,
) -> Delivery:
    """Send the mail `template` once the current transaction commits (at once outside
    one). The returned `Delivery` says, after the commit, whether it went out."""
    delivery = Delivery()

    def send() -> None:
        delivery.sent = mail_send(
            template=template, context=context, recipient=recipient, language=language
        )

    transaction.on_commit(send)
    return delivery


# The queue that keeps and sends the mails about an account (`register_queue`).
_queue: Callable[..., None] | None = None


def register_queue(writer: Callable[..., None]) -> None:
    """Name the function that queues an account's mail: `writer(kind=, user=, data=)`
    writes it with the current transaction and has it sent after the response, and
    again later if the mail server failed (the proposals app registers its
    notifications, sent by `send_notifications`)."""
    global _queue
    _queue = writer


def account_mail_queue(
    *, kind: str, user: Any, data: dict[str, Any] | None = None
) -> None:
    """
    Queue the mail `kind` (`AccountMailKind`) to `user`. A mail that exists only when
    an address has an account (an invitation, a password reset) never makes the
    response wait for the mail server: a request for an address with an account
    takes as long as one for an address without.
    """
    if _queue is None:
        raise RuntimeError("No mail queue registered (the proposals app does it).")
    _queue(kind=kind, user=user, data=data or {})
