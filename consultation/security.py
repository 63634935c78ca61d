"""Small hooks for the security libraries (login throttling, rate limits), and the
refusal of input that no page accepts."""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string


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
