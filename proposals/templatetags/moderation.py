"""`{% moderation_queue user as queue %}`: the size and age of the moderation queue
of `user`'s scope, for the admin's home (`queue.pending`, `queue.oldest`,
`queue.first_pk`, `queue.arguments`)."""

from django import template

from ..selectors import moderation_queue_summary

register = template.Library()


@register.simple_tag
def moderation_queue(user):
    return moderation_queue_summary(user)
