"""
Work a request leaves for after its response: a stale page or result rendered again,
a mail that must not make the response wait (`after_this_response`).

Run in one thread of the worker's own (`settings.REFRESH_IN_BACKGROUND`, on by
default), so that the worker takes its next request at once instead of rendering a page
nobody waits for: a refresh of two seconds no longer holds the readers queued behind
it. Otherwise run when the server closes the response (before the worker takes another
request). The job runs in the language of the request that left it, with its own
database connection.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections
from django.utils import translation

logger = logging.getLogger(__name__)
_executor = None
_executor_lock = threading.Lock()
_owed = threading.local()  # the jobs the current request leaves for after its response


def after_response(response, job):
    """Run `job()` once `response` is sent."""
    language = translation.get_language()

    def in_language():
        with translation.override(language):
            job()

    if settings.REFRESH_IN_BACKGROUND:
        response._resource_closers.append(
            lambda: _background().submit(_run, in_language)
        )
    else:
        response._resource_closers.append(in_language)


def after_this_response(job: Callable[[], object]) -> None:
    """Leave `job()` for after the response of the request being served
    (`JobsAfterResponseMiddleware`); outside a request (a command), run it now."""
    jobs = getattr(_owed, "jobs", None)
    if jobs is None:
        job()
    else:
        jobs.append(job)


class JobsAfterResponseMiddleware:
    """Run the jobs a request left (`after_this_response`) once its response is sent,
    whatever it answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _owed.jobs = []
        try:
            response = self.get_response(request)
        finally:
            jobs, _owed.jobs = _owed.jobs, None
        for job in jobs:
            after_response(response, job)
        return response


def _background():
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="refresh")
        return _executor


def _run(job):
    close_old_connections()
    try:
        job()
    except Exception:
        logger.exception("A job left for after a response failed")
    finally:
        close_old_connections()


def background_idle(timeout=30):
    """Wait until the jobs left so far have run (tests, commands)."""
    _background().submit(lambda: None).result(timeout=timeout)
