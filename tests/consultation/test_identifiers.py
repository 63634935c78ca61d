import pytest
from django.core.exceptions import ValidationError

from consultation.identifiers import luhn_valid, parse_legal_identifier


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("732829320", ("732829320", "732829320")),
        ("732 829 320", ("732829320", "732829320")),
        ("732.829.320", ("732829320", "732829320")),
        ("73282932000009", ("73282932000009", "732829320")),
        ("732 829 320 00009", ("73282932000009", "732829320")),
        ("w751234567", ("W751234567", "W751234567")),
        # La Poste's establishments: the sum of the digits is a multiple of 5.
        ("35600000000001", ("35600000000001", "356000000")),
    ],
)
def test_valid_identifiers_are_normalised_to_their_organisation_key(value, expected):
    assert parse_legal_identifier(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("123456789", "invalid_siren"),
        ("73282932000001", "invalid_siret"),
        ("12345678200005", "invalid_siret"),
        ("35600000000002", "invalid_siret"),
        ("W12345", "invalid_format"),
        ("ABCDEFGHI", "invalid_format"),
        ("7328293201", "invalid_format"),
    ],
)
def test_invalid_identifiers_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        parse_legal_identifier(value)
    assert error.value.code == code


def test_luhn():
    assert luhn_valid("732829320")
    assert not luhn_valid("732829321")
