"""A request for a host the site does not serve (a scanner, a misdirected client):
on a real gunicorn with production settings, a French 400 page whatever the path, and
one warning in the logs without a traceback, never an error."""

import json

from tests.servers import Site, production_env, seeded_database

PATHS = [
    "/",
    "/resultats/",
    "/nulle-part/",
    "/compte/connexion/",
    "/admin/",
    "/open-data/proposals.csv",
    "/static/css/site.css",
]


def test_a_host_the_site_does_not_serve_gets_a_french_400_and_a_warning(tmp_path):
    url = seeded_database(tmp_path)
    log = tmp_path / "site.log"
    site = Site(production_env(DATABASE_URL=url, DJANGO_LOG_LEVEL="INFO"), log=log)
    try:
        assert site.request("/")[0] == 200  # its own host is served
        for path in PATHS:
            status, headers, body = site.request(
                path, headers={"Host": "ailleurs.example"}
            )
            assert status == 400, (path, status)
            assert '<html lang="fr">' in body and "Requête invalide" in body, path
            assert "ailleurs.example" not in body
    finally:
        site.stop()
    records = [
        json.loads(line)
        for line in log.read_text().splitlines()
        if line.startswith("{")
    ]
    refused = [r for r in records if r["logger"] == "django.security.DisallowedHost"]
    assert len(refused) == len(PATHS)
    assert {r["level"] for r in refused} == {"WARNING"}
    assert not [r for r in refused if "exception" in r]
    assert not [r for r in records if r["level"] in ("ERROR", "CRITICAL")]
