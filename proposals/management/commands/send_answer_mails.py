"""`manage.py send_answer_mails`: the former name of `send_notifications`, kept so that
existing crontabs go on working."""

from .send_notifications import Command as SendNotifications


class Command(SendNotifications):
    help = "The former name of send_notifications, which it runs. " + (
        SendNotifications.help
    )
