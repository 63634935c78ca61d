"""
What a vote block says, as the page's script writes it after a vote
(`proposals.vote_summary`): `{% for label in segments|count_labels %}`, the counts in
words; `{{ my_vote|vote_said }}`, « Votre vote : Mitigé ».
"""

from django import template

from ..vote_summary import count_labels, vote_said

register = template.Library()
register.filter("count_labels", count_labels)
register.filter("vote_said", vote_said)
