"""Small hooks for the security libraries (login throttling, rate limits), and the
refusal of input that no page accepts."""

import functools
import re
import time

from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

# A rate as django-ratelimit writes it: "120/m", "10/5m" (10 every 5 minutes).
RATE = re.compile(r"(\d+)/(\d*)([smhd])")
RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_limited(*limits):
    """
    A view's rate limits on POST, each a (who, name): counted per account ("user"; an
    anonymous request by its address) or per address ("ip"), at the rate
    `settings.RATE_LIMITS[name]` ("120/m") read at each request. All of them are
    counted in one round trip to Redis (django-ratelimit's decorator takes two per
    limit); over any, `Ratelimited` is raised and django-ratelimit's middleware answers
    with `RATELIMIT_VIEW`. When Redis does not answer, nothing is refused.
    """

    def decorator(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if request.method == "POST" and _over_rate_limits(request, limits):
                raise Ratelimited
            return view(request, *args, **kwargs)

        return limited

    return decorator


def _over_rate_limits(request, limits):
    from django.conf import settings

    now = int(time.time())
    timeouts, allowed = {}, []
    for who, name in limits:
        count, periods, unit = RATE.fullmatch(settings.RATE_LIMITS[name]).groups()
        period = int(periods or 1) * RATE_PERIODS[unit]
        if who == "user" and request.user.is_authenticated:
            whom = f"user-{request.user.pk}"
        else:
            whom = f"ip-{client_ip(request)}"
        timeouts[f"rate-limit:{name}:{whom}:{now // period}"] = period + 1
        allowed.append(int(count))
    counts = _counters_increment(timeouts)
    return any(count > limit for count, limit in zip(counts, allowed, strict=True))


def _counters_increment(timeouts):
    """Add one to each counter of `timeouts` ({key: seconds}): in one round trip to
    Redis, else one by one (the process's own cache, in development and tests)."""
    if hasattr(cache, "counters_increment"):
        return cache.counters_increment(timeouts)
    counts = []
    for key, timeout in timeouts.items():
        cache.add(key, 0, timeout)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # gone since: counted afresh
            counts.append(0)
    return counts


def client_ip(request):
    """
    The client's address, the same for rate limits, login lock-outs and logs. With
    `TRUSTED_PROXIES` = N (0 by default), the last N hops of X-Forwarded-For were
    written by our own proxies, so the client is the address just before them;
    without, the header is ignored (a client could write anything in it).
    """
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUSTED_PROXIES:
        return remote
    hops = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    return (
        hops[-settings.TRUSTED_PROXIES]
        if len(hops) >= settings.TRUSTED_PROXIES
        else remote
    )


def axes_username(request, credentials):
    """The login that django-axes counts failures for: the normalised email."""
    from .models import UserManager

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return UserManager.normalize_email(username)


def rate(name):
    """A django-ratelimit rate read from settings.RATE_LIMITS at each request."""

    def current_rate(group, request):
        from django.conf import settings

        return settings.RATE_LIMITS[name]

    return current_rate


class KnownHostMiddleware:
    """
    First of all: a request for a host the site does not serve (`ALLOWED_HOSTS`) is
    refused with the 400 page whatever its path, static files included, before
    anything reads the host to build an address (`views.bad_request`; the log says it
    as a warning, `logging.DisallowedHostAsWarning`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.get_host()  # raises DisallowedHost: answered 400 by Django
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """
    Answer 400 to a request whose address or parameters hold a NUL character: no field
    of the site accepts one, and PostgreSQL refuses them in queries (a filter such as
    `?region__code__exact=%00` would otherwise end in a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for query in (request.GET, request.POST)
            for key, values in query.lists()
        ):
            return HttpResponseBadRequest(render_to_string("400.html", request=request))
        return self.get_response(request)


def mail_address_key(group, request):
    """Rate-limit key of the forms that mail an address someone typed: that address."""
    from .models import UserManager

    return UserManager.normalize_email(request.POST.get("email", ""))


LOGIN_FAILURES = "login-failures"


def _login_failures(request, *, increment):
    return get_usage(
        request,
        group=LOGIN_FAILURES,
        key="ip",
        rate=rate("login_failures_ip"),
        method=["POST"],
        increment=increment,
    )


def login_failures_exceeded(request):
    """Whether this client has failed too many logins lately, whatever the emails."""
    usage = _login_failures(request, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def login_failure_count(request):
    """Count one failed login (or current-password check) of this client."""
    _login_failures(request, increment=True)


def password_confirmed(request, user, password):
    """
    Check `user`'s current password as the login does: django-axes counts a failure
    (and locks the email and address out after five), and so does the per-address
    limit. A locked-out client is refused even with the right password.
    """
    if login_failures_exceeded(request):
        return False
    if authenticate(request, username=user.email, password=password) == user:
        return True
    login_failure_count(request)
    return False


class PrivateResponsesMiddleware:
    """Every answer to a logged-in person depends on their session: no shared cache
    (a proxy, a CDN) may keep it, nor a browser's disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
