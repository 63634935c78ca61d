"""
- `{% capture as name %}…{% endcapture %}`: render a part of a template once (a block,
  say) and use it several times, as the page title is in <title> and in the sharing
  meta tags.
- `{% page_query number %}`: a pagination link's query string.
"""

from django import template
from django.template.defaulttags import querystring
from django.utils.safestring import mark_safe

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # What the nodes rendered is already escaped: escaping it again when it is
        # used would print « l&#x27;ESS ».
        rendered = " ".join(self.nodelist.render(context).split())
        context[self.name] = mark_safe(rendered)  # noqa: S308 (escaped by its nodes)
        return ""


@register.tag
def capture(parser, token):
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError(
            "Usage: {% capture as name %}…{% endcapture %}"
        )
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def page_query(context, number, parameter="page"):
    """The current query string for page `number` of the list that `parameter` pages
    (`page` unless a page holds several lists); the first page has none."""
    return querystring(context, **{parameter: None if number == 1 else number})
