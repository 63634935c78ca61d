"""
Outages of the services around the site, on a real gunicorn with production settings
whose cache, mail server or database is a closed port (`tests/servers.py`).
"""

import json
import re
import secrets
import time

import psycopg2
import pytest
from django.conf import settings

from tests.servers import (
    Relay,
    Site,
    closed_port,
    production_env,
    seeded_database,
    shell,
)

PUBLIC_PAGES = [
    "/",
    "/themes/1/",
    "/trajectoires/4/",
    "/propositions/1/",
    "/resultats/",
    "/open-data/consultation.json",
    "/open-data/proposals.csv",
    "/compte/connexion/",
    "/compte/inscription/",
]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return seeded_database(tmp_path_factory.mktemp("site"))


@pytest.fixture
def site_without_redis(database):
    site = Site(
        production_env(
            DATABASE_URL=database, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0"
        )
    )
    yield site
    site.stop()


def test_a_redis_outage_leaves_every_page_working(site_without_redis):
    for path in PUBLIC_PAGES:
        status, _, _ = site_without_redis.request(path)
        assert status == 200, path


def test_a_redis_outage_is_reported_by_healthz_which_stays_up(site_without_redis):
    status, _, body = site_without_redis.request("/healthz")
    assert status == 200
    assert json.loads(body) == {
        "status": "ok",
        "database": "ok",
        "cache": "unavailable",
    }


def test_a_redis_outage_lets_people_log_in_and_vote(site_without_redis):
    site = site_without_redis
    site.login()
    assert site.request("/mon-espace/")[0] == 200
    status, headers, _ = site.post_form(
        "/propositions/1/voter/", {"choice": "disagree"}, page="/propositions/1/"
    )
    assert status == 302
    _, _, page = site.request("/propositions/1/")
    assert re.findall(r'value="(\w+)"[^>]*aria-pressed="true"', page) == ["disagree"]


postgresql_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs the PostgreSQL server (CI's PostgreSQL pass runs it)",
)


@pytest.fixture
def postgres_database():
    """A new, seeded PostgreSQL database on the test run's server; dropped after."""
    db = settings.DATABASES["default"]
    host, port = db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)
    name = f"outage_{secrets.token_hex(4)}"
    admin = psycopg2.connect(
        host=host,
        port=port,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
    )
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    seeded_database(url=f"postgres://{credentials}@{host}:{port}/{name}")
    yield (host, port), credentials, name
    admin.cursor().execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


@postgresql_only
def test_a_database_outage_gives_a_french_503_and_the_site_recovers_alone(
    postgres_database,
):
    target, credentials, name = postgres_database
    relay = Relay(target)  # closed: the database server is down
    site = Site(
        production_env(
            DATABASE_URL=f"postgres://{credentials}@127.0.0.1:{relay.port}/{name}"
        )
    )
    try:
        status, _, body = site.request("/healthz")
        assert status == 503 and json.loads(body)["database"] == "unavailable"
        status, headers, page = site.request("/")
        assert status == 503 and headers["Retry-After"] == "30"
        assert "Service momentanément indisponible" in page
        assert "Traceback" not in page and "OperationalError" not in page

        relay.open()  # the database is back; nobody restarts the site
        assert site.request("/healthz")[0] == 200
        assert site.request("/")[0] == 200
        assert site.request("/trajectoires/4/")[0] == 200
    finally:
        site.stop()
        relay.close()


@pytest.fixture
def site_without_smtp(tmp_path):
    database = seeded_database(tmp_path)
    env = production_env(
        DATABASE_URL=database,
        DJANGO_EMAIL_HOST="127.0.0.1",
        DJANGO_EMAIL_PORT=str(closed_port()),
        DJANGO_EMAIL_USE_TLS="0",
    )
    shell(
        env,
        "from consultation.models import User; from consultation.roles import "
        "MODERATORS_GROUP; from django.contrib.auth.models import Group; "
        "from proposals.models import Proposal; from trajectories.models import "
        "GuidingQuestion; moderator = User.objects.create_user("
        "'moderatrice@exemple.fr', 'un-mot-de-passe-de-moderation', is_staff=True); "
        "moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP)); "
        "Proposal.objects.create(question=GuidingQuestion.objects.first(), "
        "text='Une proposition en attente de modération.', status='pending', "
        "author=User.objects.get(email='participante@exemple.fr'))",
    )
    site = Site(env)
    yield site, env
    site.stop()


def test_a_mail_server_outage_keeps_the_new_account_and_says_so(site_without_smtp):
    site, env = site_without_smtp
    status, headers, _ = site.post_form(
        "/compte/inscription/",
        {
            "email": "nouvelle@exemple.fr",
            "password1": "un-mot-de-passe-tres-solide",
            "password2": "un-mot-de-passe-tres-solide",
            "organisation": "Association nouvelle",
            "organisation_type": "association",
            "region": "53",
            "legal_identifier": "",
            "accept_terms": "on",
        },
    )
    assert status == 302
    # The mail is tried after the response: « Mon espace » says when it has failed.
    deadline = time.monotonic() + 10
    while True:
        _, _, space = site.request(headers["Location"])
        if "n’a pas pu être envoyé" in space or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert "L’e-mail de confirmation n’a pas pu être envoyé pour l’instant" in space
    assert "Renvoyer le lien" in space
    count = shell(
        env,
        "from consultation.models import User; "
        "print(User.objects.filter(email='nouvelle@exemple.fr').count())",
    )
    assert count == "1"
    waiting = shell(
        env,
        "from proposals.models import Notification; n = Notification.objects.get("
        "kind='confirmation', user__email='nouvelle@exemple.fr'); "
        "print(n.state, n.attempts, n.next_attempt_at is not None)",
    )
    assert waiting == "pending 1 True"  # `send_notifications` tries it again
    status, headers, _ = site.post_form(
        "/compte/mot-de-passe/oubli/", {"email": "nouvelle@exemple.fr"}
    )
    assert (status, headers["Location"]) == (302, "/compte/mot-de-passe/oubli/envoye/")


def test_a_mail_server_outage_keeps_the_moderation_decision_and_says_so(
    site_without_smtp,
):
    site, env = site_without_smtp
    status, _, _ = site.post_form(
        "/admin/login/?next=/admin/",
        {
            "username": "moderatrice@exemple.fr",
            "password": "un-mot-de-passe-de-moderation",
        },
    )
    assert status == 302
    pending = shell(
        env,
        "from proposals.models import Proposal; "
        "print(Proposal.objects.get(status='pending').pk)",
    )
    change = f"/admin/proposals/proposal/{pending}/change/"
    status, headers, _ = site.post_form(
        f"/admin/proposals/proposal/{pending}/publish/", {}, page=change
    )
    assert status == 302
    _, _, page = site.request(headers["Location"])
    assert "Proposition publiée" in page
    assert "n’a pas pu être envoyé" in page
    assert site.request(f"/propositions/{pending}/")[0] == 200  # public: it stands
