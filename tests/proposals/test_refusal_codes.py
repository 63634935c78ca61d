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
SERVICES = sorted((ROOT / "services").glob("*.py"))


def _sentence(node):
    """The French text of `_("…")` (or `_("…%(x)s") % {…}`), or None."""
    while isinstance(node, ast.BinOp):
        node = node.left
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"_", "ngettext"}:
        return node.args[0].value
    return None


def _refusals():
    """(line, code, sentence) of every refusal written in `permissions.py`: each
    `Refusal("code", …)` and each entry of `race_refusal`'s table."""
    found = []
    for node in ast.walk(ast.parse((ROOT / "permissions.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Refusal":
            code, message = node.args
            if isinstance(code, ast.Constant):
                found.append((node.lineno, code.value, _sentence(message)))
        if isinstance(node, ast.FunctionDef) and node.name == "race_refusal":
            table = next(n for n in ast.walk(node) if isinstance(n, ast.Dict))
            for key, value in zip(table.keys, table.values, strict=True):
                found.append((key.lineno, key.value, _sentence(value)))
    return found


def test_every_refusal_has_a_code_and_each_code_one_sentence():
    refusals = _refusals()
    assert len(refusals) > 60
    sentences = {}
    for line, code, text in refusals:
        assert CODE.fullmatch(code), (line, code)
        if text is not None:
            sentences.setdefault(code, set()).add(text)
    assert {code: texts for code, texts in sentences.items() if len(texts) > 1} == {}


def test_every_refusal_is_worded_in_permissions_and_services_only_raise_them():
    """A service raises what a predicate of `permissions` returns: no sentence, no
    `Refusal` of its own, no code `race_refusal` does not know."""
    races = {code for _line, code, _text in _refusals()}
    for path in SERVICES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                assert name != "Refusal", (path.name, node.lineno)
                if name == "race_refusal":
                    assert node.args[0].value in races, (path.name, node.lineno)
            raised = isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
            if raised and getattr(node.exc.func, "id", "") == "ProposalActionError":
                assert _sentence(node.exc.args[0]) is None, (path.name, node.lineno)
    for node in ast.walk(ast.parse((ROOT / "permissions.py").read_text())):
        if isinstance(node, ast.Return):
            assert _sentence(node.value) is None, node.lineno


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
