"""Browser tests: Playwright drives Debian's Chromium against the live test server."""

import os
import shutil

import pytest
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    ThemeFactory,
    TrajectoryFactory,
    UserFactory,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAS_CHROMIUM = os.path.exists(CHROMIUM)
PASSWORD = "mot-de-passe-solide-42"


def pytest_collection_modifyitems(config, items):
    if HAS_CHROMIUM:
        return
    reason = (
        "Chromium is not installed (apt-get install chromium): browser tests skipped"
    )
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"{reason} — in CI they must run.")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The browser tests run beside the rest of the suite, each on xdist workers of
    its own (gw0, gw1…): on PostgreSQL their test databases get names of their own."""
    from pytest_django.fixtures import _set_suffix_to_test_databases

    _set_suffix_to_test_databases(suffix="browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright's own browser download is not available here: use Debian's Chromium.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


LIVE_SETTINGS = {
    # The live server speaks plain HTTP on localhost, and serves the static files.
    "SECURE_SSL_REDIRECT": False,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    "LANGUAGE_COOKIE_SECURE": False,
    "WHITENOISE_USE_FINDERS": True,
}


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started with the settings of a plain HTTP site:
    its middleware reads them once, when the server starts."""
    with override_settings(**LIVE_SETTINGS):
        server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
        yield server
        server.stop()


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    # Playwright's synchronous API runs an event loop in this thread, while the tests
    # use the ORM to prepare data: Django must allow it, in these tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _live_settings(settings):
    for name, value in LIVE_SETTINGS.items():
        setattr(settings, name, value)


@pytest.fixture
def world(transactional_db):
    """A consultation with one trajectory, a question and a few published proposals."""
    consultation = ConsultationFactory(
        title="Consultation de bout en bout", introduction="Parcours complet."
    )
    theme = ThemeFactory(consultation=consultation, title="UNE ÉCONOMIE QUI COOPÈRE")
    trajectory = TrajectoryFactory(
        theme=theme, number=4, title="Dans 10 ans, l'ESS s'appuiera sur un écosystème"
    )
    question = GuidingQuestionFactory(
        trajectory=trajectory, text="Comment renforcer l'accompagnement ?"
    )
    proposals = [
        ProposalFactory(question=question, text=f"Proposition déjà publiée numéro {i}")
        for i in range(3)
    ]
    return {
        "consultation": consultation,
        "theme": theme,
        "trajectory": trajectory,
        "question": question,
        "proposals": proposals,
    }


def log_in(page, base_url, email, password=PASSWORD):
    page.goto(f"{base_url}/compte/connexion/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Se connecter").click()


@pytest.fixture
def participant_factory():
    return UserFactory
