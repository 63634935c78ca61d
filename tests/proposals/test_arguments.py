"""
Arguments for and against: a confirmed organisation adds one per proposal, published
at once in two columns; any account reports one; a reported argument enters the admin's
queue, where a moderator hides it (its author is told) or keeps it; counts in lists
and open data.
"""

import csv
import io
import json
from datetime import timedelta

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from consultation.models import Phase
from proposals import services
from proposals.models import Argument, ArgumentStatus, Proposal, Status
from tests.factories import ProposalFactory, UserFactory
from tests.refusals import refused

pytestmark = pytest.mark.django_db

FOR_TEXT = "Elle relie enfin les acteurs du territoire entre eux."
AGAINST_TEXT = "Elle coûte cher et duplique ce qui existe déjà."


def argue(proposal, author=None, side="for", text=FOR_TEXT):
    return services.argument_add(
        proposal=proposal, author=author or UserFactory(), side=side, text=text
    )


def counts(proposal):
    proposal.refresh_from_db()
    return proposal.argument_for_count, proposal.argument_against_count


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# --- Services ------------------------------------------------------------------------


def test_an_argument_is_published_at_once_with_its_organisation(published_proposal):
    author = UserFactory(organisation="Les Coopérateurs du Val")
    argument = argue(published_proposal, author=author)
    assert argument.status == ArgumentStatus.PUBLISHED
    assert (argument.organisation, argument.region_id) == (
        "Les Coopérateurs du Val",
        author.region_id,
    )
    assert counts(published_proposal) == (1, 0)
    argue(published_proposal, side="against", text=AGAINST_TEXT)
    assert counts(published_proposal) == (1, 1)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Trop court.", "argument.too_short"),
        ("x" * 501, "argument.too_long"),
    ],
)
def test_an_argument_is_15_to_500_characters(published_proposal, text, code):
    with refused(code):
        argue(published_proposal, text=text)
    assert not Argument.objects.exists()
    assert counts(published_proposal) == (0, 0)


def test_one_argument_per_organisation_and_proposal(published_proposal, participant):
    argue(published_proposal, author=participant)
    with refused("argument.already"):
        argue(published_proposal, author=participant, side="against", text=AGAINST_TEXT)
    assert counts(published_proposal) == (1, 0)


def test_only_confirmed_organisations_argue_on_published_proposals_while_open(
    question, consultation
):
    pending = ProposalFactory(question=question, status=Status.PENDING)
    with refused("argument.not_published"):
        argue(pending)
    published = ProposalFactory(question=question)
    with refused("account.unconfirmed"):
        argue(published, author=UserFactory(email_confirmed_at=None))
    with refused("account.no_organisation"):
        argue(published, author=UserFactory(organisation=""))
    consultation.phase = Phase.VOTES
    consultation.save()
    argue(published)  # the votes phase still takes arguments
    consultation.closes_at = timezone.now() - timedelta(hours=1)
    consultation.save()
    published = Proposal.objects.select_related(
        "question__trajectory__consultation"
    ).get(pk=published.pk)
    with refused("consultation.closed"):
        argue(published, author=UserFactory())
    assert Argument.objects.count() == 1


def test_the_author_takes_back_an_argument(published_proposal, participant):
    argument = argue(published_proposal, author=participant)
    with refused("argument.remove_not_author"):
        services.argument_remove(argument=argument, author=UserFactory())
    services.argument_remove(argument=argument, author=participant)
    assert not Argument.objects.exists()
    assert counts(published_proposal) == (0, 0)


def test_an_argument_is_reported_once_per_account_never_by_its_author(
    published_proposal, participant
):
    argument = argue(published_proposal, author=participant)
    reporter = UserFactory()
    services.argument_report(argument=argument, reporter=reporter, reason="off_topic")
    with refused("report.already"):
        services.argument_report(argument=argument, reporter=reporter, reason="spam")
    with refused("report.own"):
        services.argument_report(argument=argument, reporter=participant, reason="spam")
    with refused("report.no_reason"):
        services.argument_report(argument=argument, reporter=UserFactory(), reason="x")
    assert argument.reports.count() == 1
    assert list(Argument.objects.to_review()) == [argument]


