"""
One rendering for everyone: the pages participants read, rendered once and filled in
for each person with their own facts.

A logged-in participant's page is rendered once per content version, address (order,
filters, page), order of proposals, language and *participant profile* (the few facts
of an account that the refusal rules read: `proposals.permissions.participant_profile`),
and kept in the cache. What belongs to one person sits in marked *slots*
(`{% personal %}`, `proposals.slots`): the page is stored with every variant of each
slot rendered in advance (a vote slot: no vote, « D'accord », « Mitigé », « Pas
d'accord »), and the CSRF token as a placeholder. A request then reads the page from
the cache, reads the person's facts for its slots (their votes on the proposals shown,
their follows), and fills them in: a substitution of strings, not a template render.

The first request renders the page through the same path (markers, then filled), so
that what one person sees is always `fill(shared page, their facts)`.

Not shared, rendered for the person alone: staff (their controls and links), a
request with flash messages, a page its view does not declare shareable
(`share_page`: a proposal that is not published, say), and a page about a proposal
the person is involved in (its author, a cosigner or invitee, the author of one of its
arguments: `involved_in`), whose controls are theirs.
"""

import re
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from .cache import SITE, STRUCTURE, content_versions
from .exposures import exposures_add
from .page_cache import (
    SHUFFLE_COOKIE,
    page_entry,
    render_again,
    shuffle_bucket,
    store_page,
)

CSRF_PLACEHOLDER = "\x00csrf\x00"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_SLOT = re.compile(r"<!--slot:([a-z-]+):(\d+)-->")


class SlotKind:
    """
    A kind of personal fact on a page: the values it may take, how one is shown
    (`render(context, key, value)`: at rendering time, once per value), and how a
    person's are read (`facts(user, keys)`: {key: value}, one query, the keys missing
    taking `default`).
    """

    registry = {}

    def __init__(self, name, *, values, default, render, facts):
        self.name, self.values, self.default = name, values, default
        self.render, self.facts = render, facts
        SlotKind.registry[name] = self


_rules = {}


def register_rules(*, profile, involvement):
    """
    The rules about people this module applies, from the app that owns them:
    `profile(user)`, a short text naming every fact of an account that decides what a
    page refuses it (accounts of one profile share pages), and `involvement(user,
    proposal_ids)`, whether the person has controls of their own on those proposals.
    """
    _rules.update(profile=profile, involvement=involvement)


def marker(request, kind, key, variants, value):
    """The slot's place in the page being rendered; its variants kept beside it, and
    the value it takes for the person it is rendered for."""
    request.shared_slots[(kind.name, key)] = variants
    request.shared_values[(kind.name, key)] = value
    return f"<!--slot:{kind.name}:{key}-->"


def rendering_shared(request):
    return getattr(request, "shared_slots", None) is not None


def share_page(request, *, consultation=None, involved_in=()):
    """
    A view's word that its page may be kept and served to every participant of the
    same profile: all that is theirs on it is in slots. `consultation`: the one it
    shows, whose next change of phase by date ends the copy (a form to propose must
    not outlive the contributions). `involved_in`: the proposals whose author,
    cosigners, invitees and argument writers see more than the others (their own
    controls), and get the page rendered for them alone.
    """
    if rendering_shared(request):
        until = consultation.next_change() if consultation is not None else None
        request.shared_page = {
            "involved_in": [int(pk) for pk in involved_in],
            "until": until.timestamp() if until else None,
        }


def _without_token(html):
    """`html` with its forms' CSRF token left to fill in for each reader."""
    return _CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", html)


def _interned(slots):
    """The slots' variants without their token, each distinct text kept once: the
    vote buttons are the same on every card, and the stored copy holds them once."""
    texts = {}
    return {
        slot: {
            value: texts.setdefault(text, text)
            for value, text in (
                (value, _without_token(html)) for value, html in variants.items()
            )
        }
        for slot, variants in slots.items()
    }


