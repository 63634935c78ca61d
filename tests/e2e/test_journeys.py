"""What people do on the site, in a real browser."""

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from playwright.sync_api import expect

from proposals.models import Proposal, Status, Vote, preferences_of
from tests.e2e.conftest import PASSWORD, log_in
from tests.factories import UserFactory, cast_votes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PROPOSAL = "Créer un guichet unique régional pour les porteurs de projet"


def test_the_whole_journey_from_reading_to_results(page, browser, live_server, world):
    base = live_server.url
    trajectory_url = f"{base}{world['trajectory'].get_absolute_url()}"

    # A visitor reads a trajectory, then signs up for their organisation.
    page.goto(trajectory_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("écosystème")
    expect(page.get_by_text("Proposition déjà publiée numéro 1")).to_be_visible()
    page.get_by_role("link", name="Créer un compte").first.click()
    page.locator("#id_email").fill("contact@coop-parcours.fr")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_organisation").fill("Coopérative du Parcours")
    page.locator("#id_organisation_type").select_option("cooperative")
    page.locator("#id_region").select_option("53")
    page.locator("#id_accept_terms").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Mon espace")).to_be_visible()

    # The confirmation link is read from the mail the site sent.
    [message] = [m for m in mail.outbox if "contact@coop-parcours.fr" in m.to]
    link = re.search(r"https?://\S+/compte/confirmer/\S+/", message.body).group(0)
    page.goto(base + link[link.index("/compte/") :])
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_text("Votre adresse e-mail est confirmée")).to_be_visible()

    # The new participant submits a proposal; it waits for moderation.
    page.goto(trajectory_url)
    page.locator(".propose-section summary").click()
    page.locator("#id_text").fill(NEW_PROPOSAL)
    page.get_by_role("button", name="Envoyer ma proposition").click()
    expect(page.get_by_role("status").get_by_text("Merci !")).to_be_visible()
    proposal = Proposal.objects.get(text=NEW_PROPOSAL)
    assert proposal.status == Status.PENDING

    # A moderator publishes it in the admin.
    moderator = UserFactory(
        email="moderation@exemple.fr", organisation="", is_staff=True
    )
    moderator.groups.add(Group.objects.get(name="Modérateurs"))
    admin = browser.new_context(locale="fr-FR").new_page()
    admin.goto(f"{base}/admin/login/")
    admin.locator("#id_username").fill(moderator.email)
    admin.locator("#id_password").fill(PASSWORD)
    admin.get_by_role("button", name="Connexion").click()
    admin.goto(f"{base}/admin/proposals/proposal/{proposal.pk}/change/")
    admin.get_by_role("button", name="Publier", exact=True).click()
    expect(admin.get_by_text("Proposition publiée.")).to_be_visible()

    # A second organisation votes « D'accord », then changes to « Mitigé ».
    second = UserFactory(email="asso@exemple.fr", organisation="Association Seconde")
    voter = browser.new_context(locale="fr-FR").new_page()
    log_in(voter, base, second.email)
    voter.goto(trajectory_url)
    card = voter.locator(f"#proposal-{proposal.pk}")
    card.get_by_role("button", name="D’accord", exact=True).click()
    expect(card.get_by_role("button", name="D’accord", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    card.get_by_role("button", name="Mitigé").click()
    expect(card.get_by_role("button", name="Mitigé")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card.get_by_role("button", name="D’accord", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(card.get_by_text("1 mitigé")).to_be_visible()
    expect(card.get_by_text("Votre vote : Mitigé")).to_be_visible()
    # The block is redrawn from the server's answer: removed, then cast again.
    card.get_by_role("button", name="Retirer mon vote").click()
    expect(card.get_by_text("Pas encore de vote.")).to_be_visible()
    expect(card.get_by_role("button", name="Retirer mon vote")).to_be_hidden()
    expect(card.get_by_role("button", name="Mitigé")).to_have_attribute(
        "aria-pressed", "false"
    )
    card.get_by_role("button", name="Mitigé").click()
    expect(card.locator(".vote-bar rect.vote-mixed")).to_have_count(1)
    expect(card.get_by_text("1 mitigé (100\u202f%)")).to_be_visible()
    voter.reload()
    expect(card.get_by_text("1 mitigé (100\u202f%)")).to_be_visible()
    expect(card.get_by_text("Votre vote : Mitigé")).to_be_visible()
    assert Vote.objects.get(proposal=proposal).choice == "mixed"

    # Four more organisations vote: with five votes it is ranked, on the results page.
    cast_votes((proposal, UserFactory(), "agree") for _ in range(4))
    page.goto(f"{base}/resultats/")
    ranked = page.locator("#classement .ranking-item", has_text=NEW_PROPOSAL)
    expect(ranked).to_contain_text("1 mitigé")


def test_voting_with_the_keyboard_only(page, live_server, world):
    voter = UserFactory(email="clavier@exemple.fr")
    log_in(page, live_server.url, voter.email)
    target = world["proposals"][1]
    page.goto(f"{live_server.url}{world['trajectory'].get_absolute_url()}")
    agree = page.locator(f"#proposal-{target.pk} button[value='agree']")

    # Tab through the page until the button has the focus, then press Enter.
    for _ in range(300):
        page.keyboard.press("Tab")
        if agree.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("The vote button cannot be reached with the Tab key.")
    page.keyboard.press("Enter")
    expect(agree).to_have_attribute("aria-pressed", "true")
    # The focus stays on the chosen button after the in-place update.
    assert page.locator(f"#proposal-{target.pk} button[value='agree']").evaluate(
        "button => button === document.activeElement"
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    mixed = page.locator(f"#proposal-{target.pk} button[value='mixed']")
    expect(mixed).to_have_attribute("aria-pressed", "true")
    assert Vote.objects.get(proposal=target, voter=voter).choice == "mixed"


def test_switching_the_language_to_english(page, live_server, world):
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # One click on the other language, no separate submit button.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Français")).to_be_visible()
    expect(
        page.get_by_role("heading", name="The consultation in figures")
    ).to_be_visible()
    page.goto(f"{live_server.url}{world['trajectory'].get_absolute_url()}")
    expect(page.get_by_role("heading", name="The proposals")).to_be_visible()


def test_a_phone_sized_screen(browser, live_server, world):
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
    )
    page = context.new_page()
    for path in ("/", world["trajectory"].get_absolute_url(), "/resultats/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    voter = UserFactory(email="mobile@exemple.fr")
    log_in(page, live_server.url, voter.email)
    page.goto(f"{live_server.url}{world['trajectory'].get_absolute_url()}")
    card = page.locator(f"#proposal-{world['proposals'][0].pk}")
    card.get_by_role("button", name="Pas d’accord").tap()
    expect(card.get_by_role("button", name="Pas d’accord")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_lost_vote_request_falls_back_to_the_form_with_the_chosen_button(
    page, live_server, world
):
    target = world["proposals"][0]
    voter = UserFactory(email="reseau-coupe@exemple.fr")
    log_in(page, live_server.url, voter.email)
    page.goto(f"{live_server.url}{world['trajectory'].get_absolute_url()}")
    card = page.locator(f"#proposal-{target.pk}")
    card.get_by_role("button", name="D’accord", exact=True).click()
    expect(card.get_by_role("button", name="D’accord", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    # The network drops the script's request; the form is then posted by the browser.
    def drop_the_script_request(route):
        if "application/json" in (route.request.headers.get("accept") or ""):
            route.abort()
        else:
            route.continue_()

    page.route("**/voter/", drop_the_script_request)
    card.get_by_role("button", name="Pas d’accord").click()
    card = page.locator(f"#proposal-{target.pk}")
    expect(card.get_by_role("button", name="Pas d’accord")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert Vote.objects.get(proposal=target, voter=voter).choice == "disagree"


def test_an_argument_given_then_reported(browser, live_server, world):
    """An organisation gives its argument « contre » without JavaScript's help; another
    reads it in the right column and reports it; it waits in the admin's queue."""
    from proposals.models import Argument

    base = live_server.url
    proposal = world["proposals"][2]
    author = UserFactory(email="argument@exemple.fr", organisation="Mutuelle du Débat")
    page = browser.new_context(locale="fr-FR").new_page()
    log_in(page, base, author.email)
    page.goto(f"{base}{proposal.get_absolute_url()}")
    form = page.locator("form.argument-form")
    form.get_by_label("Contre").check()
    form.get_by_label("Votre argument").fill(
        "Les moyens manquent déjà pour les dispositifs existants."
    )
    form.get_by_role("button", name="Publier mon argument").click()
    expect(page.get_by_text("Votre argument est publié.")).to_be_visible()
    column = page.locator(".argument-column-against")
    expect(column).to_contain_text("Les moyens manquent déjà")
    expect(column).to_contain_text("Mutuelle du Débat")
    expect(page.locator("form.argument-form")).to_have_count(0)

    reader = UserFactory(email="lectrice@exemple.fr")
    other = browser.new_context(locale="fr-FR").new_page()
    log_in(other, base, reader.email)
    other.goto(f"{base}{proposal.get_absolute_url()}")
    other.locator(".argument-column-against").get_by_role(
        "link", name="Signaler cet argument"
    ).click()
    other.get_by_label("Hors sujet").check()
    other.get_by_role("button", name="Signaler").click()
    expect(other.get_by_text("examinera cet argument")).to_be_visible()
    argument = Argument.objects.get(proposal=proposal)
    assert list(Argument.objects.to_review()) == [argument]
    assert argument.reports.get().reporter == reader


def test_a_proposal_cosigned_by_an_invited_organisation(browser, live_server, world):
    """The author invites an organisation by its account's e-mail; it cosigns from
    « Mon espace »; the proposal's page then names it and counts its region."""
    from consultation.models import Region

    base = live_server.url
    author = UserFactory(email="autrice@exemple.fr", organisation="Coopérative Autrice")
    proposal = world["proposals"][0]
    Proposal.objects.filter(pk=proposal.pk).update(author=author)
    friend = UserFactory(
        email="amie@exemple.fr",
        organisation="Fondation Amie",
        region=Region.objects.get(code="53"),
    )

    page = browser.new_context(locale="fr-FR").new_page()
    log_in(page, base, author.email)
    page.goto(f"{base}{proposal.get_absolute_url()}")
    page.get_by_label("Adresse e-mail du compte de l’organisation").fill(friend.email)
    page.get_by_role("button", name="Inviter", exact=True).click()
    expect(page.get_by_text("Invitation enregistrée")).to_be_visible()
    expect(page.locator(".cosigner-invitations")).to_contain_text(friend.email)

    other = browser.new_context(locale="fr-FR").new_page()
    log_in(other, base, friend.email)
    other.goto(f"{base}/mon-espace/")
    invitation = other.locator(".cosignature-invitation")
    expect(invitation).to_contain_text("Coopérative Autrice")
    invitation.get_by_role("button", name="Cosigner").click()
    expect(
        other.get_by_text("Votre organisation cosigne cette proposition.")
    ).to_be_visible()

    reader = browser.new_context(locale="fr-FR").new_page()
    reader.goto(f"{base}{proposal.get_absolute_url()}")
    carriers = reader.locator("#cosignataires")
    expect(carriers).to_contain_text("Fondation Amie")
    expect(carriers).to_contain_text("portée par 2 organisations")


def test_a_follower_is_told_of_the_answer_and_stops_in_one_click(
    browser, live_server, world
):
    """An organisation follows a proposal from its page and finds it in « Mon
    espace »; the official answer then reaches it by mail, whose link stops them."""
    from django.core.management import call_command

    from proposals import services

    base = live_server.url
    follower = UserFactory(email="suiveuse@exemple.fr", organisation="Réseau Suiveur")
    proposal = world["proposals"][1]
    page = browser.new_context(locale="fr-FR").new_page()
    log_in(page, base, follower.email)
    page.goto(f"{base}{proposal.get_absolute_url()}")
    page.get_by_role("button", name="Suivre", exact=True).click()
    expect(page.get_by_text("Vous suivez cette proposition")).to_be_visible()
    expect(
        page.get_by_role("button", name="Suivie ✓ — ne plus suivre")
    ).to_have_attribute("aria-pressed", "true")
    page.goto(f"{base}/mon-espace/")
    expect(page.locator("#notifications")).to_contain_text(proposal.text[:30])

    answerer = UserFactory(organisation="", is_staff=True)
    answerer.user_permissions.add(Permission.objects.get(codename="answer_proposal"))
    services.proposal_answer(
        proposal=proposal, author=answerer, state="studying", text="À l'étude."
    )
    call_command("send_notifications", stdout=io.StringIO())
    told = [message for message in mail.outbox if message.to == [follower.email]]
    assert len(told) == 1
    assert "À l'étude." in told[0].body
    link = told[0].extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(base + link[link.index("/compte/") :])
    page.get_by_role("button", name="Ne plus recevoir ces e-mails").click()
    expect(page.get_by_text("C’est fait")).to_be_visible()
    follower.refresh_from_db()
    assert not preferences_of(follower).wants("followed_answered")
