"""
`{% card_fragment proposal show_question %}…{% endcard_fragment %}` and
`{% summary_fragment proposal %}…{% endsummary_fragment %}`: the body, from the page's
`fragments` store (`proposals.fragments.FragmentStore`) when it holds it, else rendered
and added to it. Without a store (a page that keeps nothing) the body is rendered.
"""

from django import template
from django.utils.safestring import mark_safe

from ..fragments import card_key, summary_key

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, key_function, arguments):
        self.nodelist, self.key_function, self.arguments = (
            nodelist,
            key_function,
            arguments,
        )

    def render(self, context):
        store = context.get("fragments")
        if store is None:
            return self.nodelist.render(context)
        key = self.key_function(
            *(argument.resolve(context) for argument in self.arguments)
        )
        html = store.get(key)
        if html is None:
            html = self.nodelist.render(context)
            store.add(key, html)
        return mark_safe(html)  # noqa: S308 - our own template's output


def _fragment_tag(name, key_function):
    def tag(parser, token):
        arguments = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
        nodelist = parser.parse((f"end{name}",))
        parser.delete_first_token()
        return FragmentNode(nodelist, key_function, arguments)

    register.tag(name, tag)


_fragment_tag("card_fragment", card_key)
_fragment_tag("summary_fragment", summary_key)
