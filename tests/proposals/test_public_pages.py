"""The public site: every page's content, query counts, privacy and hostile input."""

import csv
import datetime
import io
import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.urls import reverse

from consultation.models import OrganisationType, Phase
from proposals.models import Status
from tests.factories import (
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    ThemeFactory,
    TrajectoryFactory,
    UserFactory,
    cast_votes,
)

pytestmark = pytest.mark.django_db

REGIONS = ["11", "53", "76", "84", "93", "01"]
TYPES = [
    OrganisationType.ASSOCIATION,
    OrganisationType.COOPERATIVE,
    OrganisationType.MUTUAL,
    OrganisationType.FOUNDATION,
    OrganisationType.LOCAL_AUTHORITY,
    OrganisationType.NETWORK,
]
CHOICES = ["agree", "agree", "mixed", "disagree", "agree", "disagree"]
HIDDEN_TEXTS = {
    Status.PENDING: "TEXTE-CACHÉ-EN-ATTENTE",
    Status.REJECTED: "TEXTE-CACHÉ-REFUSÉ",
    Status.WITHDRAWN: "TEXTE-CACHÉ-RETIRÉ",
}


@dataclass
class Site:
    consultation: object
    theme: object
    trajectory: object
    questions: list
    authors: list
    voters: list
    proposals: list
    hidden: list

    def add_proposals(self, count):
        """Add published proposals, each voted on by every voter."""
        start = len(self.proposals)
        new = [
            ProposalFactory(
                question=self.questions[i % 2],
                author=self.authors[i % len(self.authors)],
                text=f"Proposition publique n°{i}",
            )
            for i in range(start, start + count)
        ]
        cast_votes(
            (proposal, voter, CHOICES[(proposal.pk * (j + 1)) % len(CHOICES)])
            for proposal in new
            for j, voter in enumerate(self.voters)
        )
        self.proposals += new


@pytest.fixture
def site():
    consultation = ConsultationFactory(
        title="Consultation des trajectoires", introduction="Une introduction claire."
    )
    theme = ThemeFactory(consultation=consultation, title="UNE ÉCONOMIE QUI COOPÈRE")
    trajectory = TrajectoryFactory(
        theme=theme, number=4, title="Dans 10 ans, l'ESS coopérera"
    )
    questions = [
        GuidingQuestionFactory(
            trajectory=trajectory, text="Comment coopérer ?", position=1
        ),
        GuidingQuestionFactory(
            trajectory=trajectory, text="Avec qui coopérer ?", position=2
        ),
    ]
    authors = [
        UserFactory(
            region_id=region, organisation_type=kind, organisation=f"Auteur {region}"
        )
        for region, kind in zip(REGIONS, TYPES, strict=True)
    ]
    voters = [
        UserFactory(region_id=region, organisation_type=kind)
        for region, kind in zip(REGIONS, TYPES, strict=True)
    ]
    hidden = [
        ProposalFactory(
            question=questions[0],
            author=authors[0],
            status=status,
            text=text,
            moderation_reason="Hors sujet" if status == Status.REJECTED else "",
        )
        for status, text in HIDDEN_TEXTS.items()
    ]
    from proposals.models import Participation

    Participation.objects.bulk_create(
        Participation(consultation=consultation, user=author) for author in authors
    )
    site = Site(consultation, theme, trajectory, questions, authors, voters, [], hidden)
    site.add_proposals(10)
    # Votes cast on a proposal before it was rejected stay as rows, and stay hidden.
    # (A withdrawn proposal with votes stays on record: tests/proposals/
    # test_withdrawal.py.)
    cast_votes((hidden[1], voter, "agree") for voter in voters)
    return site


