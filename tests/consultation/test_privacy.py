"""What the privacy page says is what the code does: consent kept with its date and
version, personal data purged a year after the consultation closes, every cookie
named."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultation.models import SitePage, User
from proposals import services
from proposals.models import Participation, Vote
from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
PASSWORD = "une-longue-phrase-de-passe"


def test_sign_up_keeps_the_consent_with_its_date_and_the_version_of_the_terms(client):
    privacy = SitePage.objects.get(slug="donnees-personnelles")
    client.post(
        reverse("signup"),
        {
            "email": "consent@exemple.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "organisation": "Association consentante",
            "organisation_type": "association",
            "region": "53",
            "accept_terms": "on",
        },
    )
    user = User.objects.get(email="consent@exemple.fr")
    assert timezone.now() - user.terms_accepted_at < datetime.timedelta(minutes=1)
    assert user.terms_version == privacy.updated_at.isoformat(timespec="seconds")
    client.force_login(user)
    data = client.get(reverse("my_data")).json()
    assert data["account"]["terms_version"] == user.terms_version


@pytest.fixture
def long_closed():
    """A consultation closed 400 days ago, and one of its proposals."""
    now = timezone.now()
    consultation = ConsultationFactory(
        opens_at=now - datetime.timedelta(days=800),
        closes_at=now - datetime.timedelta(days=400),
    )
    return ProposalFactory(
        question=GuidingQuestionFactory(trajectory__theme__consultation=consultation)
    )


def vote_before_closing(proposal, voter):
    """A vote cast while the consultation was open."""
    consultation = proposal.question.trajectory.consultation
    closes_at, consultation.closes_at = consultation.closes_at, None
    consultation.save()
    services.vote_cast(proposal=proposal, voter=voter, choice="agree")
    consultation.closes_at = closes_at
    consultation.save()


def test_personal_data_are_purged_a_year_after_the_closing(long_closed, question):
    old = UserFactory(email="ancienne@exemple.fr")
    vote_before_closing(long_closed, old)
    still_here = UserFactory(email="toujours@exemple.fr")
    vote_before_closing(long_closed, still_here)
    services.vote_cast(
        proposal=ProposalFactory(question=question), voter=still_here, choice="mixed"
    )  # it takes part in a consultation still open
    dormant = UserFactory(email="dormante@exemple.fr")
    User.objects.filter(pk=dormant.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=400)
    )
    newcomer = UserFactory(email="nouvelle@exemple.fr")
    staff = UserFactory(email="equipe@exemple.fr", is_staff=True)
    User.objects.filter(pk=staff.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=900)
    )

    accounts = set(User.objects.values_list("email", flat=True))
    out = StringIO()
    call_command("purge_personal_data", stdout=out)  # a dry run by default
    assert "2 account(s)" in out.getvalue() and "dry run" in out.getvalue().lower()
    assert set(User.objects.values_list("email", flat=True)) == accounts

    call_command("purge_personal_data", "--apply", stdout=StringIO())
    remaining = set(User.objects.values_list("email", flat=True))
    assert accounts - remaining == {old.email, dormant.email}
    assert {still_here.email, newcomer.email, staff.email} <= remaining
    # What the results count stays, anonymous.
    assert Vote.objects.filter(proposal=long_closed, voter=None).count() == 1
    assert (
        Participation.objects.filter(
            consultation=long_closed.question.trajectory.consultation, user=None
        ).count()
        == 1
    )


def test_the_purge_keeps_a_purged_author_s_proposals_that_reached_the_public(
    long_closed, client, django_capture_on_commit_callbacks
):
    """The purge deletes an account as « Mon espace » would: its withdrawn proposal
    that had votes stays at its address, counted, without the organisation's name."""
    from proposals.models import Source, Status

    author = UserFactory(organisation="Association Les Amis d'Émile")
    User.objects.filter(pk=author.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=800)
    )
    voter = UserFactory()
    withdrawn = ProposalFactory(
        question=long_closed.question, author=author, source=Source.ONLINE
    )
    Participation.objects.create(
        consultation=long_closed.question.trajectory.consultation,
        user=author,
        region=author.region,
        organisation_type=author.organisation_type,
    )
    vote_before_closing(withdrawn, voter)
    withdrawn.status = Status.WITHDRAWN
    withdrawn.save()
    address = withdrawn.get_absolute_url()
    assert "Amis d&#x27;Émile" in client.get(address).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_personal_data", "--apply", stdout=StringIO())

    assert not User.objects.filter(pk=author.pk).exists()
    withdrawn.refresh_from_db()
    assert withdrawn.author is None and withdrawn.vote_count == 1
    page = client.get(address)
    assert page.status_code == 200
    assert "Organisation supprimée" in page.content.decode()


def test_the_privacy_page_names_every_cookie_the_site_sets(
    client, published_proposal, participant
):
    seen = {}
    visitor = Client()
    seen.update(
        visitor.get(published_proposal.question.trajectory.get_absolute_url()).cookies
    )
    seen.update(visitor.get(reverse("signup")).cookies)
    seen.update(visitor.post(reverse("set_language"), {"language": "en"}).cookies)
    seen.update(
        visitor.post(
            reverse("login"),
            {"username": participant.email, "password": "mot-de-passe-solide-42"},
        ).cookies
    )
    seen.update(
        visitor.post(
            reverse("vote", args=[published_proposal.pk]), {"choice": "agree"}
        ).cookies
    )
    newcomer = Client()
    seen.update(
        newcomer.post(
            reverse("signup"),
            {
                "email": "cookies@exemple.fr",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "organisation": "Association des cookies",
                "organisation_type": "association",
                "region": "53",
                "accept_terms": "on",
            },
        ).cookies
    )  # a welcome message
    lifetimes = {name: morsel["max-age"] for name, morsel in seen.items()}
    # The lifetimes the page gives: two weeks, a year, the visit, the visit, 180 days.
    assert lifetimes == {
        "sessionid": 14 * 24 * 3600,
        "csrftoken": 31449600,
        "django_language": "",
        "messages": "",
        "ordre": 180 * 24 * 3600,
    }
    page = client.get(reverse("site_page", args=["donnees-personnelles"]))
    text = page.content.decode()
    for cookie in seen:
        assert re.search(rf"\b{cookie}\b", text), cookie
    assert "180 jours" in text  # the order cookie's lifetime
