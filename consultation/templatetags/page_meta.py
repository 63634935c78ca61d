"""`{% capture as name %}…{% endcapture %}`: render a part of a template once (a block,
say) and use it several times, as the page title is in <title> and in the sharing
meta tags."""

from django import template

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        context[self.name] = " ".join(self.nodelist.render(context).split())
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
