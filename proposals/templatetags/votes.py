"""
What a vote block says, as the page's script writes it after a vote
(`proposals.vote_summary`): `{% for label in segments|count_labels %}`, the counts in
words; `{{ my_vote|vote_said }}`, « Votre vote : Mitigé »;
`{% vote_choices as choices %}`, the vote choices in their order.
"""

from django import template

from ..models import Choice
from ..vote_summary import count_labels, vote_said

register = template.Library()
register.filter("count_labels", count_labels)
register.filter("vote_said", vote_said)


@register.simple_tag
def vote_choices():
    """The vote choices in their order, as (value, label) pairs."""
    return Choice.choices