def _split(content):
    """The page as text pieces and (kind, key) slots, in order."""
    pieces, start = [], 0
    for match in _SLOT.finditer(content):
        pieces.append(content[start : match.start()])
        pieces.append((match.group(1), int(match.group(2))))
        start = match.end()
    pieces.append(content[start:])
    return pieces


def fill(entry, request, known=None):
    """The stored page with `request.user`'s facts in its slots and their token;
    `known`: the values already read for this person (the page rendered for them)."""
    if known is None:
        keys = {}
        for kind, key in entry["variants"]:
            keys.setdefault(kind, []).append(key)
        facts = {
            kind: SlotKind.registry[kind].facts(request.user, kind_keys)
            for kind, kind_keys in keys.items()
        }
        known = {
            (kind, key): facts[kind].get(key, SlotKind.registry[kind].default)
            for kind, key in entry["variants"]
        }
    out = []
    for piece in entry["pieces"]:
        if isinstance(piece, str):
            out.append(piece)
            continue
        out.append(entry["variants"][piece][known[piece]])
    return "".join(out).replace(CSRF_PLACEHOLDER, get_token(request))


class SharedPageMiddleware:
    """Serves participants' pages from the shared copy, filled for each of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.method != "GET"
            or not user.is_authenticated
            or user.is_staff
            # Flash messages to show: this person's page alone.
            or CookieStorage.cookie_name in request.COOKIES
        ):
            return self.get_response(request)
        key = ":".join(
            [
                "shared",
                _rules["profile"](user),
                translation.get_language() or settings.LANGUAGE_CODE,
                request.get_host(),
                request.get_full_path(),
            ]
        )
        # The page, and its copy for the reader's order if it lists proposals: one
        # round trip.
        bucket_key = f"{key}:{shuffle_bucket(request)}"
        found = cache.get_many([key, bucket_key])
        stored = found.get(key)
        if stored is not None and stored.get("by_bucket"):
            stored = found.get(bucket_key)
        if (
            stored is not None
            and content_versions(stored["depends"]) == stored["depends"]
            and time.time() < (stored["until"] or float("inf"))
            and not _rules["involvement"](user, stored["involved_in"])
        ):
            response = HttpResponse(fill(stored, request))
            for header, value in stored["headers"]:
                response[header] = value
            response["X-Page-Cache"] = "shared"
            exposures_add(stored.get("exposed"))
            if time.time() >= stored["fresh_until"] and cache.add(
                f"{key}:refreshing", 1, timeout=30
            ):
                response["X-Page-Cache"] = "shared-stale"
                response._resource_closers.append(
                    lambda: render_again(self._render, request, key)
                )
            return response
        return self._render(request, key)

    def _render(self, request, key):
        """The page from the view, with markers in its slots; kept when it may be,
        and filled for this person either way."""
        request.shared_slots, request.shared_values = {}, {}
        request.page_versions_at_start = content_versions([SITE, STRUCTURE])
        response = self.get_response(request)
        if (
            response.status_code != 200
            or response.streaming
            or "text/html" not in response.get("Content-Type", "")
            # Not shareable and nothing to fill (« Mon espace », a form): as rendered.
            or not (request.shared_slots or hasattr(request, "shared_page"))
        ):
            return response
        shared = getattr(request, "shared_page", {})
        entry = {
            "pieces": _split(_without_token(response.content.decode())),
            "variants": _interned(request.shared_slots),
            "involved_in": shared.get("involved_in", []),
            "until": shared.get("until"),
        } | page_entry(request, response)
        if self._shareable(request, response):
            store_page(request, key, entry)
        response.content = fill(entry, request, request.shared_values).encode()
        return response

    def _shareable(self, request, response):
        query = request.META.get("QUERY_STRING", "")
        return (
            hasattr(request, "shared_page")
            and (not query or query == getattr(request, "canonical_query", None))
            and not (set(response.cookies) - {SHUFFLE_COOKIE})
            # Rendered with its author's controls: for them alone.
            and not _rules["involvement"](
                request.user, request.shared_page["involved_in"]
            )
        )
