"""
Following and the notification mails.

An event (a decision, an answer, a merge, a cosignature) writes one `Notification`
row per organisation concerned, in the transaction that decided it, so that nobody is
told of what did not happen and nothing decided goes untold. `notifications_send`
(the `send_notifications` command) then mails them: each due row is claimed by one
run, mailed, and marked sent; a failed mail is tried again later, with a growing
delay, until NOTIFICATION_MAX_ATTEMPTS.

The mails about an account (`AccountMailKind`: confirmation and password-reset links,
invitations to cosign) go through the same queue, each in a mail of its own, and are
sent at once after the response (`account_mail_write`).
"""

import datetime
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consultation.background import after_this_response
from consultation.mail import Delivery, mail_send
from consultation.models import AccountMailKind, User
from consultation.services import account_mail_content
from trajectories.models import Trajectory

from .. import permissions
from ..models import (
    Answer,
    CoSignature,
    CoSignatureStatus,
    Follow,
    Notification,
    NotificationKind,
    NotificationPreferences,
    NotificationState,
    Proposal,
    Status,
    Vote,
    preferences_of,
)
from ..permissions import Person
from .common import refuse_if

NOTIFICATION_BATCH = 200  # notifications claimed and mailed per round
NOTIFICATION_MAX_ATTEMPTS = 5
NOTIFICATION_CLAIM_MINUTES = 15
RETRY_DELAY = datetime.timedelta(minutes=5)  # doubled at each failed attempt

DECISION_KINDS = (NotificationKind.PUBLISHED, NotificationKind.REJECTED)


# Following


def _follow_set(*, user: User, following: bool, **target: Any) -> None:
    refuse_if(permissions.follow_refusal(user))
    Follow.objects.update_or_create(
        user=user, **target, defaults={"following": following}
    )


def proposal_follow(*, user: User, proposal: Proposal, following: bool = True) -> None:
    """`user` follows `proposal`, or stops following it (even one that it would
    follow without asking: its own, cosigned or voted on)."""
    _follow_set(user=user, following=following, proposal=proposal)


def trajectory_follow(
    *, user: User, trajectory: Trajectory, following: bool = True
) -> None:
    """`user` follows `trajectory` (the weekly digest of its new proposals), or not."""
    if following:
        _follow_set(user=user, following=True, trajectory=trajectory)
    else:
        Follow.objects.filter(user=user, trajectory=trajectory).delete()


def follows_proposal(user: Person, proposal: Proposal) -> bool:
    """Whether `user` follows `proposal`, asked or not."""
    if not user.is_authenticated:
        return False
    choice = (
        Follow.objects.filter(user=user, proposal=proposal)
        .values_list("following", flat=True)
        .first()
    )
    if choice is not None:
        return choice
    preferences = preferences_of(user)
    if preferences.follows_own and (
        proposal.author_id == user.pk
        or CoSignature.objects.filter(
            proposal=proposal, cosigner=user, status=CoSignatureStatus.ACCEPTED
        ).exists()
    ):
        return True
    return (
        preferences.follows_voted
        and Vote.objects.filter(proposal=proposal, voter=user).exists()
    )


def follows_trajectory(user: Person, trajectory: Trajectory) -> bool:
    return (
        user.is_authenticated
        and Follow.objects.filter(
            user=user, trajectory=trajectory, following=True
        ).exists()
    )


def proposal_follower_ids(
    proposal: Proposal, *, voter_ids: Iterable[int] | None = None
) -> set[int]:
    """The accounts that follow `proposal` but did not write it: those that asked,
    its cosigners and its voters (or `voter_ids`, once its votes moved) unless they
    switched that off, minus those that stopped following it."""
    choices = dict(
        Follow.objects.filter(proposal=proposal).values_list("user_id", "following")
    )
    cosigners = (
        CoSignature.objects.filter(proposal=proposal, status=CoSignatureStatus.ACCEPTED)
        .exclude(cosigner__notification_preferences__follows_own=False)
        .values_list("cosigner_id", flat=True)
    )
    voters: Iterable[int | None]
    if voter_ids is None:
        voters = (
            Vote.objects.filter(proposal=proposal, voter__isnull=False)
            .exclude(voter__notification_preferences__follows_voted=False)
            .values_list("voter_id", flat=True)
        )
    else:
        voters = (
            User.objects.filter(pk__in=voter_ids)
            .exclude(notification_preferences__follows_voted=False)
            .values_list("pk", flat=True)
        )
    followers = {pk for pk, following in choices.items() if following}
    followers |= set(cosigners) | set(voters)
    return {
        pk for pk in followers if choices.get(pk, True) and pk != proposal.author_id
    }


