"""The rows of the synthesis page's proposal tables, written in Python: the page
holds every proposal (35,000 at the large benchmark tier), and a template loop
renders them ten times slower."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def _row(row):
    origin = (row.source, row.region, row.organisation_type, row.workshop_label)
    details = " · ".join(escape(str(item)) for item in origin if item)
    state = escape(str(row.answer_state))
    answer = (
        f'<span class="d-block small"><strong>{state}</strong> — '
        f"{escape(row.answer)}</span>"
        if row.answer_state
        else ""
    )
    counts = "".join(
        f'<td class="text-end">{count} ({share} %)</td>'
        for count, share in (
            (row.agree, row.agree_percent),
            (row.mixed, row.mixed_percent),
            (row.disagree, row.disagree_percent),
        )
    )
    address = reverse("proposal_detail", args=[row.pk])
    return (
        f"<tr><td>{'–' if row.rank is None else row.rank}</td>"
        f'<td><a href="{address}">{escape(row.text)}</a>'
        f'<span class="d-block small text-body-secondary">{details}</span>{answer}</td>'
        f'{counts}<td class="text-end">{row.votes}</td>'
        f'<td class="text-end">{row.approval_percent} %</td></tr>'
    )


@register.simple_tag
def proposal_rows(rows):
    """The table rows of these `content.ProposalRow`, escaped."""
    # Every value that comes from people is escaped in `_row`.
    return mark_safe("\n".join(map(_row, rows)))  # noqa: S308


def signed(number):
    """« +12 », « −3 » (a true minus sign), « 0 »."""
    return f"{number:+d}".replace("-", "\u2212") if number else "0"


def _share(value):
    return "–" if value is None else f"{value} %"


def _regional_row(row):
    country = row.country
    origin = (country.source, country.organisation_type, country.workshop_label)
    details = " · ".join(escape(str(item)) for item in origin if item)
    gap = row.gap
    address = reverse("proposal_detail", args=[row.pk])
    return (
        f"<tr><td>{'–' if row.rank is None else row.rank}</td>"
        f'<td><a href="{address}">{escape(row.text)}</a>'
        f'<span class="d-block small text-body-secondary">{details}</span></td>'
        f'<td class="text-end">{country.votes}</td>'
        f'<td class="text-end">{country.approval_percent} %</td>'
        f'<td class="text-end">{row.votes}</td>'
        f'<td class="text-end">{_share(row.approval_percent)}</td>'
        f'<td class="text-end">{"" if gap is None else signed(gap)}</td></tr>'
    )


@register.simple_tag
def regional_proposal_rows(rows):
    """The table rows of these `regional.RegionalRow`, escaped."""
    # Every value that comes from people is escaped in `_regional_row`.
    return mark_safe("\n".join(map(_regional_row, rows)))  # noqa: S308
