"""Work left for after a response (`consultation.background`): in a thread of the
worker's own when serving, so that the worker takes its next request at once."""

import threading

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import translation

from consultation.background import after_response, background_idle
from proposals import services
from tests.factories import UserFactory

# The thread opens its own database connection (and closes it).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _run_after(job):
    response = HttpResponse("ok")
    after_response(response, job)
    response.close()  # what the server does once the body is sent


def test_a_job_runs_in_the_workers_own_thread_in_the_requests_language(settings):
    settings.REFRESH_IN_BACKGROUND = True
    seen, release = [], threading.Event()

    def job():
        release.wait(5)
        seen.append((threading.current_thread().name, translation.get_language()))

    with translation.override("en"):
        _run_after(job)
    # The response is closed and the job has not run: the worker is free.
    assert seen == []
    release.set()
    background_idle()
    assert len(seen) == 1
    name, language = seen[0]
    assert name.startswith("refresh") and language == "en"


def test_without_the_thread_the_job_runs_as_the_response_closes(settings):
    settings.REFRESH_IN_BACKGROUND = False
    seen = []
    _run_after(lambda: seen.append(threading.current_thread().name))
    assert seen == [threading.current_thread().name]


def test_a_failing_job_is_logged_and_the_next_one_still_runs(settings, caplog):
    settings.REFRESH_IN_BACKGROUND = True
    seen = []
    _run_after(lambda: 1 / 0)
    _run_after(lambda: seen.append("ran"))
    background_idle()
    assert seen == ["ran"]
    assert "failed" in caplog.text


def test_a_stale_page_is_rendered_again_in_the_thread(published_proposal, settings):
    proposal = published_proposal
    settings.REFRESH_IN_BACKGROUND = True
    settings.RESULTS_CACHE_SECONDS = 0
    url = proposal.get_absolute_url()
    Client().get(url)
    services.vote_cast(proposal=proposal, voter=UserFactory(), choice="agree")
    stale = Client().get(url)
    assert stale["X-Page-Cache"] == "stale"
    assert "1 vote," not in stale.content.decode()
    background_idle()
    assert "1 vote," in Client().get(url).content.decode()
    # Results kept 0 s are stale again: that request left a refresh too.
    background_idle()
