"""Small hooks for the security libraries (login throttling, rate limits)."""


def axes_username(request, credentials):
    """The login that django-axes counts failures for: the email, case-insensitive."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()