def public_urls(site):
    proposal = site.proposals[0]
    return {
        "home": reverse("home"),
        "theme": site.theme.get_absolute_url(),
        "trajectory": site.trajectory.get_absolute_url(),
        # A search with filters, at its canonical address (the page cache's).
        "trajectory_filtered": site.trajectory.get_absolute_url()
        + "?region=11&sort=best&source=online&q=publique",
        "proposal": proposal.get_absolute_url(),
        "results": reverse("results"),
        "json": reverse("open_data_json"),
        "csv": reverse("open_data_csv"),
        "accessibility": reverse("site_page", args=["accessibilite"]),
        "legal": reverse("site_page", args=["mentions-legales"]),
        "privacy": reverse("site_page", args=["donnees-personnelles"]),
    }


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


PAGE_NAMES = [
    "home",
    "theme",
    "trajectory",
    "trajectory_filtered",
    "proposal",
    "results",
    "json",
    "csv",
    "accessibility",
    "legal",
    "privacy",
]
# The home page or the results, computed: the results' parts (figures, rankings,
# breakdowns, the random order's fairness) that both merge (the most of any page);
# each ranking's ids read alone first, then the rows of the ranked.
MAX_QUERIES = 16


def test_query_counts_do_not_grow_from_10_to_200_proposals(
    client, site, django_assert_max_num_queries
):
    """Every public page, computed (not cached), with 10 proposals then with 200:
    no more queries (the 190 more are written once for all the pages)."""
    urls = public_urls(site)
    small = {}
    for page in PAGE_NAMES:
        cache.clear()  # measure the pages as computed, not as cached
        with django_assert_max_num_queries(MAX_QUERIES) as queries:
            response = client.get(urls[page])
            content(response)
        assert response.status_code == 200, page
        small[page] = len(queries.captured_queries)
    site.add_proposals(190)
    for page in PAGE_NAMES:
        cache.clear()
        with django_assert_max_num_queries(small[page]):
            response = client.get(urls[page])
            content(response)
        assert response.status_code == 200, page


def test_pending_rejected_and_withdrawn_proposals_never_appear(client, site):
    for page, url in public_urls(site).items():
        page_content = content(client.get(url))
        for text in HIDDEN_TEXTS.values():
            assert text not in page_content, page


def test_no_email_address_is_ever_shown(client, site):
    for page, url in public_urls(site).items():
        assert "@exemple.fr" not in content(client.get(url)), page


def test_a_hidden_proposal_has_no_public_page(client, site):
    for proposal in site.hidden:
        assert client.get(proposal.get_absolute_url()).status_code == 404


def test_nothing_is_public_while_the_consultation_is_in_preparation(client, site):
    site.consultation.phase = Phase.PREPARATION
    site.consultation.save()
    assert "Aucune consultation n’est ouverte" in content(client.get(reverse("home")))
    for page in ("theme", "trajectory", "proposal", "results", "json", "csv"):
        assert client.get(public_urls(site)[page]).status_code == 404, page


# --- Home -------------------------------------------------------------------------


def test_the_home_page_explains_the_phase_dates_figures_and_themes(client, site):
    site.consultation.closes_at = datetime.datetime(
        2030, 3, 31, 21, 0, tzinfo=datetime.UTC
    )  # 23:00 in Paris
    site.consultation.save()
    page = content(client.get(reverse("home")))
    assert "<h1" in page and page.count("<h1") == 1
    assert "Consultation des trajectoires" in page
    assert "Une introduction claire." in page
    assert "Les contributions sont ouvertes jusqu’au 31 mars 2030" in page
    cache.clear()
    figures = client.get(reverse("home")).context["figures"]
    # 10 published proposals; 60 votes on them (votes on hidden ones do not count);
    # 12 organisations (6 authors, 6 voters); 6 regions.
    assert figures == {
        "proposals": 10,
        "unranked": 0,
        "votes": 60,
        "organisations": 12,
        "regions": 6,
    }
    assert "UNE ÉCONOMIE QUI COOPÈRE" in page
    assert site.trajectory.get_absolute_url() in page
    assert "Lire les propositions et voter" in page