def test_hiding_needs_a_moderator_and_a_reason_and_tells_the_author(
    published_proposal, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    author = UserFactory(language="en")
    argument = argue(published_proposal, author=author)
    with refused("argument_moderation.forbidden"):
        services.argument_hide(argument=argument, moderator=UserFactory(), reason="x")
    with refused("hide.no_reason"):
        services.argument_hide(argument=argument, moderator=moderator, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.argument_hide(
            argument=argument, moderator=moderator, reason="Propos injurieux."
        )
    argument.refresh_from_db()
    assert argument.status == ArgumentStatus.HIDDEN
    assert argument.hidden_reason == "Propos injurieux."
    assert counts(published_proposal) == (0, 0)
    (sent,) = mailoutbox
    assert sent.to == [author.email]
    assert "hidden" in sent.subject  # the account's language
    assert "Propos injurieux." in sent.body
    assert published_proposal.get_absolute_url() in sent.body


def test_a_kept_argument_leaves_the_queue_until_a_new_report(
    published_proposal, moderator
):
    argument = argue(published_proposal)
    services.argument_report(argument=argument, reporter=UserFactory(), reason="spam")
    services.argument_keep(argument=argument, moderator=moderator)
    assert not Argument.objects.to_review().exists()
    assert counts(published_proposal) == (1, 0)
    services.argument_report(argument=argument, reporter=UserFactory(), reason="spam")
    assert list(Argument.objects.to_review()) == [argument]


def test_an_argument_outlives_its_accounts_deletion(published_proposal, participant):
    argue(published_proposal, author=participant)
    services.account_delete(user=participant)
    argument = Argument.objects.get()
    assert argument.author is None
    # Counted still, without the deleted organisation's name (« Organisation supprimée »).
    assert argument.organisation == ""
    assert argument.organisation_type == participant.organisation_type
    assert counts(published_proposal) == (1, 0)


# --- Pages ---------------------------------------------------------------------------


def test_the_proposal_page_lists_arguments_in_two_columns_most_recent_first(
    client, published_proposal, django_assert_max_num_queries
):
    older = argue(published_proposal, text="Un premier argument favorable ici.")
    Argument.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    newer = argue(published_proposal, text="Un second argument favorable, récent.")
    against = argue(published_proposal, side="against", text=AGAINST_TEXT)
    hidden = argue(published_proposal, text="Un argument que la modération masque.")
    Argument.objects.filter(pk=hidden.pk).update(
        status=ArgumentStatus.HIDDEN, hidden_reason="Hors sujet."
    )
    for _ in range(20):
        argue(published_proposal, side="against", text=AGAINST_TEXT + " Encore.")
    with django_assert_max_num_queries(12):
        response = client.get(published_proposal.get_absolute_url())
    page = lxml.html.fromstring(content(response))
    pros = page.xpath("//*[contains(@class, 'argument-column-for')]//li")
    cons = page.xpath("//*[contains(@class, 'argument-column-against')]//li")
    assert [item.get("id") for item in pros] == [
        f"argument-{newer.pk}",
        f"argument-{older.pk}",
    ]
    assert len(cons) == 21 and f"argument-{against.pk}" in {c.get("id") for c in cons}
    assert "Coopérative" in pros[0].text_content()
    assert "Occitanie" in pros[0].text_content()
    assert "masque" not in content(response)
    report = pros[0].xpath(".//a")[0]
    assert report.get("href") == reverse("argument_report", args=[newer.pk])
    # Anonymous readers are invited to log in, and get no form.
    assert not page.xpath("//form[contains(@class, 'argument-form')]")
    login = reverse("login")
    assert page.xpath(f"//*[@id='arguments']//a[starts-with(@href, '{login}')]")


def test_an_organisation_adds_its_argument_from_the_page(
    client, participant, published_proposal
):
    client.force_login(participant)
    page = lxml.html.fromstring(
        content(client.get(published_proposal.get_absolute_url()))
    )
    (form,) = page.xpath("//form[contains(@class, 'argument-form')]")
    assert form.xpath(".//textarea[@name='text'][@maxlength='500']")
    assert page.xpath("//label[@for='id_text']")
    response = client.post(
        reverse("argument_create", args=[published_proposal.pk]),
        {"side": "for", "text": FOR_TEXT},
        follow=True,
    )
    argument = Argument.objects.get()
    assert response.redirect_chain[-1][0].endswith(f"#argument-{argument.pk}")
    html = content(response)
    assert "Votre argument est publié." in html
    assert FOR_TEXT in html
    page = lxml.html.fromstring(html)
    assert not page.xpath("//form[contains(@class, 'argument-form')]")  # one only
    delete = reverse("argument_delete", args=[argument.pk])
    assert page.xpath(f"//form[@action='{delete}']")


def test_a_refused_argument_keeps_what_was_written(
    client, participant, published_proposal
):
    client.force_login(participant)
    response = client.post(
        reverse("argument_create", args=[published_proposal.pk]),
        {"side": "against", "text": "Trop court"},
    )
    assert response.status_code == 400
    page = lxml.html.fromstring(content(response))
    assert page.xpath("//textarea[@name='text']")[0].text.strip() == "Trop court"
    assert page.xpath("//input[@name='side'][@value='against'][@checked]")
    assert "au moins 15" in content(response)
    assert not Argument.objects.exists()


def test_the_author_takes_back_the_argument_from_the_page(
    client, participant, published_proposal
):
    argument = argue(published_proposal, author=participant)
    client.force_login(participant)
    response = client.post(reverse("argument_delete", args=[argument.pk]))
    assert response.status_code == 302
    assert not Argument.objects.exists()
    client.force_login(UserFactory())
    other = argue(published_proposal)
    assert (
        client.post(reverse("argument_delete", args=[other.pk + 1])).status_code == 404
    )


def test_reporting_asks_for_a_reason_and_thanks(client, published_proposal):
    argument = argue(published_proposal)
    url = reverse("argument_report", args=[argument.pk])
    assert client.get(url).url.startswith(reverse("login"))
    client.force_login(UserFactory())
    page = lxml.html.fromstring(content(client.get(url)))
    assert len(page.xpath("//input[@name='reason'][@type='radio']")) == 5
    response = client.post(url, {})
    assert response.status_code == 400
    response = client.post(url, {"reason": "abuse"}, follow=True)
    assert "examinera cet argument" in content(response)
    assert argument.reports.get().reason == "abuse"
    response = client.post(url, {"reason": "spam"}, follow=True)
    assert "déjà signalé" in content(response)


def test_lists_show_the_argument_counts_and_follow_them(
    client, published_proposal, django_capture_on_commit_callbacks
):
    trajectory_url = published_proposal.question.trajectory.get_absolute_url()
    client.get(trajectory_url)  # cached for anonymous readers
    with django_capture_on_commit_callbacks(execute=True):
        argue(published_proposal)
        argue(published_proposal, side="against", text=AGAINST_TEXT)
        argue(published_proposal, side="against", text=AGAINST_TEXT)
    page = lxml.html.fromstring(content(client.get(trajectory_url)))
    (line,) = page.xpath(
        f"//*[@id='proposal-{published_proposal.pk}']"
        "//*[contains(@class, 'argument-counts')]"
    )
    assert (
        " ".join(line.text_content().split()) == "1 argument pour · 2 arguments contre"
    )


# --- Admin ---------------------------------------------------------------------------


def test_the_admin_queue_hides_with_a_reason_or_keeps(
    client, moderator, published_proposal
):
    reported = argue(published_proposal, text="Un argument signalé deux fois ici.")
    kept = argue(published_proposal, text="Un argument signalé une fois, gardé.")
    quiet = argue(published_proposal, text="Un argument que personne ne signale.")
    for reporter in UserFactory.create_batch(2):
        services.argument_report(argument=reported, reporter=reporter, reason="abuse")
    services.argument_report(argument=kept, reporter=UserFactory(), reason="spam")
    client.force_login(moderator)
    home = content(client.get(reverse("admin:index")))
    assert "2 arguments signalés à examiner" in home
    changelist = reverse("admin:proposals_argument_changelist")
    queue = content(client.get(changelist))
    assert reported.text in queue and kept.text in queue and quiet.text not in queue
    asked = client.post(
        changelist, {"action": "hide_selected", "_selected_action": [reported.pk]}
    )
    assert "Motif du masquage" in content(asked)
    client.post(
        changelist,
        {
            "action": "hide_selected",
            "_selected_action": [reported.pk],
            "reason": "Propos contraires à la charte.",
        },
    )
    client.post(changelist, {"action": "keep_selected", "_selected_action": [kept.pk]})
    reported.refresh_from_db()
    assert reported.status == ArgumentStatus.HIDDEN
    assert not Argument.objects.to_review().exists()
    assert "Aucun argument signalé à examiner." in content(
        client.get(reverse("admin:index"))
    )
    assert counts(published_proposal) == (2, 0)


# --- Open data -----------------------------------------------------------------------


def test_open_data_has_the_published_arguments_without_personal_data(
    client, published_proposal, moderator
):
    author = UserFactory(email="personne@exemple.fr", organisation="La Ruche")
    shown = argue(published_proposal, author=author)
    hidden = argue(published_proposal, side="against", text=AGAINST_TEXT)
    services.argument_hide(argument=hidden, moderator=moderator, reason="Hors sujet.")
    document = json.loads(content(client.get(reverse("open_data_arguments_json"))))
    assert document["licence"] == "Licence Ouverte 2.0"
    assert document["arguments"] == [
        {
            "id": shown.pk,
            "proposal": published_proposal.pk,
            "side": "for",
            "text": FOR_TEXT,
            "organisation": "La Ruche",
            "organisation_type": "cooperative",
            "region": author.region_id,
            "created_at": shown.created_at.isoformat(),
        }
    ]
    response = client.get(reverse("open_data_arguments_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(content(response))))
    assert rows[0] == [
        "id", "proposal", "side", "text", "organisation", "organisation_type",
        "region", "created_at",
    ]  # fmt: skip
    assert [row[0] for row in rows[1:]] == [str(shown.pk)]
    everything = content(client.get(reverse("open_data_arguments_json"))) + content(
        response
    )
    assert "personne@exemple.fr" not in everything
    proposals = json.loads(content(client.get(reverse("open_data_json"))))
    (exported,) = [
        p
        for theme in proposals["themes"]
        for t in theme["trajectories"]
        for q in t["questions"]
        for p in q["proposals"]
    ]
    assert exported["arguments"] == {"for": 1, "against": 0}


def test_arguing_and_reporting_are_limited_at_the_proposals_rate(
    client, participant, settings, question
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "proposal_user": "2/h"}
    client.force_login(participant)
    proposals = ProposalFactory.create_batch(3, question=question)
    statuses = [
        client.post(
            reverse("argument_create", args=[proposal.pk]),
            {"side": "for", "text": FOR_TEXT},
        ).status_code
        for proposal in proposals
    ]
    assert statuses == [302, 302, 429]
    assert Argument.objects.count() == 2
    others = [argue(proposal) for proposal in proposals]
    statuses = [
        client.post(
            reverse("argument_report", args=[argument.pk]), {"reason": "spam"}
        ).status_code
        for argument in others
    ]
    assert statuses == [302, 302, 429]
