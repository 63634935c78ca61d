"""
Several consultations: each has its pages under /consultations/<slug>/, /consultations/
lists them, and every address published so far answers 200 or a 301 to the right page,
never 404.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultation.models import Phase
from proposals import services
from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    UserFactory,
)
from tests.refusals import refused

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def two():
    """A consultation closed last year (trajectories 4 and 9), and the current one (4)."""
    now = timezone.now()
    old = ConsultationFactory(
        title="Consultation 2025",
        slug="consultation-2025",
        opens_at=now - 400 * DAY,
        closes_at=now - 100 * DAY,
        phase=Phase.CLOSED,
    )
    new = ConsultationFactory(
        title="Consultation 2026", slug="consultation-2026", opens_at=now - DAY
    )
    questions = {}
    for consultation, number in ((old, 4), (old, 9), (new, 4)):
        questions[(consultation.slug, number)] = GuidingQuestionFactory(
            trajectory__theme__consultation=consultation, trajectory__number=number
        )
    proposals = {key: ProposalFactory(question=q) for key, q in questions.items()}
    return old, new, questions, proposals


def test_a_proposal_of_an_older_consultation_keeps_its_address(client, two):
    old, _, _, proposals = two
    response = client.get(f"/propositions/{proposals[(old.slug, 4)].pk}/")
    assert response.status_code == 200
    assert "Consultation 2025" in response.content.decode()


def test_an_older_theme_address_moves_permanently_to_its_consultation(client, two):
    old, _, questions, _ = two
    theme = questions[(old.slug, 4)].trajectory.theme
    response = client.get(f"/themes/{theme.pk}/")
    assert response.status_code == 301
    assert response.url == f"/consultations/{old.slug}/themes/{theme.pk}/"
    page = client.get(response.url)
    assert page.status_code == 200 and "Consultation 2025" in page.content.decode()


def test_a_trajectory_number_means_the_current_consultation_else_the_latest_with_it(
    client, two
):
    old, new, _, _ = two
    page = client.get("/trajectoires/4/")
    assert page.status_code == 200 and "Consultation 2026" in page.content.decode()
    moved = client.get("/trajectoires/9/")
    assert moved.status_code == 301
    assert moved.url == f"/consultations/{old.slug}/trajectoires/9/"
    assert client.get(moved.url).status_code == 200
    assert client.get("/trajectoires/77/").status_code == 404  # never existed


def test_each_consultation_has_its_own_pages(client, two):
    old, new, questions, proposals = two
    for consultation in (old, new):
        base = f"/consultations/{consultation.slug}/"
        for path in ("", "trajectoires/4/", "resultats/"):
            page = client.get(base + path)
            assert page.status_code == 200, base + path
            assert consultation.title in page.content.decode(), base + path
        data = client.get(base + "open-data/consultation.json").json()
        assert data["consultation"]["slug"] == consultation.slug
        rows = client.get(base + "open-data/proposals.csv").content.decode()
        own = proposals[(consultation.slug, 4)]
        assert own.text in rows
    # The addresses without a slug still mean the current consultation.
    assert client.get(reverse("open_data_json")).json()["consultation"]["slug"] == (
        new.slug
    )


def test_links_inside_an_older_consultation_stay_inside_it(client, two):
    old, _, questions, _ = two
    page = client.get(f"/consultations/{old.slug}/").content.decode()
    assert f"/consultations/{old.slug}/trajectoires/4/" in page
    assert f"/consultations/{old.slug}/trajectoires/9/" in page


def test_the_archive_lists_the_current_consultation_first_with_figures(
    client, two, django_assert_max_num_queries
):
    old, new, _, proposals = two
    services.vote_cast(
        proposal=proposals[(new.slug, 4)], voter=UserFactory(), choice="agree"
    )
    ConsultationFactory(title="En préparation", phase=Phase.PREPARATION)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("consultation_list")).content.decode()
    assert page.index("Consultation 2026") < page.index("Consultation 2025")
    assert "En préparation" not in page
    for _ in range(5):
        ConsultationFactory(opens_at=timezone.now() - 500 * DAY, phase=Phase.CLOSED)
    with django_assert_max_num_queries(6):
        client.get(reverse("consultation_list"))
    home = client.get(reverse("home")).content.decode()
    assert reverse("consultation_list") in home


def test_a_consultation_in_preparation_has_no_public_pages(client, two):
    hidden = ConsultationFactory(slug="cachee", phase=Phase.PREPARATION)
    assert client.get(f"/consultations/{hidden.slug}/").status_code == 404


@pytest.fixture
def closed(two):
    old, _, questions, proposals = two
    return old, proposals[(old.slug, 4)]


def test_a_closed_consultation_is_frozen(closed, moderator):
    old, proposal = closed
    pending = ProposalFactory(
        question=proposal.question, status="pending", author=UserFactory()
    )
    author = pending.author
    for code, attempt in (
        (
            "consultation.closed",
            lambda: services.proposal_publish(proposal=pending, moderator=moderator),
        ),
        (
            "consultation.closed",
            lambda: services.proposal_reject(
                proposal=proposal, moderator=moderator, reason="x"
            ),
        ),
        (
            "consultation.closed",
            lambda: services.proposal_withdraw(proposal=pending, author=author),
        ),
        (
            "consultation.closed",
            lambda: services.proposal_edit(
                proposal=proposal,
                moderator=moderator,
                text="Un tout autre texte ici.",
                question=proposal.question,
                region=None,
            ),
        ),
        (
            "vote.closed",
            lambda: services.vote_cast(
                proposal=proposal, voter=UserFactory(), choice="agree"
            ),
        ),
    ):
        with refused(code):
            attempt()
    proposal.refresh_from_db()
    pending.refresh_from_db()
    assert (proposal.status, pending.status) == ("published", "pending")


def test_a_closed_consultation_still_gets_official_answers(closed, moderator):
    from django.contrib.auth.models import Permission

    old, proposal = closed
    moderator.user_permissions.add(Permission.objects.get(codename="answer_proposal"))
    answerer = type(moderator).objects.get(pk=moderator.pk)
    services.proposal_answer(
        proposal=proposal, author=answerer, state="adopted", text="Oui"
    )


def test_the_admin_shows_the_timeline_of_a_consultation(client, moderator, two):
    old, new, _, _ = two
    client.force_login(moderator)
    page = client.get(reverse("admin:consultation_consultation_change", args=[new.pk]))
    text = page.content.decode()
    assert "Calendrier" in text
    for step in ("Ouverture", "Fin du dépôt des propositions", "Clôture"):
        assert step in text
    assert "en vigueur" in text
