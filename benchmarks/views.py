from django.http import HttpResponse, HttpResponseForbidden


def _constant():
    response = HttpResponse(b"ok", content_type="text/plain")
    # Never from the page cache: a ceiling measured on cache hits says nothing.
    response["Cache-Control"] = "no-store"
    return response


def ceiling(request):
    """A constant answer: the most the server can serve (`manage.py bench`)."""
    return _constant()


def logged_in_ceiling(request):
    """The same behind the session and the account a logged-in person's page reads:
    the most the server can serve to people who take part."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    return _constant()
