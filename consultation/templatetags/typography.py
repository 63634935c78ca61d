"""
French typography in templates.

- `{{ 62|percent }}`: « 62 % » in French (a narrow no-break space before the sign),
  « 62% » in English; the number itself is localised (« 1 000 »).
- `{{ count|counted:"votes" }}`: « 1 vote », « 1 000 votes »: the count and its noun,
  agreeing (`consultation.text.counted`).
- `<p{% content_lang %}>`: the consultation's content (proposals, titles, questions) is
  written in French; on a page in another language its elements say so, for screen
  readers and translation tools.
"""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language

from consultation.text import CONTENT_LANGUAGE, counted

register = template.Library()
register.filter("counted", counted)


@register.filter
def percent(value):
    number = number_format(value, use_l10n=True)
    if (get_language() or "").startswith("fr"):
        return f"{number}\u202f%"
    return f"{number}%"


@register.simple_tag
def content_lang():
    if (get_language() or CONTENT_LANGUAGE).startswith(CONTENT_LANGUAGE):
        return ""
    return format_html(' lang="{}"', CONTENT_LANGUAGE)
