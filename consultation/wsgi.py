"""WSGI entry point, used by gunicorn: ``gunicorn consultation.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consultation.settings")

application = get_wsgi_application()