# Writing notifications


def notify(
    *,
    kind: str,
    user_ids: Iterable[int | None],
    event: str,
    proposal: Proposal | None = None,
    data: dict[str, Any] | None = None,
) -> list[str]:
    """Write the notification `kind` of `event` (a short name, unique for this kind)
    for each of `user_ids`; the same event written again adds nothing. Returns the
    rows' keys."""
    rows = [
        Notification(
            user_id=user_id,
            kind=kind,
            key=f"{kind}:{event}:{user_id}",
            proposal=proposal,
            data=data or {},
        )
        for user_id in sorted(pk for pk in user_ids if pk is not None)
    ]
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return [row.key for row in rows]


def notification_preferences_set(
    *, user: User, follows_own: bool, follows_voted: bool, mails: Iterable[str]
) -> None:
    """What `user` follows without asking, and the `NotificationKind` mails it
    wants (the others are turned off)."""
    user.notification_preferences, _created = (
        NotificationPreferences.objects.update_or_create(
            user=user,
            defaults={
                "follows_own": follows_own,
                "follows_voted": follows_voted,
                "mails_off": [
                    kind for kind in NotificationKind.values if kind not in mails
                ],
            },
        )
    )


# Unsubscribing in one click

# Kept as first written: the links of mails already sent stay valid.
UNSUBSCRIBE_SALT = "consultation.services.unsubscribe"