@pytest.mark.parametrize(
    ("phase", "sentence"),
    [
        (Phase.VOTES, "Les votes sont ouverts"),
        (Phase.CLOSED, "La consultation est close"),
    ],
)
def test_the_home_page_says_the_phase_in_plain_words(client, site, phase, sentence):
    site.consultation.phase = phase
    site.consultation.save()
    assert sentence in content(client.get(reverse("home")))


# --- Trajectory page ------------------------------------------------------------


def listed(response):
    """The proposals of a list page, in order, read from the HTML (cached pages too)."""
    import re

    return [
        int(pk)
        for pk in re.findall(r'<article [^>]*id="proposal-(\d+)"', content(response))
    ]


def test_the_trajectory_page_shows_its_questions_and_proposals_with_counts(
    client, site
):
    response = client.get(site.trajectory.get_absolute_url())
    page = content(response)
    assert "Comment coopérer ?" in page and "Avec qui coopérer ?" in page
    assert "10 propositions" in page
    proposal = site.proposals[3]
    proposal.refresh_from_db()
    assert proposal.text in page
    assert f"{proposal.agree_count} d’accord" in page


def test_the_random_order_is_stable_for_a_visitor_and_differs_between_visitors(
    client, site
):
    from django.core.signing import get_cookie_signer

    from consultation.page_cache import SHUFFLE_BUCKETS, SHUFFLE_SALT

    site.add_proposals(30)
    url = site.trajectory.get_absolute_url()
    first = listed(client.get(url))
    assert "ordre" in client.cookies  # the visitor's order lives in a signed cookie
    assert listed(client.get(url)) == first
    assert sorted(first) != first  # shuffled, not by id

    signer = get_cookie_signer(salt="ordre" + SHUFFLE_SALT)
    orders = set()
    for bucket in range(SHUFFLE_BUCKETS):
        visitor = type(client)()
        visitor.cookies["ordre"] = signer.sign(str(bucket))
        orders.add(tuple(listed(visitor.get(url))))
    assert len(orders) == SHUFFLE_BUCKETS  # every bucket is its own order
    assert tuple(first) in orders
    client.cookies["ordre"] = "forged-value"  # a tampered cookie gets a fresh order
    response = client.get(url)
    assert response.status_code == 200 and "ordre" in response.cookies


def test_best_ranked_follows_the_wilson_score_then_the_number_of_votes(client, site):
    response = client.get(site.trajectory.get_absolute_url(), {"sort": "best"})
    proposals = list(response.context["page_obj"])
    keys = [(-p.score, -p.vote_count, p.pk) for p in proposals]
    assert keys == sorted(keys)
    assert proposals[0].score > proposals[-1].score


def test_most_debated_and_most_recent_orders(client, site):
    favourite = site.proposals[5]
    cast_votes((favourite, UserFactory(), "disagree") for _ in range(3))
    response = client.get(site.trajectory.get_absolute_url(), {"sort": "debated"})
    assert listed(response)[0] == favourite.pk
    response = client.get(site.trajectory.get_absolute_url(), {"sort": "recent"})
    assert listed(response)[0] == site.proposals[-1].pk


def test_filters_by_region_organisation_type_source_question_and_text(client, site):
    url = site.trajectory.get_absolute_url()
    region = client.get(url, {"region": "53"})
    assert {p.region_id for p in region.context["page_obj"]} == {"53"}
    kind = client.get(url, {"organisation_type": "mutual"})
    assert {p.organisation_type for p in kind.context["page_obj"]} == {"mutual"}
    workshop = ProposalFactory(
        question=site.questions[0],
        author=None,
        source="workshop",
        text="Idée d'atelier",
    )
    source = client.get(url, {"source": "workshop"})
    assert listed(source) == [workshop.pk]
    question = client.get(url, {"question": site.questions[1].pk})
    assert {p.question_id for p in question.context["page_obj"]} == {
        site.questions[1].pk
    }
    search = client.get(url, {"q": "n°7"})
    assert listed(search) == [site.proposals[7].pk]
    assert "1 proposition" in content(search)


