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


def _leaving_author_s_proposals(question, moderator, leaving, voters):
    """One proposal of `leaving` in each state a proposal can reach, by name."""

    def submitted(text):
        return services.proposal_submit(author=leaving, question=question, text=text)

    def published(text, votes=0):
        proposal = submitted(text)
        services.proposal_publish(proposal=proposal, moderator=moderator)
        for voter in voters[:votes]:
            services.vote_cast(proposal=proposal, voter=voter, choice="agree")
        return proposal

    kept = ProposalFactory(question=question)
    states = {
        "pending": submitted("Une proposition encore en attente de relecture."),
        "rejected": submitted("Une proposition refusée avant tout vote."),
        "published": published("Une proposition publiée et votée.", votes=3),
        "published_without_votes": published("Une proposition publiée sans vote."),
        "withdrawn_with_votes": published("Une proposition retirée après 3 votes.", 3),
        "withdrawn_without_votes": published("Une proposition retirée sans vote."),
        "rejected_with_votes": published("Une proposition refusée après 2 votes.", 2),
        "merged_with_votes": published("Une proposition fusionnée après 2 votes.", 2),
        "merged_without_votes": published("Une proposition fusionnée sans vote."),
    }
    services.proposal_reject(
        proposal=states["rejected"], moderator=moderator, reason="Hors sujet."
    )
    services.proposal_reject(
        proposal=states["rejected_with_votes"], moderator=moderator, reason="Doublon."
    )
    for name in ("withdrawn_with_votes", "withdrawn_without_votes"):
        services.proposal_withdraw(
            proposal=states[name], author=leaving, confirmed=True
        )
    for name in ("merged_with_votes", "merged_without_votes"):
        services.proposal_merge(proposal=states[name], into=kept, moderator=moderator)
    return states


def _addresses(client, proposals):
    """What each proposal's address answers: its status code and where it leads."""
    cache.clear()
    answers = {}
    for name, proposal in proposals.items():
        response = client.get(f"/propositions/{proposal.pk}/")
        answers[name] = (response.status_code, response.headers.get("Location"))
    return answers


def test_deleting_an_account_keeps_what_it_wrote_on_record_in_every_state(
    client, question, moderator
):
    """Nothing that reached the public goes with an account: published, withdrawn,
    merged and rejected-after-votes proposals stay at their address, anonymised;
    only what the public never saw (pending, rejected or withdrawn before any vote)
    is deleted. Figures, results, both exports and every address are the same."""
    from proposals.models import Proposal, Status

    brittany = Region.objects.get(code="53")
    leaving = UserFactory(
        region=brittany,
        organisation_type=OrganisationType.COOPERATIVE,
        organisation="Coopérative L'Épi & Cie",
    )
    voters = UserFactory.create_batch(3)
    proposals = _leaving_author_s_proposals(question, moderator, leaving, voters)
    consultation = question.trajectory.consultation
    figures_before = published_figures(client, consultation)
    addresses_before = _addresses(client, proposals)
    # Published, withdrawn after votes, merged (moved onto the proposal kept).
    assert figures_before["figures"]["votes"] == 3 + 3 + 2
    shown = client.get(proposals["published"].get_absolute_url()).content.decode()
    assert "L&#x27;Épi &amp; Cie" in shown

    services.account_delete(user=leaving)

    assert published_figures(client, consultation) == figures_before
    assert _addresses(client, proposals) == addresses_before
    gone = {"pending", "rejected", "withdrawn_without_votes"}
    remaining = Proposal.objects.filter(pk__in=[p.pk for p in proposals.values()])
    assert {p.pk for p in remaining} == {
        proposals[name].pk for name in proposals if name not in gone
    }
    for proposal in remaining:
        assert proposal.author_id is None
        assert (proposal.region_id, proposal.organisation_type) == (
            "53",
            OrganisationType.COOPERATIVE,
        )
    assert remaining.get(pk=proposals["merged_without_votes"].pk).status == (
        Status.MERGED
    )
    for name in ("published", "withdrawn_with_votes"):
        page = client.get(proposals[name].get_absolute_url()).content.decode()
        assert "Organisation supprimée" in page and "Épi" not in page, name
