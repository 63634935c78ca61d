import os
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.utils import translation

from consultation import background
from tests import servers
from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    UserFactory,
)

# Temporary files in memory where the machine has a memory file system: the servers'
# SQLite databases and PostgreSQL clusters commit with an fsync each, which on a disk
# costs more than the work (a migration 26 s on disk, 10 s in memory). Set TMPDIR to
# choose another place.
MEMORY = Path("/dev/shm")  # noqa: S108 - a folder of our own is made in it
if "TMPDIR" not in os.environ and MEMORY.is_dir() and os.access(MEMORY, os.W_OK):
    os.environ["TMPDIR"] = str(MEMORY)
    tempfile.tempdir = None


@pytest.fixture(scope="session", autouse=True)
def _servers_share_a_folder(tmp_path_factory, worker_id):
    # The run's workers each have a folder in one of the run: the servers' first
    # seeded database is built there once and copied by all.
    base = tmp_path_factory.getbasetemp()
    servers.SHARED_DIRECTORY = base if worker_id == "master" else base.parent


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client speaks plain HTTP; tests/test_hardening.py covers the redirect.
    settings.SECURE_SSL_REDIRECT = False
    # A stale page is rendered again as the test client closes the response, so that
    # a test reads what follows it; tests/consultation/test_background.py runs the
    # thread that serving uses.
    settings.REFRESH_IN_BACKGROUND = False
    # Pages are rendered without `collectstatic`: no manifest of hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _background_jobs_finished():
    # A job left for after a response must not reach into the next test's database
    # (a flush fails while it reads).
    yield
    if background._executor is not None:
        background.background_idle()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters live in the cache: each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _french_by_default():
    # The locale middleware leaves the last request's language active in the thread.
    with translation.override("fr"):
        yield


@pytest.fixture
def every_state(db):
    """Data with every state a person can meet (`tests/every_state.py`)."""
    from tests.every_state import every_state

    return every_state()


@pytest.fixture
def consultation(db):
    return ConsultationFactory()


@pytest.fixture
def question(consultation):
    return GuidingQuestionFactory(trajectory__theme__consultation=consultation)


@pytest.fixture
def participant(db):
    return UserFactory()


@pytest.fixture
def moderator(db):
    user = UserFactory(
        email="moderatrice@exemple.fr",
        organisation="",
        organisation_type="",
        region=None,
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="Modérateurs"))
    return user


@pytest.fixture
def published_proposal(question):
    return ProposalFactory(question=question)


@pytest.fixture
def pending_proposal(question):
    return ProposalFactory(question=question, status="pending")


@pytest.fixture
def answerer(moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="answer_proposal"))
    return type(moderator).objects.get(pk=moderator.pk)  # fresh permission cache


def _database_order(item):
    """0: a test in a transaction rolled back; 1: a transactional test, which leaves
    the database empty behind it; 2: a test without the database (most start servers,
    and some time them: they come last, when the browser tests beside are done)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    transactional = bool(
        marker
        and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    ) or bool({"transactional_db", "live_server"} & set(fixtures))
    if transactional:
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    """Before `-m` deselects them: `make test-browser` collects tests/e2e alone, so a
    browser test elsewhere would run in neither half of `make test`. After every
    other plugin: the order of the databases' tests."""
    astray = [
        item.nodeid
        for item in items
        if item.get_closest_marker("browser")
        and not item.nodeid.startswith("tests/e2e/")
    ]
    if astray:
        raise pytest.UsageError(f"Browser tests belong in tests/e2e: {astray}")
    result = yield
    # pytest-django puts the transactional tests after the others (as Django does),
    # then pytest groups the tests of a parametrized session fixture (Playwright's
    # browser) and undoes it: a test run after a transactional one, in the same
    # process (one xdist worker), would find no region. The order is made again.
    items.sort(key=_database_order)
    return result


# The contents a serialized rollback restores, per database alias (`django_db_setup`).
_SERIALIZED = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            _SERIALIZED[alias] = contents


def _serialized_contents_given_back():
    # Django's connections are context-local: once Playwright's synchronous API runs
    # its event loop in this thread, the ORM gets new connection objects, without the
    # contents serialized at setup. A browser test after other database tests would
    # then restore nothing, and its flush would bring back what the next restores.
    from django.db import connections

    for alias, contents in _SERIALIZED.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _serialized_contents_given_back()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item):
    _serialized_contents_given_back()
