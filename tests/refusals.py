"""Asserting a refusal by its stable code (`permissions.Refusal`), not its wording:
the sentences are tested once, in `tests/proposals/test_permissions.py`."""

from contextlib import contextmanager

import pytest

from proposals.services import ProposalActionError


@contextmanager
def refused(code, error=ProposalActionError):
    """Expect the block to raise `error` with the refusal `code`."""
    with pytest.raises(error) as caught:
        yield caught
    assert caught.value.code == code, f"{caught.value.code}: {caught.value}"
