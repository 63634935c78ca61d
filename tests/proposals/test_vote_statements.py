"""
A vote is a few SQL statements (docs/performance.md, "Votes in few statements"): the
vote row, then one statement for the counters, score and tallies. Counted on the whole
JSON request the page's script sends, once the session is in the cache.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals import services
from proposals.models import Choice, Proposal, Status, Vote
from proposals.ranking import wilson_lower_bound
from proposals.selectors import proposal_counter_drift, vote_tally_drift
from tests.factories import UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db


def vote_request_max_statements():
    """The whole request: the account, the proposal, then the vote (on SQLite, a few
    statements in a transaction; on PostgreSQL, one)."""
    return 3 if connection.vendor == "postgresql" else 7


def statements(queries):
    """The statements a request sent, transaction control aside."""
    return [
        q["sql"]
        for q in queries
        if not q["sql"].upper().lstrip().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


@pytest.fixture
def voting(client, participant, published_proposal):
    client.force_login(participant)
    url = reverse("vote", args=[published_proposal.pk])

    def counted(choice):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url, {"choice": choice}, HTTP_ACCEPT="application/json"
            )
        assert response.status_code == 200, response.content
        return statements(queries)

    return counted


def test_a_first_vote_takes_few_statements(voting, published_proposal):
    sent = voting("agree")
    assert len(sent) <= vote_request_max_statements(), sent
    assert Vote.objects.get(proposal=published_proposal).choice == "agree"


def test_a_changed_vote_takes_few_statements(voting, published_proposal):
    voting("agree")
    sent = voting("disagree")
    assert len(sent) <= vote_request_max_statements(), sent
    published_proposal.refresh_from_db()
    assert (published_proposal.agree_count, published_proposal.disagree_count) == (0, 1)


def test_a_removed_vote_takes_few_statements(voting, published_proposal):
    voting("mixed")
    sent = voting("")
    assert len(sent) <= vote_request_max_statements(), sent
    assert not Vote.objects.exists()


def test_the_counters_are_never_read_into_python_to_be_written_back(
    voting, published_proposal
):
    """The proposal is read once, by the view, before the vote: one statement then
    moves its counters and score, and the answer shows what that statement returned."""
    voting("agree")
    sent = voting("mixed")
    reads = [sql for sql in sent if sql.lstrip().upper().startswith("SELECT")]
    assert sum('FROM "proposals_proposal"' in sql for sql in reads) == 1


def test_the_stored_score_is_the_python_score_exactly(published_proposal):
    """The database's `wilson_lower_bound` and `ranking.wilson_lower_bound` agree to
    the last bit, so that a recount (`vote_counters_repair`) changes no order."""
    for choice in ["agree", "agree", "mixed", "disagree", "agree", "mixed", "agree"]:
        services.vote_cast(
            proposal=published_proposal, voter=UserFactory(), choice=choice
        )
    stored = Proposal.objects.get(pk=published_proposal.pk)
    assert stored.score == wilson_lower_bound(4, 2, 1)
    assert published_proposal.score == stored.score
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wilson_lower_bound(0, 0, 0), wilson_lower_bound(1, 0, 0)"
        )
        assert cursor.fetchone() == (0.0, wilson_lower_bound(1, 0, 0))


def test_the_json_answer_shows_the_counts_the_database_holds(
    client, participant, published_proposal
):
    for choice in ["agree", "mixed"]:
        services.vote_cast(
            proposal=published_proposal, voter=UserFactory(), choice=choice
        )
    client.force_login(participant)
    response = client.post(
        reverse("vote", args=[published_proposal.pk]),
        {"choice": "agree"},
        HTTP_ACCEPT="application/json",
    )
    answer = response.json()
    assert answer["choice"] == "agree"
    assert answer["said"] == "Votre vote : D’accord"
    assert answer["counts"] == {"agree": 2, "mixed": 1, "disagree": 0}
    labels = {label["key"]: label for label in answer["summary"]["counts"]}
    assert labels["agree"] == {
        "key": "agree",
        "text": "2 d’accord",
        "share": "67\u202f%",
    }
    assert labels["mixed"]["text"] == "1 mitigé"
    assert [segment["key"] for segment in answer["summary"]["bar"]] == [
        "agree",
        "mixed",
    ]
    removed = client.post(
        reverse("vote", args=[published_proposal.pk]),
        {"choice": ""},
        HTTP_ACCEPT="application/json",
    ).json()
    assert removed["choice"] is None and removed["said"] == ""
    assert removed["counts"] == {"agree": 1, "mixed": 1, "disagree": 0}


def test_the_json_answer_says_what_the_page_says_after_a_reload(
    client, participant, published_proposal
):
    """The script draws the block from the answer: the same words, shares and vote
    as the page the server renders, in both languages."""
    import re

    from django.utils.html import strip_tags

    for choice in ["agree", "mixed", "mixed", "disagree"]:
        services.vote_cast(
            proposal=published_proposal, voter=UserFactory(), choice=choice
        )
    client.force_login(participant)
    for language in ("fr", "en"):
        client.cookies["django_language"] = language
        answer = client.post(
            reverse("vote", args=[published_proposal.pk]),
            {"choice": "mixed"},
            HTTP_ACCEPT="application/json",
        ).json()
        page = client.get(published_proposal.get_absolute_url()).content.decode()
        block = page.split(f'id="vote-block-{published_proposal.pk}"', 1)[1]
        counts = re.search(r'<p class="vote-counts[^"]*">(.*?)</p>', block, re.S)
        shown = re.sub(r"[ \n]+", " ", strip_tags(counts.group(1))).strip()
        drawn = " · ".join(
            f"{label['text']} ({label['share']})"
            for label in answer["summary"]["counts"]
        )
        assert shown == drawn
        status = re.search(r'class="[^"]*vote-status[^"]*"[^>]*>(.*?)</p>', block, re.S)
        assert status.group(1).strip() == answer["said"] != ""


def test_a_vote_on_a_proposal_withdrawn_since_it_was_read_is_refused_and_not_kept(
    published_proposal, participant
):
    """The page was read while the proposal was published; its author withdrew it
    before the vote arrived: nothing of the vote stays."""
    read_before = Proposal.objects.select_related(
        "question__trajectory__consultation"
    ).get(pk=published_proposal.pk)
    Proposal.objects.filter(pk=published_proposal.pk).update(status=Status.WITHDRAWN)
    with refused("vote.withdrawn"):
        services.vote_cast(proposal=read_before, voter=participant, choice=Choice.AGREE)
    assert not Vote.objects.exists()
    assert not participant.participations.exists()
    assert Proposal.objects.get(pk=published_proposal.pk).vote_count == 0


def test_a_vote_removed_to_the_last_of_its_group_leaves_no_empty_tally(
    published_proposal, participant
):
    services.vote_cast(proposal=published_proposal, voter=participant, choice="agree")
    services.vote_cast(proposal=published_proposal, voter=participant, choice=None)
    assert not published_proposal.tallies.exists()
    assert not proposal_counter_drift().exists()
    assert not vote_tally_drift()


def test_a_vote_that_moves_the_counters_logs_how_long_it_held_the_row(
    tmp_path,
    settings,
    participant,
    published_proposal,
    django_capture_on_commit_callbacks,
):
    settings.VOTE_LOCK_LOG = str(tmp_path / "locks.txt")
    for choice in ("agree", "agree", "mixed", None):
        with django_capture_on_commit_callbacks(execute=True):
            services.vote_cast(
                proposal=published_proposal, voter=participant, choice=choice
            )
    times = [float(line) for line in (tmp_path / "locks.txt").read_text().split()]
    # The same choice again moves no counter and locks no row.
    assert len(times) == 3
    assert all(0 < seconds < 1 for seconds in times)


def test_no_lock_time_is_written_unless_asked(
    tmp_path,
    settings,
    participant,
    published_proposal,
    django_capture_on_commit_callbacks,
):
    assert settings.VOTE_LOCK_LOG == ""
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(
            proposal=published_proposal, voter=participant, choice="agree"
        )
    assert list(tmp_path.iterdir()) == []


def test_the_json_answer_renders_no_template(client, participant, published_proposal):
    client.force_login(participant)
    response = client.post(
        reverse("vote", args=[published_proposal.pk]),
        {"choice": "agree"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200 and response.json()["choice"] == "agree"
    assert response.templates == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's vote is one function"
)
def test_a_vote_is_one_statement_on_postgresql(published_proposal):
    """The vote row, the participation, the counters and the tallies: one statement,
    its own transaction, so that no round trip to the application holds the row.
    (The proposal is read with its consultation, as the view reads it.)"""
    voters = UserFactory.create_batch(3)
    read = Proposal.objects.select_related("question__trajectory__consultation").get(
        pk=published_proposal.pk
    )
    sent = []
    votes = [*zip(voters, ["agree", "mixed", "agree"], strict=True), (voters[0], None)]
    for voter, choice in votes:
        with CaptureQueriesContext(connection) as queries:
            services.vote_cast(proposal=read, voter=voter, choice=choice)
        sent.append([q["sql"] for q in queries])
    assert all(len(statements) == 1 for statements in sent), sent
    assert all("proposals_vote_cast(" in statements[0] for statements in sent)
    published_proposal.refresh_from_db()
    assert (published_proposal.agree_count, published_proposal.mixed_count) == (1, 1)
    assert not proposal_counter_drift().exists() and not vote_tally_drift()


def test_the_proposal_a_vote_reads_is_the_one_the_orm_reads(published_proposal):
    """`selectors.proposal_for_vote` builds the proposal and its consultation from one
    statement of its own: every field as the ORM reads it, in both databases."""
    from proposals.selectors import proposal_for_vote

    read = proposal_for_vote(published_proposal.pk)
    orm = Proposal.objects.select_related("question__trajectory__consultation").get(
        pk=published_proposal.pk
    )
    for model_field in Proposal._meta.concrete_fields:
        name = model_field.attname
        assert getattr(read, name) == getattr(orm, name), name
    consultation, expected = (
        read.question.trajectory.consultation,
        orm.question.trajectory.consultation,
    )
    for model_field in type(expected)._meta.concrete_fields:
        name = model_field.attname
        assert getattr(consultation, name) == getattr(expected, name), name
    assert read.question.trajectory_id == orm.question.trajectory_id
    # What it did not read is read when asked for.
    assert read.question.text == orm.question.text
    assert proposal_for_vote(published_proposal.pk + 1000) is None


def test_a_vote_on_a_proposal_that_does_not_exist_is_not_found(client, participant):
    client.force_login(participant)
    response = client.post(reverse("vote", args=[987654]), {"choice": "agree"})
    assert response.status_code == 404
