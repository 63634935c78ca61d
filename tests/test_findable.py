"""Findable and reusable: robots.txt, a sitemap, Atom feeds of newly published
proposals, canonical addresses on pages that answer at two, and what a shared link
shows (OpenGraph and Twitter meta)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from proposals.models import Status
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(
    client, settings
):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for private in (f"/{settings.ADMIN_PATH}", "/mon-espace/", "/compte/"):
        assert f"Disallow: {private}" in text


def test_the_sitemap_lists_the_public_pages_only(
    client, question, django_assert_max_num_queries
):
    published = ProposalFactory.create_batch(3, question=question)
    hidden = ProposalFactory(question=question, status=Status.PENDING)
    # A query or two a section (pages, consultations, themes, trajectories, proposals,
    # regions), whatever the data.
    with django_assert_max_num_queries(9) as small:
        xml = client.get("/sitemap.xml").content.decode()
    trajectory = question.trajectory
    slug = trajectory.consultation.slug
    for path in (
        "/",
        "/consultations/",
        "/open-data/",
        f"/consultations/{slug}/",
        trajectory.get_absolute_url(),
        trajectory.theme.get_absolute_url(),
        f"/consultations/{slug}/regions/76/",  # the region of the proposals' authors
        *(p.get_absolute_url() for p in published),
    ):
        assert f"<loc>http://testserver{path}</loc>" in xml, path
    assert hidden.get_absolute_url() not in xml
    ProposalFactory.create_batch(40, question=question)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/sitemap.xml")


def test_atom_feeds_of_new_proposals_for_the_consultation_and_a_trajectory(
    client, question
):
    first = ProposalFactory(question=question, text="Première publiée")
    ProposalFactory(question=question, text="Seconde publiée")
    ProposalFactory(question=question, status=Status.PENDING, text="Pas encore")
    for url in (
        reverse("proposal_feed"),
        question.trajectory.get_absolute_url() + "flux/",
    ):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml"), url
        feed = response.content.decode()
        assert feed.index("Seconde publiée") < feed.index("Première publiée")
        assert "Pas encore" not in feed
        assert f"http://testserver{first.get_absolute_url()}" in feed


def test_a_page_at_two_addresses_names_its_canonical_one(client, question):
    trajectory = question.trajectory
    page = client.get(f"/trajectoires/{trajectory.number}/").content.decode()
    assert (
        f'<link rel="canonical" href="http://testserver{trajectory.get_absolute_url()}">'
        in page
    )
    home = client.get("/").content.decode()
    slug = trajectory.consultation.slug
    assert (
        f'<link rel="canonical" href="http://testserver/consultations/{slug}/">' in home
    )


def sharing_meta(page):
    return dict(
        re.findall(
            r'<meta (?:property|name)="((?:og|twitter):[a-z:_]+)"\s+content="([^"]*)"',
            page,
        )
    )


def test_every_public_page_says_what_a_shared_link_shows(client, question):
    proposal = ProposalFactory(question=question, text="Ouvrir des tiers-lieux")
    trajectory = question.trajectory
    slug = trajectory.consultation.slug
    for path in (
        "/",
        "/consultations/",
        f"/consultations/{slug}/",
        trajectory.theme.get_absolute_url(),
        trajectory.get_absolute_url(),
        proposal.get_absolute_url(),
        "/resultats/",
        "/open-data/",
        "/compte/connexion/",
    ):
        page = client.get(path).content.decode()
        meta = sharing_meta(page)
        title = re.search(r"<title>(.*?) — Trajectoires ESS</title>", page).group(1)
        assert meta["og:title"] == title and title, path
        assert meta["og:description"], path
        assert meta["og:url"].startswith("http://testserver/"), path
        assert meta["og:image"].startswith("http://testserver/static/img/partage"), path
        assert meta["twitter:card"] == "summary_large_image"
    assert (ROOT / "static" / "img" / "partage.png").exists()
    proposal_meta = sharing_meta(
        client.get(proposal.get_absolute_url()).content.decode()
    )
    assert "Ouvrir des tiers-lieux" in proposal_meta["og:title"]
    # A page reachable at two addresses shares its canonical one.
    assert (
        sharing_meta(
            client.get(f"/trajectoires/{trajectory.number}/").content.decode()
        )["og:url"]
        == f"http://testserver{trajectory.get_absolute_url()}"
    )


def region_options(page, select_name):
    select = re.search(rf'<select name="{select_name}".*?</select>', page, re.S).group(
        0
    )
    return re.findall(r"<option[^>]*>([^<]+)</option>", select)


def test_regions_are_listed_in_french_alphabetical_order(client, question):
    signup = region_options(
        client.get("/compte/inscription/").content.decode(), "region"
    )
    trajectory = client.get(question.trajectory.get_absolute_url()).content.decode()
    for names in (signup[1:], region_options(trajectory, "region")[1:]):
        assert len(names) == 18
        assert names.index("Hauts-de-France") < names.index("Île-de-France")
        assert names.index("Île-de-France") < names.index("La Réunion")
        assert names[-1] == "Provence-Alpes-Côte d'Azur" or names[-1].startswith(
            "Provence"
        )
