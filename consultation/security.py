"""Small hooks for the security libraries (login throttling, rate limits)."""


def axes_username(request, credentials):
    """The login that django-axes counts failures for: the email, case-insensitive."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()


def rate(name):
    """A django-ratelimit rate read from settings.RATE_LIMITS at each request."""

    def current_rate(group, request):
        from django.conf import settings

        return settings.RATE_LIMITS[name]

    return current_rate
