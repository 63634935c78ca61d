"""
A region's page, /consultations/<slug>/regions/<code>/, on data where Brittany (53)
and Île-de-France (11) differ: its workshops, its organisations by type, its
proposals, what it supports more or less than the country (under the stated rule),
its official answers; linked from the results' map, in the sitemap, cached, in both
languages.
"""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from consultation.models import Phase
from tests.reading import NARROW, squeeze
from tests.two_regions import two_regions

pytestmark = pytest.mark.django_db


def visible(response):
    """The page's text as a reader sees it (tags out, entities read)."""
    assert response.status_code == 200, response.status_code
    body = re.sub(
        r"<(script|style)\b.*?</\1>", "", response.content.decode(), flags=re.S
    )
    body = re.sub(r"</?(span|a|strong|em|small|code)\b[^>]*>", "", body)  # inline
    return squeeze(html.unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def regions(consultation, answerer):
    return two_regions(consultation, answerer)


def region_url(consultation, code):
    return reverse(
        "consultation_region", kwargs={"slug": consultation.slug, "code": code}
    )


def test_a_regions_page_shows_its_workshops_organisations_proposals_and_answers(
    client, regions, django_assert_max_num_queries
):
    consultation = regions["consultation"]
    with django_assert_max_num_queries(25):
        text = visible(client.get(region_url(consultation, "53")))
    assert "Bretagne" in text
    assert (
        "Rennes, 12 mars 2024 — CRESS Bretagne : 1 proposition publiée, 34 participants"
        in text
    )
    assert "Paris" not in text
    assert "6 organisations de la région ont voté ou proposé." in text
    assert "Coopérative 4" in text and "Association 2" in text
    assert "3 propositions publiées viennent de la région" in text
    assert "L'économie d'abord & ensemble, en Bretagne." in text
    assert "Une proposition des deux ateliers." in text  # its workshop brought it
    assert "Des tiers-lieux franciliens partout." in text  # compared, below
    assert "en attente" not in text
    assert "Retenue : 1" in text and "Réponse : Retenue" in text


def test_what_the_region_supports_more_or_less_than_the_country(client, regions):
    consultation = regions["consultation"]
    text = visible(client.get(region_url(consultation, "53")))
    more = text.split("Plus soutenues dans la région")[1].split("Moins soutenues")[0]
    less = text.split("Moins soutenues dans la région")[1].split("Les réponses")[0]
    percent = f"{NARROW}%"
    assert "L'économie d'abord & ensemble" in more
    assert (
        f"100{percent} d’adhésion dans la région, 50{percent} dans tout le pays "
        "(50 points d’écart)"
    ) in more
    assert "Des tiers-lieux franciliens partout." in less
    assert f"0{percent} d’adhésion dans la région, 50{percent}" in less
    # Supported alike, or without enough votes: in neither list.
    for text_of in ("Une proposition des deux ateliers.", "peu votée"):
        assert text_of not in more and text_of not in less
    assert "au moins 5 votes d’organisations de la région" in text  # the rule, said
    # Île-de-France reads the mirror image.
    other = visible(client.get(region_url(consultation, "11")))
    more = other.split("Plus soutenues dans la région")[1].split("Moins soutenues")[0]
    assert "Des tiers-lieux franciliens partout." in more
    assert "L'économie d'abord" not in more


def test_a_region_without_anything_yet_says_so(client, regions):
    text = visible(client.get(region_url(regions["consultation"], "84")))
    assert "Aucun atelier de la région" in text
    assert "Aucune organisation de la région n’a encore voté ni proposé." in text
    assert (
        "Aucune proposition de la région n’a encore reçu de réponse officielle." in text
    )


def test_unknown_regions_and_private_consultations_are_not_found(client, regions):
    consultation = regions["consultation"]
    assert client.get(region_url(consultation, "99")).status_code == 404
    consultation.phase = Phase.PREPARATION
    consultation.save(update_fields=["phase"])
    assert client.get(region_url(consultation, "53")).status_code == 404


def test_the_results_map_and_the_sitemap_lead_to_the_regions_pages(client, regions):
    consultation = regions["consultation"]
    results = client.get(
        reverse("consultation_results", kwargs={"slug": consultation.slug})
    ).content.decode()
    for code in ("53", "11", "84"):
        assert f'href="{region_url(consultation, code)}"' in results
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert region_url(consultation, "53") in sitemap
    assert region_url(consultation, "11") in sitemap
    assert region_url(consultation, "84") not in sitemap  # nothing there yet


def test_the_page_is_kept_for_anonymous_readers_and_read_in_english(
    regions, django_assert_max_num_queries
):
    url = region_url(regions["consultation"], "53")
    reader = Client()
    first = reader.get(url)
    with django_assert_max_num_queries(2):
        again = reader.get(url)
    assert again.content == first.content
    english = visible(Client().get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Its workshops" in english and "More supported in the region" in english
    assert "6 organisations of the region voted or proposed." in english
