"""
French typography: « 1 000 » with a narrow no-break space, « 62 % », plural agreement
(« 0 mitigé »), French content marked `lang="fr"` inside English pages, and numbers
inside addresses and identifiers left alone.
"""

import lxml.html
import pytest
from django.core.cache import cache
from django.urls import reverse

from proposals.models import Choice, Proposal
from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    TrajectoryFactory,
    UserFactory,
    cast_votes,
)
from tests.reading import NARROW, squeeze

pytestmark = pytest.mark.django_db


def counters(proposal, agree, mixed, disagree):
    Proposal.objects.filter(pk=proposal.pk).update(
        agree_count=agree,
        mixed_count=mixed,
        disagree_count=disagree,
        vote_count=agree + mixed + disagree,
    )
    cache.clear()  # the page cache does not see a raw update


def text_of(response):
    return squeeze(lxml.html.fromstring(response.content).text_content())


def test_zero_and_one_take_the_singular_in_french(client, published_proposal):
    counters(published_proposal, 2, 0, 1)
    text = text_of(client.get(published_proposal.get_absolute_url()))
    assert "0 mitigé (0" in text and "0 mitigés" not in text
    assert "2 d’accord (67" in text and "1 pas d’accord (33" in text
    counters(published_proposal, 0, 2, 1)
    assert "2 mitigés" in text_of(client.get(published_proposal.get_absolute_url()))


def test_large_numbers_and_percentages_take_a_narrow_no_break_space(
    client, published_proposal
):
    counters(published_proposal, 1234, 0, 1234)
    text = text_of(client.get(published_proposal.get_absolute_url()))
    assert f"1{NARROW}234 d’accord (50{NARROW}%)" in text
    assert f"2{NARROW}468 votes, 50{NARROW}% d’adhésion" in text
    client.cookies["django_language"] = "en"
    text = text_of(client.get(published_proposal.get_absolute_url()))
    assert "1,234 agree (50%)" in text


def test_the_results_tables_give_a_percentage_beside_every_count(client, question):
    proposal = ProposalFactory(question=question)
    voters = UserFactory.create_batch(4, region_id="53")
    choices = [Choice.AGREE, Choice.AGREE, Choice.AGREE, Choice.DISAGREE]
    cast_votes(
        (proposal, voter, choice) for voter, choice in zip(voters, choices, strict=True)
    )
    page = lxml.html.fromstring(client.get(reverse("results")).content)
    row = page.xpath("//table[contains(@class, 'breakdown')]//tr[th[.='Bretagne']]")[0]
    cells = [squeeze(td.text_content()) for td in row.xpath("td")]
    assert cells[:5] == [
        f"3 (75{NARROW}%)",
        f"0 (0{NARROW}%)",
        f"1 (25{NARROW}%)",
        "4",
        f"75{NARROW}%",
    ]


def test_numbers_in_addresses_and_identifiers_are_not_grouped(client):
    """Ids of 1 000 and more stay « 12345 » in links, anchors and form values."""
    consultation = ConsultationFactory(pk=4321)
    trajectory = TrajectoryFactory(
        pk=5432, theme__pk=6543, theme__consultation=consultation
    )
    question = GuidingQuestionFactory(pk=7654, trajectory=trajectory)
    proposal = ProposalFactory(pk=98765, question=question)
    voter = UserFactory()
    client.force_login(voter)
    pages = [
        "/",
        reverse("consultation_list"),
        trajectory.theme.get_absolute_url(),
        trajectory.get_absolute_url(),
        proposal.get_absolute_url(),
        reverse("results"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = lxml.html.fromstring(response.content)
        grouped = [
            (element.tag, name, value)
            for element in page.iter()
            if isinstance(element.tag, str)
            for name, value in element.attrib.items()
            if NARROW in value or "\xa0" in value
        ]
        assert grouped == [], url
    trajectory_page = client.get(trajectory.get_absolute_url()).content.decode()
    assert 'id="proposal-98765"' in trajectory_page
    assert f'action="{reverse("vote", args=[98765])}"' in trajectory_page
    assert 'value="7654"' in trajectory_page  # the question filter


def test_french_content_is_marked_as_french_on_english_pages(client, question):
    proposal = ProposalFactory(question=question, text="Créer un fonds régional")
    trajectory = question.trajectory
    cast_votes((proposal, voter, Choice.AGREE) for voter in UserFactory.create_batch(5))
    client.cookies["django_language"] = "en"
    contents = {
        proposal.text: [
            trajectory.get_absolute_url(),
            proposal.get_absolute_url(),
            reverse("results"),
        ],
        trajectory.title: [
            "/",
            trajectory.get_absolute_url(),
            trajectory.theme.get_absolute_url(),
        ],
        question.text: [trajectory.get_absolute_url(), proposal.get_absolute_url()],
        trajectory.theme.title: ["/", trajectory.theme.get_absolute_url()],
        trajectory.consultation.title: ["/", reverse("results")],
    }
    for content, urls in contents.items():
        for url in urls:
            response = client.get(url)
            page = lxml.html.fromstring(response.content)
            assert page.get("lang") == "en"
            nodes = page.xpath("//body//text()[contains(., $content)]", content=content)
            assert nodes, (content, url)
            for node in nodes:
                element = node.getparent()
                if node.is_tail:
                    element = element.getparent()
                languages = [element.get("lang")] + [
                    ancestor.get("lang") for ancestor in element.iterancestors()
                ]
                assert next(lang for lang in languages if lang) == "fr", (content, url)
    client.cookies["django_language"] = "fr"
    french = client.get(trajectory.get_absolute_url()).content.decode()
    assert 'lang="fr"' not in french.split("<html", 1)[1].split(">", 1)[1]
