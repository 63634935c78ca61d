"""
Every refusal carries a stable code beside its sentence (`permissions.Refusal`): the
predicates return them, the services raise them, a script's JSON answer gives both.
Tests may assert the code; the sentences stay tested in the permission matrix.
"""

import ast
import re
from pathlib import Path

from django.urls import reverse

from proposals import permissions, services
from proposals.services import ProposalActionError
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2] / "proposals"
CODE = re.compile(r"[a-z_]+\.[a-z_]+")


def _refusals():
    """(file, line, code, message) of every `Refusal(...)` written in the app."""
    found = []
    for path in [ROOT / "permissions.py", *sorted((ROOT / "services").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Refusal":
                code, message = node.args
                while isinstance(message, ast.BinOp):  # _("…%(x)s") % {…}
                    message = message.left
                translated = getattr(getattr(message, "func", None), "id", "") == "_"
                text = message.args[0].value if translated else None
                found.append((path.name, node.lineno, code.value, text))
    return found


def test_every_refusal_has_a_code_and_each_code_one_sentence():
    refusals = _refusals()
    assert len(refusals) > 50
    sentences = {}
    for name, line, code, text in refusals:
        assert CODE.fullmatch(code), (name, line, code)
        if text is not None:
            sentences.setdefault(code, set()).add(text)
    assert {code: texts for code, texts in sentences.items() if len(texts) > 1} == {}


def test_no_predicate_returns_a_bare_sentence_nor_a_service_raises_one():
    for path in [ROOT / "permissions.py", *sorted((ROOT / "services").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            value = None
            if isinstance(node, ast.Return) and path.name == "permissions.py":
                value = node.value
            raised = isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
            if raised and getattr(node.exc.func, "id", "") == "ProposalActionError":
                value = node.exc.args[0] if node.exc.args else None
            while isinstance(value, ast.BinOp):
                value = value.left
            is_sentence = (
                isinstance(value, ast.Call) and getattr(value.func, "id", "") == "_"
            )
            assert not is_sentence, (path.name, node.lineno)


def test_a_predicate_s_refusal_is_its_sentence_with_a_code(db):
    refusal = permissions.participation_refusal(UserFactory(email_confirmed_at=None))
    assert refusal.code == "account.unconfirmed"
    assert refusal.startswith("Confirmez d")  # a refusal is its sentence


def test_a_service_raises_the_refusal_s_code(published_proposal):
    author = published_proposal.author or UserFactory()
    published_proposal.author = author
    published_proposal.save()
    try:
        services.cosignature_invite(
            proposal=published_proposal, author=author, email=author.email
        )
    except ProposalActionError as error:
        assert error.code == "cosign.self"
    else:
        raise AssertionError("inviting oneself was accepted")


def test_a_refused_vote_answers_json_with_its_code_and_message(
    client, published_proposal
):
    client.force_login(UserFactory(email_confirmed_at=None))
    response = client.post(
        reverse("vote", args=[published_proposal.pk]),
        {"choice": "agree"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 403
    data = response.json()
    assert data["code"] == "account.unconfirmed"
    assert data["message"] == data["error"] and data["message"].startswith("Confirmez")
