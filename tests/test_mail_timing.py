"""
A mail that exists only when an address has an account (an invitation to cosign, a
password reset) leaves after the response, through the notification queue: on a real
gunicorn whose mail server takes 200 ms a message, a request for an address with an
account answers as fast as one for an address without (over 30 pairs of requests, each
pair sent back to back in alternating order, the median of their differences is under
10 ms: what the machine does meanwhile slows both of a pair alike), and the mails do
arrive.
"""

import statistics
import time

import pytest

from tests.servers import (
    PARTICIPANT_EMAIL,
    Site,
    SlowSmtpServer,
    production_env,
    seeded_database,
    shell,
)

ROUNDS = 30
INVITEES = 8
PROPOSALS = 4  # at most 20 invitations each


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The site, its participant logged in, its mail server slow; the proposals the
    participant wrote (ids)."""
    smtp = SlowSmtpServer(delay=0.2)
    env = production_env(
        DATABASE_URL=seeded_database(tmp_path_factory.mktemp("timing")),
        RATE_LIMIT_COSIGNATURE_USER="1000/h",
        RATE_LIMIT_MAIL_ADDRESS="1000/h",
        RATE_LIMIT_MAIL_IP="1000/h",
        **smtp.env(),
    )
    proposals = shell(
        env,
        "from django.utils import timezone; from consultation.models import User; "
        "from proposals.models import Proposal; from trajectories.models import "
        "GuidingQuestion; [User.objects.create_user(f'invitee{i}@exemple.fr', "
        "None, organisation=f'Invitée {i}', "
        "email_confirmed_at=timezone.now()) for i in range(8)]; "
        f"author = User.objects.get(email={PARTICIPANT_EMAIL!r}); "
        "question = GuidingQuestion.objects.first(); print(' '.join(str("
        "Proposal.objects.create(question=question, author=author, status="
        "'published', text=f'Une proposition à cosigner, numéro {n}.').pk) "
        "for n in range(4)))",
    ).split()
    site = Site(env)
    try:
        site.login()
        yield site, smtp, proposals
    finally:
        site.stop()
        smtp.close()


def timed(site, path, data):
    """The time the site takes to answer a POST; its status checked."""
    start = time.perf_counter()
    status, _headers, _body = site.request(path, data)
    elapsed = time.perf_counter() - start
    assert status == 302, status
    return elapsed


def compare(requests):
    """Medians (ms) of `requests` (pairs of calls: with an account, without), each
    pair taken in turn, in alternating order, and the median of the pairs'
    differences (`gap`, with an account minus without)."""
    times = {"known": [], "unknown": []}
    for index, (known, unknown) in enumerate(requests):
        calls = [("known", known), ("unknown", unknown)]
        for name, call in calls if index % 2 else reversed(calls):
            times[name].append(call())
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    gaps = [a - b for a, b in zip(times["known"], times["unknown"], strict=True)]
    return {**medians, "gap": statistics.median(gaps) * 1000}


def wait_for_mails(smtp, count, timeout=60):
    deadline = time.monotonic() + timeout
    while len(smtp.received) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return len(smtp.received)


def test_an_invitation_takes_as_long_whether_the_address_has_an_account(served):
    site, smtp, proposals = served
    token = site.csrf_token("/mon-espace/")
    already = len(smtp.received)

    def invite(round_, email):
        proposal = proposals[round_ % PROPOSALS]
        path = f"/propositions/{proposal}/cosignataires/inviter/"
        return lambda: timed(site, path, {"csrfmiddlewaretoken": token, "email": email})

    medians = compare(
        (
            invite(n, f"invitee{n // PROPOSALS}@exemple.fr"),
            invite(n, f"personne{n}@exemple.fr"),
        )
        for n in range(ROUNDS)
    )
    print(f"invitations, median ms: {medians}")  # the closing figures
    assert abs(medians["gap"]) < 10, medians
    assert wait_for_mails(smtp, already + ROUNDS) == already + ROUNDS


def test_a_password_reset_takes_as_long_whether_the_address_has_an_account(served):
    site, smtp, _proposals = served
    token = site.csrf_token("/compte/mot-de-passe/oubli/")
    already = len(smtp.received)

    def reset(email):
        return lambda: timed(
            site,
            "/compte/mot-de-passe/oubli/",
            {"csrfmiddlewaretoken": token, "email": email},
        )

    medians = compare(
        (reset(PARTICIPANT_EMAIL), reset(f"personne{n}@exemple.fr"))
        for n in range(ROUNDS)
    )
    print(f"password resets, median ms: {medians}")
    assert abs(medians["gap"]) < 10, medians
    assert wait_for_mails(smtp, already + ROUNDS) == already + ROUNDS