def test_pagination_keeps_the_filters_and_handles_bad_page_numbers(client, site):
    site.add_proposals(40)  # 50 proposals: 3 pages of 20
    url = site.trajectory.get_absolute_url()
    response = client.get(url, {"sort": "best", "page": 2})
    assert response.context["page_obj"].number == 2
    page = content(response)
    # The next page opens at the list, not at the top of the trajectory.
    assert "sort=best&amp;page=3#propositions" in page
    assert 'id="propositions"' in page
    for bad in ("abc", "-1", "0", "99999", "1e9", "2.5"):
        response = client.get(url, {"page": bad})
        assert response.status_code == 200, bad
        assert response.context["page_obj"].number in (1, 3)


def test_the_filters_wait_behind_a_button_that_counts_the_active_ones(client, site):
    url = site.trajectory.get_absolute_url()
    assert ">Filtrer" in " ".join(content(client.get(url)).split())
    page = content(client.get(url, {"sort": "best", "source": "online", "q": "eau"}))
    assert "Filtrer (2 filtres actifs)" in " ".join(page.split())


HOSTILE = "<script>alert('x')</script>"


@pytest.mark.parametrize(
    "parameter",
    ["q", "sort", "region", "organisation_type", "source", "question", "page"],
)
def test_hostile_parameters_give_a_normal_page_and_are_never_reflected_raw(
    client, site, parameter
):
    response = client.get(site.trajectory.get_absolute_url(), {parameter: HOSTILE})
    assert response.status_code == 200
    assert HOSTILE not in content(response)
    assert "<script>" not in content(response)


