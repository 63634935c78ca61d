import pytest
from django.urls import reverse

from consultation.models import Phase
from tests.factories import (
    ConsultationFactory,
    ProposalFactory,
    ThemeFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_current_consultations_themes_and_trajectories(
    client, consultation, django_assert_max_num_queries
):
    theme = ThemeFactory(consultation=consultation, title="UNE ÉCONOMIE INNOVANTE")
    TrajectoryFactory(theme=theme, number=4, title="Un écosystème de développement")
    with django_assert_max_num_queries(5):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "UNE ÉCONOMIE INNOVANTE" in page
    assert "Un écosystème de développement" in page
    assert reverse("proposals:trajectory_detail", kwargs={"number": 4}) in page


def test_the_home_page_query_count_does_not_grow_with_themes(
    client, consultation, django_assert_max_num_queries
):
    for position in range(12):
        theme = ThemeFactory(consultation=consultation, position=position)
        TrajectoryFactory.create_batch(3, theme=theme)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("home"))
    assert response.content.decode().count('class="trajectory-number"') == 36


def test_the_home_page_hides_a_consultation_in_preparation(client):
    ThemeFactory(
        consultation=ConsultationFactory(phase=Phase.PREPARATION), title="SECRET"
    )
    page = client.get(reverse("home")).content.decode()
    assert "SECRET" not in page
    assert "Aucune consultation n'est ouverte" in page


def test_the_trajectory_page_lists_only_published_proposals(
    client, question, django_assert_max_num_queries
):
    ProposalFactory(question=question, text="Visible de tous")
    for status in ("pending", "withdrawn"):
        ProposalFactory(question=question, status=status, text=f"Cachée {status}")
    ProposalFactory(
        question=question, status="rejected", moderation_reason="x", text="Cachée"
    )
    ProposalFactory.create_batch(20, question=question)
    url = question.trajectory.get_absolute_url()
    with django_assert_max_num_queries(6):
        response = client.get(url)
    page = response.content.decode()
    assert "Visible de tous" in page and "Cachée" not in page
    assert question.text in page


def test_a_proposal_page_shows_a_published_proposal_and_hides_the_others(
    client, question
):
    published = ProposalFactory(question=question, text="Une bonne idée")
    pending = ProposalFactory(question=question, status="pending")
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert "Une bonne idée" in response.content.decode()
    assert published.author.organisation in response.content.decode()
    assert published.author.email not in response.content.decode()
    assert client.get(pending.get_absolute_url()).status_code == 404


def test_an_unknown_trajectory_is_a_404(client, consultation):
    assert (
        client.get(
            reverse("proposals:trajectory_detail", kwargs={"number": 99})
        ).status_code
        == 404
    )
