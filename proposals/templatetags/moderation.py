"""`{% moderation_queue as queue %}`: the moderation queue's size and age, for the
admin's home (`queue.pending`, `queue.oldest`, `queue.first_pk`)."""

from django import template

from ..selectors import moderation_queue_summary

register = template.Library()


@register.simple_tag
def moderation_queue():
    return moderation_queue_summary()
