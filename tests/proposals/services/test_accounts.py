"""Deleting an account changes no published figure: key figures, every breakdown of
the results and the open data are the same before and after."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from consultation.models import OrganisationType, Region
from proposals import services
from proposals.models import Participation
from proposals.results import consultation_results
from proposals.selectors import consultation_figures
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def published_figures(client, consultation):
    """Everything a reader can count, computed afresh."""
    cache.clear()
    results = consultation_results(consultation=consultation, limit=10)
    document = client.get(reverse("open_data_json")).json()
    document.pop("generated_at")
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("open_data_csv")).content.decode()))
    )
    return {
        "figures": consultation_figures(consultation=consultation),
        "results_figures": results["figures"],
        "breakdowns": results["breakdowns"],
        "coverage": results["coverage"],
        "top": [(p.pk, p.rank, p.vote_count, p.score) for p in results["top"]],
        "consensus": [(p.pk, round(score, 9)) for p, score in results["consensus"]],
        "divisive": [p.pk for p in results["divisive"]],
        "open_data_json": document,
        "open_data_csv": rows,
    }


def test_deleting_an_account_changes_no_published_figure(client, question, moderator):
    brittany, corsica = Region.objects.get(code="53"), Region.objects.get(code="94")
    leaving = UserFactory(region=brittany, organisation_type=OrganisationType.MUTUAL)
    staying = [
        UserFactory(region=corsica, organisation_type=OrganisationType.ASSOCIATION),
        UserFactory(region=brittany, organisation_type=OrganisationType.FOUNDATION),
    ]
    workshop = ProposalFactory.create_batch(3, question=question)
    own = services.proposal_submit(
        author=leaving,
        question=question,
        text="Une proposition de l'organisation qui part.",
    )
    services.proposal_publish(proposal=own, moderator=moderator)
    services.proposal_submit(
        author=leaving,
        question=question,
        text="Une autre, encore en attente de relecture.",
    )
    for proposal in [*workshop, own]:
        for voter, choice in zip(
            [leaving, *staying], ["agree", "mixed", "disagree"], strict=True
        ):
            services.vote_cast(proposal=proposal, voter=voter, choice=choice)
    consultation = question.trajectory.consultation
    before = published_figures(client, consultation)
    assert before["figures"]["organisations"] == 3

    services.account_delete(user=leaving)

    assert published_figures(client, consultation) == before
    # What stays of the organisation that left: its region and type, no account.
    assert Participation.objects.filter(user=None).values_list(
        "region", "organisation_type"
    ).get() == ("53", OrganisationType.MUTUAL)
