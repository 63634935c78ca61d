from django.http import HttpResponse


def ceiling(request):
    """A constant answer: the most the server can serve (`manage.py bench`)."""
    return HttpResponse(b"ok", content_type="text/plain")
