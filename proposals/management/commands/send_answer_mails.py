"""`manage.py send_answer_mails`: mail the new official answers, one mail each."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from consultation.mail import mail_send
from consultation.services import unsubscribe_token
from proposals.models import Answer, Vote


class Command(BaseCommand):
    help = (
        "Mail each organisation, in one mail, the official answers given since the "
        "last run to its proposals and to those it voted on (unless it unsubscribed). "
        "Run it once a day: an organisation gets at most one such mail a day. Each "
        "answer is mailed once, even if the command runs again."
    )

    def handle(self, *args, **options):
        answers = list(
            Answer.objects.filter(notified_at=None, proposal__status="published")
            .select_related("proposal__author", "proposal__question__trajectory")
            .order_by("proposal_id")
        )
        recipients = {}
        for answer in answers:
            author = answer.proposal.author
            if author is not None:
                recipients.setdefault(author, []).append(answer)
        voted = Vote.objects.filter(
            proposal__in=[answer.proposal_id for answer in answers]
        ).select_related("voter")
        by_proposal = {answer.proposal_id: answer for answer in answers}
        for vote in voted:
            if vote.voter is not None:
                mine = recipients.setdefault(vote.voter, [])
                if by_proposal[vote.proposal_id] not in mine:
                    mine.append(by_proposal[vote.proposal_id])
        sent = 0
        for user, theirs in recipients.items():
            if not user.answer_mails or not user.is_active:
                continue
            link = settings.SITE_URL + reverse(
                "unsubscribe", kwargs={"token": unsubscribe_token(user)}
            )
            sent += mail_send(
                template="proposals/email/answers",
                context={
                    "answers": theirs,
                    "site_url": settings.SITE_URL,
                    "unsubscribe": link,
                },
                recipient=user.email,
                language=user.language,
                headers={
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        Answer.objects.filter(pk__in=[answer.pk for answer in answers]).update(
            notified_at=timezone.now()
        )
        self.stdout.write(f"{len(answers)} answer(s), {sent} mail(s) sent.")