def unsubscribe_token(user: User) -> str:
    """The token of the one-click link that stops `user`'s notification mails."""
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_unsubscribe(*, token: str) -> User | None:
    """Stop every notification mail of the account that `token` names (it may turn
    some on again in « Mon espace »); the account, or None when the token is not one
    of ours."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        return None
    NotificationPreferences.objects.update_or_create(
        user=user, defaults={"mails_off": NotificationKind.values}
    )
    return user


def account_mail_write(*, kind: str, user: User, data: dict[str, Any]) -> None:
    """Queue the `AccountMailKind` mail `kind` to `user` with the current transaction;
    once it commits, it is sent after the response (at once outside a request), and
    by `send_notifications` if the mail server failed."""
    keys = notify(kind=kind, user_ids=[user.pk], event=str(time.time_ns()), data=data)
    transaction.on_commit(
        lambda: after_this_response(lambda: notifications_send(keys=keys))
    )


def notify_decision(proposal: Proposal, *, event: int) -> Delivery:
    """Tell the author of `proposal` of its publication or rejection (`event`: the
    moderation event's id) at once, after the commit; the `Delivery` says whether the
    mail went out (True when there is none to send). A failed mail stays due, for
    `send_notifications` to try again."""
    if proposal.author_id is None:
        return Delivery(sent=True)
    keys = notify(
        kind=proposal.status,
        user_ids=[proposal.author_id],
        event=f"decision-{event}",
        proposal=proposal,
    )
    delivery = Delivery()

    def send() -> None:
        counts = notifications_send(keys=keys)
        delivery.sent = counts["failed"] == 0

    transaction.on_commit(send)
    return delivery


def notify_cosigned(cosignature: CoSignature) -> None:
    """Tell the author that an organisation cosigns their proposal."""
    proposal = cosignature.proposal
    if proposal.author_id is not None:
        notify(
            kind=NotificationKind.COSIGNED,
            user_ids=[proposal.author_id],
            event=f"cosignature-{cosignature.pk}",
            proposal=proposal,
            data={"organisation": cosignature.organisation},
        )


def notify_merge(
    *, proposal: Proposal, into: Proposal, event: int, voter_ids: Iterable[int]
) -> None:
    """Tell the authors of both proposals, and the followers of the merged one
    (its voters among them, `voter_ids`: their votes moved), of a merge."""
    data = {"merged": proposal.pk, "into": into.pk}
    authors = {proposal.author_id, into.author_id} - {None}
    notify(
        kind=NotificationKind.MERGED,
        user_ids=authors,
        event=f"merge-{event}",
        proposal=into,
        data=data,
    )
    followers = proposal_follower_ids(proposal, voter_ids=voter_ids) - authors
    notify(
        kind=NotificationKind.FOLLOWED_MERGED,
        user_ids=followers,
        event=f"merge-{event}",
        proposal=into,
        data=data,
    )


def notifications_from_answers() -> int:
    """Write the notifications of the official answers not told yet: to the author
    of each proposal, and to its followers. Each answer is told once."""
    written = 0
    with transaction.atomic():
        answers = list(
            Answer.objects.select_for_update(skip_locked=True)
            .filter(notified_at=None, proposal__status=Status.PUBLISHED)
            .select_related("proposal")
            .order_by("pk")
        )
        for answer in answers:
            proposal = answer.proposal
            event = f"answer-{answer.pk}-{answer.answered_at.timestamp():.0f}"
            written += len(
                notify(
                    kind=NotificationKind.ANSWERED,
                    user_ids=[proposal.author_id],
                    event=event,
                    proposal=proposal,
                )
            )
            written += len(
                notify(
                    kind=NotificationKind.FOLLOWED_ANSWERED,
                    user_ids=proposal_follower_ids(proposal),
                    event=event,
                    proposal=proposal,
                )
            )
        Answer.objects.filter(pk__in=[answer.pk for answer in answers]).update(
            notified_at=timezone.now()
        )
    return written


def digest_week(
    moment: datetime.datetime,
) -> tuple[datetime.datetime, datetime.datetime]:
    """The last whole week (Monday to Monday, local time) before `moment`."""
    today = timezone.localtime(moment).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    end = today - datetime.timedelta(days=today.weekday())
    return end - datetime.timedelta(days=7), end


def notifications_from_digest(now: datetime.datetime | None = None) -> int:
    """Write the weekly digests of the last whole week: for each organisation that
    follows trajectories where proposals were published that week, one digest (once
    per week, however often this runs)."""
    start, end = digest_week(now or timezone.now())
    published = dict(
        Proposal.objects.filter(
            status=Status.PUBLISHED, published_at__gte=start, published_at__lt=end
        )
        .order_by()
        .values_list("pk", "question__trajectory_id")
    )
    if not published:
        return 0
    by_user: dict[int, set[int]] = {}
    for user_id, trajectory_id in Follow.objects.filter(
        following=True, trajectory__in=set(published.values())
    ).values_list("user_id", "trajectory_id"):
        by_user.setdefault(user_id, set()).add(trajectory_id)
    written = 0
    week = start.date().isoformat()
    for user_id, trajectories in by_user.items():
        proposal_ids = sorted(
            pk for pk, trajectory in published.items() if trajectory in trajectories
        )
        written += len(
            notify(
                kind=NotificationKind.DIGEST,
                user_ids=[user_id],
                event=f"week-{week}",
                data={"proposals": proposal_ids, "week": week},
            )
        )
    return written


# Sending


def _claim(
    now: datetime.datetime, limit: int, keys: Iterable[str] | None = None
) -> list[int]:
    """Take up to `limit` due notifications (among `keys`) for this run; their ids."""
    stale = now - datetime.timedelta(minutes=NOTIFICATION_CLAIM_MINUTES)
    due = Notification.objects.filter(state=NotificationState.PENDING)
    if keys is not None:
        due = due.filter(key__in=keys)
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
            .order_by("user_id", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(claimed_at=now)
    return ids


def _mail_context(notifications: Sequence[Notification]) -> list[dict[str, Any]]:
    """What the mail of one organisation's notifications shows, by kind."""
    proposal_ids = set()
    for notification in notifications:
        proposal_ids.add(notification.proposal_id)
        proposal_ids.update(notification.data.get("proposals", []))
        proposal_ids.update(notification.data.get(key) for key in ("merged", "into"))
    proposals = Proposal.objects.select_related("question__trajectory").in_bulk(
        [pk for pk in proposal_ids if pk is not None]
    )
    items = []
    for notification in notifications:
        item = {
            "kind": notification.kind,
            # Each kind says its news in its own template (text and HTML).
            "template": f"proposals/email/items/{notification.kind}",
            "proposal": proposals.get(notification.proposal_id),
            "merged": proposals.get(notification.data.get("merged")),
            "into": proposals.get(notification.data.get("into")),
            "organisation": notification.data.get("organisation", ""),
            "digest": [
                proposals[pk]
                for pk in notification.data.get("proposals", [])
                if pk in proposals and proposals[pk].status == Status.PUBLISHED
            ],
        }
        if item["proposal"] is not None or item["digest"]:
            items.append(item)
    return items


def _send_to(user: User, notifications: Sequence[Notification]) -> bool:
    """Mail `user` its `notifications` in one mail; whether it went out (True when
    there was nothing left to say)."""
    items = _mail_context(notifications)
    if not items:
        return True
    link = settings.SITE_URL + reverse(
        "unsubscribe", kwargs={"token": unsubscribe_token(user)}
    )
    template = "proposals/email/notifications"
    context = {
        "items": items,
        "digest_only": [item["kind"] for item in items] == [NotificationKind.DIGEST],
        "user": user,
        "unsubscribe": link,
        "preferences": settings.SITE_URL + reverse("my_space") + "#notifications",
    }
    if len(items) == 1 and items[0]["kind"] in DECISION_KINDS:
        # A moderation decision has its own mail, with the rejection's reason.
        proposal = items[0]["proposal"]
        template = f"proposals/email/proposal_{items[0]['kind']}"
        context |= {
            "proposal": proposal,
            "author": user,
            "link": settings.SITE_URL + proposal.get_absolute_url(),
        }
    return mail_send(
        template=template,
        context=context,
        recipient=user.email,
        language=user.language,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _account_mail_send(user: User, notification: Notification) -> bool:
    """Mail `user` the account mail `notification`, alone; whether it went out (True
    when there is nothing left to say: an invitation withdrawn meanwhile)."""
    if notification.kind == AccountMailKind.INVITATION:
        invitation = (
            CoSignature.objects.filter(
                pk=notification.data.get("cosignature"),
                status=CoSignatureStatus.INVITED,
            )
            .select_related("proposal__author")
            .first()
        )
        if invitation is None:
            return True
        template = "proposals/email/cosignature_invited"
        context = {
            "proposal": invitation.proposal,
            "author": {"organisation": notification.data.get("organisation", "")},
            "link": settings.SITE_URL + reverse("my_space") + "#invitations",
        }
    else:
        template, context = account_mail_content(notification.kind, user)
    return mail_send(
        template=template,
        context=context,
        recipient=user.email,
        language=user.language,
    )


def _mails(
    user: User, rows: Sequence[Notification]
) -> list[tuple[list[Notification], Callable[[], bool]]]:
    """`user`'s wanted `rows` as the mails they make: (rows, send) pairs, an account
    mail alone, the rest together."""
    account = [row for row in rows if row.kind in AccountMailKind.values]
    mails: list[tuple[list[Notification], Callable[[], bool]]] = [
        ([row], partial(_account_mail_send, user, row)) for row in account
    ]
    others = [row for row in rows if row not in account]
    if others:
        mails.append((others, lambda: _send_to(user, others)))
    return mails


def _mark(ids: Iterable[int], **fields: Any) -> None:
    Notification.objects.filter(pk__in=ids).update(claimed_at=None, **fields)


def notifications_send(
    *,
    now: datetime.datetime | None = None,
    batch: int = NOTIFICATION_BATCH,
    keys: Iterable[str] | None = None,
) -> dict[str, int]:
    """
    Mail the due notifications, one mail per organisation and round, `batch` rows a
    round until none is due. Returns {"sent": mails, "failed": mails, "skipped":
    rows}. A row is mailed by one run only and marked sent; a failed mail is tried
    again after RETRY_DELAY, doubled each time, and given up after
    NOTIFICATION_MAX_ATTEMPTS. With `keys`, only those rows (a decision's mail, sent
    at once).
    """
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    seen = set()
    while True:
        ids = [pk for pk in _claim(now, batch, keys) if pk not in seen]
        if not ids:
            return counts
        seen.update(ids)
        rows = list(
            Notification.objects.filter(pk__in=ids)
            .select_related("user__notification_preferences")
            .order_by("user_id", "pk")
        )
        by_user: dict[User, list[Notification]] = {}
        for row in rows:
            by_user.setdefault(row.user, []).append(row)
        for user, theirs in by_user.items():
            preferences = preferences_of(user)
            wanted = [
                row for row in theirs if user.reachable and preferences.wants(row.kind)
            ]
            unwanted = [row.pk for row in theirs if row not in wanted]
            if unwanted:
                _mark(unwanted, state=NotificationState.SKIPPED)
                counts["skipped"] += len(unwanted)
            for mailed, send in _mails(user, wanted):
                mailed_ids = [row.pk for row in mailed]
                if send():
                    _mark(
                        mailed_ids, state=NotificationState.SENT, sent_at=timezone.now()
                    )
                    counts["sent"] += 1
                    continue
                counts["failed"] += 1
                attempts = max(row.attempts for row in mailed) + 1
                failure = {
                    "attempts": attempts,
                    "last_error": _("Le serveur de messagerie a refusé l'envoi."),
                }
                if attempts >= NOTIFICATION_MAX_ATTEMPTS:
                    failure["state"] = NotificationState.FAILED
                else:
                    failure["next_attempt_at"] = now + RETRY_DELAY * 2 ** (attempts - 1)
                _mark(mailed_ids, **failure)