def test_hostile_values_on_other_pages_never_cause_a_500(client, site):
    for url in (
        reverse("home") + "?q=" + HOSTILE,
        reverse("results") + "?sort=" + HOSTILE,
        "/propositions/" + "9" * 30 + "/",
        "/trajectoires/" + "9" * 30 + "/",
        "/themes/%3Cscript%3E/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        assert HOSTILE not in content(response)


# --- Proposal page --------------------------------------------------------------


def test_the_proposal_page_shows_its_context_distribution_and_support(client, site):
    proposal = site.proposals[2]
    response = client.get(proposal.get_absolute_url())
    page = content(response)
    assert proposal.text in page
    assert "Dans 10 ans, l&#x27;ESS coopérera" in page
    assert proposal.question.text in page
    assert proposal.author.organisation in page
    assert proposal.region.name in page
    assert "En ligne" in page
    assert f"http://testserver{proposal.get_absolute_url()}" in page
    regions = response.context["breakdowns"]["regions"]
    assert sum(row["total"] for row in regions) == 6
    assert {row["label"] for row in regions} == {
        "Île-de-France", "Bretagne", "Occitanie", "Auvergne-Rhône-Alpes",
        "Provence-Alpes-Côte d'Azur", "Guadeloupe",
    }  # fmt: skip
    types = response.context["breakdowns"]["organisation_types"]
    assert {row["label"] for row in types} == {
        label for _, label in OrganisationType.choices if _ in TYPES
    }


def test_a_workshop_proposal_shows_its_workshop_and_no_person(client, site):
    workshop = ProposalFactory(
        question=site.questions[0], author=None, source="workshop", region_id="76"
    )
    page = content(client.get(workshop.get_absolute_url()))
    assert "Atelier régional" in page and "Atelier" in page and "Occitanie" in page


# --- Results --------------------------------------------------------------------


def test_results_rank_each_trajectory_and_show_the_counts(client, site):
    response = client.get(reverse("results"))
    top = list(response.context["top"])
    assert [p.rank for p in top] == list(range(1, 11))
    keys = [(-p.score, -p.vote_count) for p in top]
    assert keys == sorted(keys)
    page = content(response)
    assert top[0].text in page
    assert "Licence Ouverte 2.0" in page
    assert reverse("open_data_json") in page
    assert reverse("open_data_csv") in page


def test_results_rank_at_most_ten_per_trajectory(client, site):
    site.add_proposals(15)
    other = TrajectoryFactory(theme=site.theme, number=9)
    question = GuidingQuestionFactory(trajectory=other)
    alone = ProposalFactory(question=question, text="Seule dans la neuf")
    cast_votes((alone, voter, "agree") for voter in site.voters)  # enough to rank
    top = list(client.get(reverse("results")).context["top"])
    assert [p.question.trajectory.number for p in top] == [4] * 10 + [9]


def test_results_break_support_down_by_region_and_type(client, site):
    breakdowns = client.get(reverse("results")).context["breakdowns"]
    regions = {row["label"]: row for row in breakdowns["regions"]}
    assert sum(row["total"] for row in regions.values()) == 60
    assert len(regions) == 6
    for row in regions.values():
        assert row["agree"] + row["mixed"] + row["disagree"] == row["total"] == 10


def test_the_consensus_list_prefers_what_every_region_approves(client, site):
    everyone = site.proposals[0]
    split = site.proposals[1]
    # Reset two proposals' votes to controlled patterns.
    everyone.votes.all().delete()
    split.votes.all().delete()
    cast_votes((everyone, voter, "agree") for voter in site.voters)
    cast_votes(
        (split, voter, "agree" if i < 3 else "disagree")
        for i, voter in enumerate(site.voters)
    )
    consensus = client.get(reverse("results")).context["consensus"]
    ranked = [proposal.pk for proposal, _ in consensus]
    assert ranked[0] == everyone.pk
    score = {p.pk: s for p, s in consensus}[everyone.pk]
    assert score == pytest.approx((2 / 3) ** 6)
    assert ranked.index(split.pk) > 0 if split.pk in ranked else True


def test_the_divisive_list_ranks_by_the_smaller_side(client, site):
    divisive = list(client.get(reverse("results")).context["divisive"])
    splits = [min(p.agree_count, p.disagree_count) for p in divisive]
    assert splits == sorted(splits, reverse=True)
    assert all(p.agree_count and p.disagree_count for p in divisive)


def test_the_coverage_lists_who_has_not_taken_part(client, site):
    coverage = client.get(reverse("results")).context["coverage"]
    missing = {region["code"] for region in coverage["missing_regions"]}
    assert missing == {
        "02", "03", "04", "06", "24", "27", "28", "32", "44", "52", "75", "94",
    }  # fmt: skip
    assert "Citoyen·ne" in coverage["missing_organisation_types"]
    assert "Coopérative" not in coverage["missing_organisation_types"]
    page = content(client.get(reverse("results")))
    assert "12 régions n’ont ni proposé ni voté" in page


def test_the_results_page_has_text_alternatives_to_its_charts(client, site):
    # How it prints is tested in a browser: tests/e2e/test_print.py.
    page = content(client.get(reverse("results")))
    assert '<caption id="votes-par-region">Votes par région</caption>' in page
    assert '<th scope="col">' in page
    # The table scrolls in a region named by its caption, which the keyboard reaches.
    assert (
        '<div class="table-responsive" tabindex="0" role="region"'
        ' aria-labelledby="votes-par-region">'
    ) in page


# --- Open data -------------------------------------------------------------------


def test_the_json_export_follows_the_contract(client, site):
    workshop = ProposalFactory(
        question=site.questions[1], author=None, source="workshop", region=None
    )
    response = client.get(reverse("open_data_json"))
    assert response["Content-Type"] == "application/json"
    data = json.loads(content(response))
    # The contract's keys, and those added since (open data only grows).
    assert set(data) == {
        "consultation",
        "licence",
        "generated_at",
        "themes",
        "workshops",
    }
    assert data["consultation"] == {
        "title": "Consultation des trajectoires",
        "slug": site.consultation.slug,
        "phase": "contributions",
    }
    assert data["licence"] == "Licence Ouverte 2.0"
    [theme] = data["themes"]
    assert set(theme) == {"title", "position", "trajectories"}
    [trajectory] = theme["trajectories"]
    assert (trajectory["number"], trajectory["title"]) == (
        4,
        "Dans 10 ans, l'ESS coopérera",
    )
    assert [q["text"] for q in trajectory["questions"]] == [
        "Comment coopérer ?",
        "Avec qui coopérer ?",
    ]
    proposals = [p for q in trajectory["questions"] for p in q["proposals"]]
    assert len(proposals) == 11
    for question in trajectory["questions"]:
        ids = [p["id"] for p in question["proposals"]]
        assert ids == sorted(ids)
    first = next(p for p in proposals if p["id"] == site.proposals[0].pk)
    site.proposals[0].refresh_from_db()
    assert first == {
        "id": site.proposals[0].pk,
        "text": "Proposition publique n°0",
        "source": "online",
        "region": "11",
        "organisation_type": "association",
        "votes": {
            "agree": site.proposals[0].agree_count,
            "mixed": site.proposals[0].mixed_count,
            "disagree": site.proposals[0].disagree_count,
        },
        "status": "published",  # added later: the contract's keys stay as they were
        "workshops": [],
        "answer": None,
        "arguments": {"for": 0, "against": 0},
        "exposures": 0,
        "votes_per_1000_exposures": None,
        "carried_by": {"organisations": 1, "regions": 1},
        "cosigners": [],
        "merged_into": None,
    }
    from_workshop = next(p for p in proposals if p["id"] == workshop.pk)
    assert (from_workshop["region"], from_workshop["organisation_type"]) == (None, None)


def test_the_csv_export_follows_the_contract(client, site):
    response = client.get(reverse("open_data_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(content(response))))
    assert rows[0][:12] == [
        "id", "theme", "trajectory_number", "trajectory", "question", "text", "source",
        "region", "organisation_type", "agree", "mixed", "disagree",
    ]  # fmt: skip
    # Added later, at the end.
    assert rows[0][12:] == [
        "status", "workshops", "answer_state", "answer",
        "arguments_for", "arguments_against", "exposures", "carriers",
        "carrier_regions", "merged_into",
    ]  # fmt: skip
    assert len(rows) == 11
    ids = [int(row[0]) for row in rows[1:]]
    assert ids == sorted(ids)
    proposal = site.proposals[0]
    proposal.refresh_from_db()
    assert rows[1] == [
        str(proposal.pk),
        "UNE ÉCONOMIE QUI COOPÈRE",
        "4",
        "Dans 10 ans, l'ESS coopérera",
        proposal.question.text,
        "Proposition publique n°0",
        "online",
        "11",
        "association",
        str(proposal.agree_count),
        str(proposal.mixed_count),
        str(proposal.disagree_count),
        "published",
        "",
        "",
        "",
        "0",
        "0",
        "0",
        "1",
        "1",
        "",
    ]


# --- Information pages -------------------------------------------------------------


def test_the_information_pages_have_default_content_editable_by_staff(
    client, site, moderator
):
    page = content(client.get(reverse("site_page", args=["accessibilite"])))
    assert "RGAA" in page
    client.force_login(moderator)
    from consultation.models import SitePage

    accessibility = SitePage.objects.get(slug="accessibilite")
    response = client.post(
        reverse("admin:consultation_sitepage_change", args=[accessibility.pk]),
        {"title": "Accessibilité", "body": "Audit prévu en <b>mars</b>."},
    )
    assert response.status_code == 302
    page = content(client.get(reverse("site_page", args=["accessibilite"])))
    assert "Audit prévu en &lt;b&gt;mars&lt;/b&gt;." in page


def test_an_unknown_page_is_a_french_404(client, site):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in content(response)


def test_every_page_has_one_h1_a_skip_link_landmarks_and_the_language(client, site):
    for name in ("home", "theme", "trajectory", "proposal", "results", "accessibility"):
        page = content(client.get(public_urls(site)[name]))
        assert page.count("<h1") == 1, name
        assert 'href="#contenu"' in page and '<main id="contenu"' in page
        assert "<header" in page and "<footer" in page and "<nav" in page
        assert '<html lang="fr">' in page


# --- Languages -------------------------------------------------------------------

ENGLISH = {
    "home": "The consultation in figures",
    "theme": "This theme's trajectories",
    "trajectory": "Filter the proposals",
    "trajectory_filtered": "Best ranked",
    "proposal": "Vote distribution",
    "results": "What brings every region together",
    "accessibility": "Skip to content",
    "legal": "Legal notice",
    "privacy": "Personal data",
}
FRENCH = {
    "home": "La consultation en chiffres",
    "theme": "Trajectoires de ce thème",
    "trajectory": "Filtrer les propositions",
    "trajectory_filtered": "Les mieux classées",
    "proposal": "Répartition des votes",
    "results": "Ce qui rassemble toutes les régions",
    "accessibility": "Aller au contenu",
    "legal": "Mentions légales",
    "privacy": "Données personnelles",
}


@pytest.mark.parametrize("page", list(FRENCH))
def test_every_page_renders_in_french_by_default(client, site, page):
    html = content(client.get(public_urls(site)[page]))
    assert '<html lang="fr">' in html
    assert FRENCH[page] in html


@pytest.mark.parametrize("page", list(ENGLISH))
def test_every_page_renders_in_english_when_chosen(client, site, page):
    client.cookies["django_language"] = "en"
    html = content(client.get(public_urls(site)[page]))
    assert '<html lang="en">' in html
    assert ENGLISH[page] in html
    assert FRENCH[page] not in html or page in ("legal", "privacy")


def test_the_language_switcher_sets_english_and_returns_to_the_page(client, site):
    url = site.trajectory.get_absolute_url()
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response.url == url
    assert "Filter the proposals" in content(client.get(url))


def test_english_is_chosen_from_the_browser_language(client, site):
    html = content(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"))
    assert "The consultation in figures" in html


# --- Caching --------------------------------------------------------------------------


def test_cached_pages_serve_without_queries_to_the_results(
    client, site, django_assert_max_num_queries
):
    url = reverse("results")
    client.get(url)
    with django_assert_max_num_queries(3):  # session and consultation only
        assert client.get(url).status_code == 200


def test_a_vote_shows_in_the_exports_once_the_freshness_is_past_and_refreshed(
    client, site, settings
):
    import time

    from proposals import services

    settings.RESULTS_CACHE_SECONDS = 1
    proposal = site.proposals[0]
    proposal.refresh_from_db()
    before = proposal.agree_count
    exported = lambda: next(  # noqa: E731
        p["votes"]["agree"]
        for t in json.loads(content(client.get(reverse("open_data_json"))))["themes"]
        for tr in t["trajectories"]
        for q in tr["questions"]
        for p in q["proposals"]
        if p["id"] == proposal.pk
    )
    assert exported() == before
    services.vote_cast(proposal=proposal, voter=UserFactory(), choice="agree")
    assert exported() == before  # still the cached copy
    time.sleep(1.1)
    assert exported() == before  # stale: served at once, refreshed after it
    assert exported() == before + 1


def test_a_rejected_proposal_leaves_every_cached_page_at_once(
    client, site, moderator, django_capture_on_commit_callbacks
):
    from proposals import services

    proposal = site.proposals[0]
    urls = [
        reverse("results"),
        reverse("open_data_json"),
        reverse("open_data_csv"),
    ]
    for url in urls:
        assert proposal.text in content(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(
            proposal=proposal, moderator=moderator, reason="Propos injurieux"
        )
    for url in urls:
        assert proposal.text not in content(client.get(url)), url


def test_a_page_number_in_other_digits_gives_the_first_page(client, site):
    """« ² » or « ٣ » are digits to Python, not page numbers: the list's first page,
    as for any page number it cannot read."""
    url = site.trajectory.get_absolute_url()
    for query in ("?page=²", "?sort=best&page=²", "?region=53&page=٣"):
        response = client.get(url + query)
        assert response.status_code == 200, query
        assert response.context["page_obj"].number == 1
