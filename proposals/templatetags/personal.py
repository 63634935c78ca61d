"""
`{% personal "vote" proposal.pk proposal.my_vote %}`: a fact of the reader's on a page
(`proposals.slots`). Rendered with `value` on a page for one person; on a page shared
by participants (`consultation.shared_pages`), a marker, with the slot rendered for
every value it may take, filled in for each reader.
"""

from django import template
from django.utils.safestring import mark_safe

from consultation.shared_pages import SlotKind, marker, rendering_shared

from .. import slots  # noqa: F401 (registers the kinds)

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, kind_name, key, value):
    kind = SlotKind.registry[kind_name]
    request = context.get("request")
    if request is None or not rendering_shared(request):
        return mark_safe(kind.render(context, key, value))  # noqa: S308 (a template's output)
    variants = kind.variants(request, context, key)
    return mark_safe(marker(request, kind, key, variants, value))  # noqa: S308 (ours)
