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

A person who voted after the copy was rendered gets it as it is if the counts it shows
have not moved since (`page_cache.counts_shown`: they voted elsewhere), with the moved
counts written in when it is a list (kept so for everyone), and the page rendered
again otherwise: the counts beside their vote are never older than it
(`counts_moved_by`).

Not shared, rendered for the person alone: staff (their controls and links), a
request with flash messages, a page its view does not declare shareable
(`share_page`: a proposal that is not published, say), and a page about a proposal
the person is involved in (its author, a cosigner or invitee, the author of one of its
arguments: `involved_in`), whose controls are theirs.
"""

import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from .background import after_response
from .cache import SITE, STRUCTURE, content_versions, version_key
from .page_cache import (
    PAGE_STALE_SECONDS,
    SHUFFLE_COOKIE,
    bucket_in_cookie,
    keep_renewed,
    kept_headers,
    page_entry,
    refresh_stale,
    served,
    shuffle_bucket,
    store_page,
    with_counts_read,
)

CSRF_PLACEHOLDER = "\x00csrf\x00"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_SLOT = re.compile(r"<!--slot:([a-z-]+):(\d+)-->")


class SlotKind:
    """
    A kind of personal fact on a page: the values it may take, how one is shown
    (`render(context, key, value)`: at rendering time, once per value), and how a
    person's are read: `facts(user, keys)`, a statement (sql, params) whose rows are
    (fact_key, fact_value) for the keys that do not take `default`, and
    `parse(fact_value)`, the value. All the kinds of a page are read in one statement
    (`read_facts`). `keyed=False`: a slot shows the same for every key (the vote
    buttons: the proposal is named outside), and is rendered once a page.
    """

    registry: dict[str, "SlotKind"] = {}

    def __init__(self, name, *, values, default, render, facts, parse, keyed=True):
        self.name, self.values, self.default = name, values, default
        self.render, self.facts, self.parse = render, facts, parse
        self.keyed = keyed
        SlotKind.registry[name] = self

    def variants(self, request, context, key):
        """The slot rendered for every value it may take."""
        if self.keyed:
            return {value: self.render(context, key, value) for value in self.values}
        rendered = request.shared_variants
        if self.name not in rendered:
            rendered[self.name] = {
                value: self.render(context, key, value) for value in self.values
            }
        return rendered[self.name]


_rules: dict[str, Callable[..., Any]] = {}


def register_rules(*, profile, involvement):
    """
    The rules about people this module applies, from the app that owns them:
    `profile(user)`, a short text naming every fact of an account that decides what a
    page refuses it (accounts of one profile share pages), and `involvement(user,
    proposal_ids)`, a statement (sql, params) that yields a row when the person has
    controls of their own on those proposals.
    """
    _rules.update(profile=profile, involvement=involvement)


def read_facts(user, keys, involved_in=()):
    """
    `user`'s facts for the slots `keys` ({kind name: [key, …]}), and whether they are
    involved in one of the proposals `involved_in`: ({(kind, key): value}, involved),
    in one statement, every kind's part and the involvement joined by UNION ALL.
    """
    parts, params = [], []
    for name, kind_keys in keys.items():
        sql, kind_params = SlotKind.registry[name].facts(
            user, [int(k) for k in kind_keys]
        )
        # The kinds' own statements, their values as parameters.
        alias = f"part{len(parts)}"
        parts.append(
            f"SELECT %s AS fact_kind, fact_key, fact_value FROM ({sql}) AS {alias}"  # noqa: S608
        )
        params += [name, *kind_params]
    if involved_in:
        sql, involvement_params = _rules["involvement"](user, involved_in)
        parts.append(f"SELECT '', 0, '' FROM ({sql}) AS involvement")  # noqa: S608
        params += involvement_params
    rows = []
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
    found = {(kind, key): value for kind, key, value in rows if kind}
    facts = {}
    for name, kind_keys in keys.items():
        kind = SlotKind.registry[name]
        for key in kind_keys:
            value = found.get((name, int(key)))
            facts[(name, key)] = kind.default if value is None else kind.parse(value)
    return facts, any(not kind for kind, _key, _value in rows)


def _involved(user, proposal_ids):
    return bool(proposal_ids) and read_facts(user, {}, proposal_ids)[1]


def _slot_keys(entry):
    keys = {}
    for kind, key in entry["variants"]:
        keys.setdefault(kind, []).append(key)
    return keys


def _moved_key(user_id):
    return f"shared:counts-moved-by:{user_id}"


def counts_moved_by(user):
    """`user` has just moved counts that pages show (a vote): the copies rendered
    before are not served to them, who would see their vote beside the old counts."""
    cache.set(
        _moved_key(user.pk),
        time.time(),
        timeout=settings.RESULTS_CACHE_SECONDS + PAGE_STALE_SECONDS,
    )


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
    """The slots' variants without their token, encoded, each distinct text kept once:
    the vote buttons are the same on every card, and the stored copy holds them once."""
    texts = {}
    return {
        slot: {
            value: texts.setdefault(text, text)
            for value, text in (
                (value, _without_token(html).encode())
                for value, html in variants.items()
            )
        }
        for slot, variants in slots.items()
    }


def _split(content):
    """The page as encoded pieces and (kind, key) slots, in order: a page is served as
    bytes, joined, never encoded again at each request (a 330 KB page: 0.35 ms)."""
    pieces, start = [], 0
    for match in _SLOT.finditer(content):
        pieces.append(content[start : match.start()].encode())
        pieces.append((match.group(1), int(match.group(2))))
        start = match.end()
    pieces.append(content[start:].encode())
    return pieces


CSRF_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


def fill(entry, request, known):
    """The stored page (bytes) with the reader's facts `known` ({(kind, key): value})
    in its slots, and their token."""
    out = []
    for piece in entry["pieces"]:
        if isinstance(piece, tuple):
            piece = entry["variants"][piece][known[piece]]
        # A copy kept before pages were stored encoded holds text: served as well.
        out.append(piece if isinstance(piece, bytes) else piece.encode())
    page = b"".join(out)
    if CSRF_PLACEHOLDER_BYTES in page:
        page = page.replace(CSRF_PLACEHOLDER_BYTES, get_token(request).encode())
    return page


# The scopes each page showed when this process last served it: their versions are
# read in the same round trip as the page (a page's scopes seldom change).
_scopes_seen: dict[str, Any] = {}
SCOPES_SEEN_MAX = 10_000
# The addresses that gave this process a page for one person alone (« Mon espace », a
# file, an error), until when: asked again, they are not looked for among the copies.
_rendered_alone: dict[str, float] = {}
RENDERED_ALONE_SECONDS = 60


def _current(stored, key, found, hinted):
    """Whether the content versions `stored` shows are still current: from `found`
    when they were read along (`hinted`), else read now and remembered for `key`."""
    depends = stored["depends"]
    if set(depends) == set(hinted):
        return all(found.get(version_key(s)) == v for s, v in depends.items())
    if len(_scopes_seen) >= SCOPES_SEEN_MAX:
        _scopes_seen.clear()
    _scopes_seen[key] = tuple(depends)
    return content_versions(depends) == depends


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
        if _rendered_alone.get(key, 0) > time.time():
            return self.get_response(request)
        # The page, its copy for the reader's order if it lists proposals, when the
        # reader last moved counts, and the versions of what it showed: one round trip.
        # (A page that lists no proposals is kept once, whatever the reader's order.)
        bucket = bucket_in_cookie(request)
        hinted = _scopes_seen.get(key, ())
        found = cache.get_many(
            [key, _moved_key(user.pk), *map(version_key, hinted)]
            + ([] if bucket is None else [f"{key}:{bucket}"])
        )
        stored = found.get(key)
        stored_key = key
        if stored is not None and stored.get("by_bucket"):
            stored_key = f"{key}:{shuffle_bucket(request)}"
            stored = found[stored_key] if stored_key in found else cache.get(stored_key)
        usable = (
            stored is not None
            and _current(stored, key, found, hinted)
            and time.time() < (stored["until"] or float("inf"))
        )
        if usable and found.get(_moved_key(user.pk), 0) >= stored["rendered_at"]:
            # They voted since: never their vote beside the old counts. Served if the
            # counts it shows have not moved (they voted elsewhere), or once the
            # moved ones are written in (kept so for everyone); else rendered.
            renewed = with_counts_read(stored)
            if renewed is not None and renewed["counts"] != stored["counts"]:
                keep_renewed(key, stored_key, renewed)
            stored, usable = renewed, renewed is not None
        if usable:
            known, involved = read_facts(
                user, _slot_keys(stored), stored["involved_in"]
            )
            if involved:  # their own controls on the page: rendered for them
                return self._render(request, key)
            response = HttpResponse(fill(stored, request, known))
            for header, value in stored["headers"]:
                response[header] = value
            response["X-Page-Cache"] = "shared"
            served(stored)
            if time.time() >= stored["fresh_until"] and cache.add(
                f"{key}:refreshing", 1, timeout=30
            ):
                response["X-Page-Cache"] = "shared-stale"
                after_response(
                    response,
                    lambda: refresh_stale(
                        self._render, request, key, stored, stored_key
                    ),
                )
            return response
        return self._render(request, key)

    def _render(self, request, key):
        """The page from the view, with markers in its slots; kept when it may be,
        and filled for this person either way."""
        request.shared_slots, request.shared_values = {}, {}
        request.shared_variants = {}
        rendered_at = time.time()  # what it reads is at least as recent
        request.page_versions_at_start = content_versions([SITE, STRUCTURE])
        response = self.get_response(request)
        if (
            response.status_code != 200
            or response.streaming
            or "text/html" not in response.get("Content-Type", "")
            # Not shareable and nothing to fill (« Mon espace », a form): as rendered.
            or not (request.shared_slots or hasattr(request, "shared_page"))
        ):
            if len(_rendered_alone) >= SCOPES_SEEN_MAX:
                _rendered_alone.clear()
            _rendered_alone[key] = time.time() + RENDERED_ALONE_SECONDS
            return response
        shared = getattr(request, "shared_page", {})
        entry = {
            "pieces": _split(_without_token(response.content.decode())),
            "variants": _interned(request.shared_slots),
            "involved_in": shared.get("involved_in", []),
            "until": shared.get("until"),
            "rendered_at": rendered_at,
        } | page_entry(request, response)
        if self._shareable(request, response):
            store_page(request, key, entry)
        response.content = fill(entry, request, request.shared_values)
        return response

    def _shareable(self, request, response):
        query = request.META.get("QUERY_STRING", "")
        return (
            hasattr(request, "shared_page")
            and (not query or query == getattr(request, "canonical_query", None))
            and not (set(response.cookies) - {SHUFFLE_COOKIE})
            # Rendered with its author's controls: for them alone.
            and not _involved(request.user, request.shared_page["involved_in"])
        )


# How long a page kept for its owner alone may be served without being rendered
# again: what its stamp does not follow (another organisation's new name on an
# invitation) shows within this time.
OWN_PAGE_SECONDS = 5 * 60


def kept_for_its_owner(request, stamp, render):
    """
    A page that shows one person's own things (« Mon espace »): `render()` (its
    response, rendered) kept for `request.user` under its address and language, and
    served again while `stamp` (what the page shows of their things, read in one
    statement: the caller's) and the site's content version are unchanged, with their
    current CSRF token. Never with flash messages to show, nor kept when the response
    sets a cookie.
    """
    if CookieStorage.cookie_name in request.COOKIES:
        return render()
    key = ":".join(
        [
            "own",
            str(request.user.pk),
            translation.get_language() or settings.LANGUAGE_CODE,
            request.get_host(),
            request.get_full_path(),
        ]
    )
    found = cache.get_many([key, version_key(SITE)])
    stored, site = found.get(key), found.get(version_key(SITE))
    if stored is not None and stored["stamp"] == stamp and stored["site"] == site:
        response = HttpResponse(
            stored["html"].replace(CSRF_PLACEHOLDER_BYTES, get_token(request).encode())
        )
        for header, value in stored["headers"]:
            response[header] = value
        response["X-Page-Cache"] = "own"
        return response
    site = site if site is not None else content_versions([SITE])[SITE]
    response = render()
    if response.status_code == 200 and not response.cookies:
        cache.set(
            key,
            {
                "stamp": stamp,
                "site": site,
                "html": _without_token(response.content.decode()).encode(),
                "headers": kept_headers(response),
            },
            OWN_PAGE_SECONDS,  # then rendered again, whatever the stamp says
        )
    return response
