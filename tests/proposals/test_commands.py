from io import StringIO

import pytest
from django.core.management import call_command

from proposals import services
from proposals.models import Proposal
from tests.factories import ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_check_vote_counters_reports_no_drift_when_counters_equal_rows(
    published_proposal,
):
    services.vote_cast(proposal=published_proposal, voter=UserFactory(), choice="agree")
    out = StringIO()
    call_command("check_vote_counters", stdout=out)
    assert "No drift" in out.getvalue()


def test_check_vote_counters_reports_drift_and_fix_repairs_it(question):
    proposal = ProposalFactory(question=question)
    for choice in ("agree", "agree", "disagree"):
        services.vote_cast(proposal=proposal, voter=UserFactory(), choice=choice)
    Proposal.objects.filter(pk=proposal.pk).update(agree_count=7, vote_count=8)

    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_vote_counters", stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert f"proposal {proposal.pk}: counters 7/0/1, votes 2/0/1" in out.getvalue()

    call_command("check_vote_counters", "--fix", stdout=StringIO())
    proposal.refresh_from_db()
    assert (proposal.agree_count, proposal.mixed_count, proposal.disagree_count) == (
        2,
        0,
        1,
    )
    assert proposal.vote_count == 3
    assert proposal.score > 0
    out = StringIO()
    call_command("check_vote_counters", stdout=out)
    assert "No drift" in out.getvalue()


def test_check_vote_counters_finds_and_repairs_tally_drift(question):
    from proposals.models import VoteTally

    proposal = ProposalFactory(question=question)
    services.vote_cast(
        proposal=proposal, voter=UserFactory(region_id="53"), choice="mixed"
    )
    assert VoteTally.objects.get(proposal=proposal, dimension="region").key == "53"
    VoteTally.objects.filter(proposal=proposal, dimension="region").update(
        mixed_count=5
    )
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_vote_counters", stdout=out, stderr=StringIO())
    assert f"proposal {proposal.pk}: tallies" in out.getvalue()
    call_command("check_vote_counters", "--fix", stdout=StringIO())
    tally = VoteTally.objects.get(proposal=proposal, dimension="region")
    assert (tally.key, tally.mixed_count) == ("53", 1)
