"""
What a proposal's votes say to a reader: the distribution bar and the counts in words,
as data. Pages render it (`vote_counts.html`, `vote_bar.html`); after a vote the page's
script gets it as is (`views.participation.vote`) and redraws the block, so that both
say the same without a template rendered for the answer.
"""

from django.utils.formats import localize
from django.utils.translation import gettext, ngettext

from consultation.templatetags.typography import percent

from .models import Choice
from .ranking import distribution


def vote_said(choice):
    """What the block says of the reader's vote: « Votre vote : Mitigé », or nothing."""
    if not choice:
        return ""
    return gettext("Votre vote : %(label)s") % {"label": Choice(choice).label}


def _words(key, count):
    """« 12 d'accord », « 1 mitigé », « 3 pas d'accord », in the reader's language."""
    if key == "agree":
        text = ngettext("%(counter)s d'accord", "%(counter)s d'accord", count)
    elif key == "mixed":
        text = ngettext("%(counter)s mitigé", "%(counter)s mitigés", count)
    else:
        text = ngettext("%(counter)s pas d'accord", "%(counter)s pas d'accord", count)
    return text % {"counter": localize(count)}


def count_labels(segments):
    """Each choice's count in words and, once there are votes, its share of them."""
    voted = any(segment["count"] for segment in segments)
    return [
        {
            "key": segment["key"],
            "text": _words(segment["key"], segment["count"]),
            "share": percent(segment["percent"]) if voted else "",
        }
        for segment in segments
    ]


def vote_summary(agree, mixed, disagree):
    """The block's summary for the page's script: the bar's segments (SVG units),
    the counts in words, or the sentence for no vote yet."""
    segments = distribution(agree, mixed, disagree)
    if not agree + mixed + disagree:
        return {"empty": gettext("Pas encore de vote.")}
    return {
        "bar": [
            {"key": s["key"], "x": s["svg_x"], "width": s["svg_width"]}
            for s in segments
            if s["count"]
        ],
        "counts": count_labels(segments),
    }
