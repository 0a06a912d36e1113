"""Identifier checks name the field and say why, in French (SPEC §8)."""

from __future__ import annotations

import pytest

from domain.errors import DomainError
from domain.identifiants import check_bic, check_courriel, check_iban, check_nir, check_siret


def test_valid_identifiers_come_back_normalized() -> None:
    assert check_nir("1 84 12 75 108 042 31") == "184127510804231"
    assert check_siret("732 829 320 00074") == "73282932000074"
    assert check_iban("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert check_bic("bnpafrpp") == "BNPAFRPP"
    assert check_courriel(" Claire.Martin@Example.FR ") == "Claire.Martin@example.fr"


def test_a_corsican_nir_uses_the_19_and_18_substitutions() -> None:
    # 2A → 19 in the key computation: key = 97 − (2690... with 2A as 19) mod 97.
    body = "180052A012345"
    key = 97 - int(body.replace("2A", "19")) % 97
    assert check_nir(f"{body}{key:02d}") == f"{body}{key:02d}"


@pytest.mark.parametrize(
    ("check", "value", "field", "message"),
    [
        (
            check_nir,
            "184127510804232",
            "nir",
            "NIR invalide : la clé de contrôle ne correspond pas.",
        ),
        (check_nir, "18412751080423", "nir", "NIR invalide : la longueur est incorrecte."),
        (
            check_siret,
            "73282932000075",
            "siret",
            "SIRET invalide : la clé de contrôle ne correspond pas.",
        ),
        (
            check_iban,
            "FR7630006000011234567890188",
            "iban",
            "IBAN invalide : la clé de contrôle ne correspond pas.",
        ),
        (check_bic, "BNPA", "bic", "BIC invalide : la longueur est incorrecte."),
    ],
)
def test_a_bad_identifier_is_refused_naming_the_field_and_the_reason(
    check, value, field, message
) -> None:
    with pytest.raises(DomainError) as refused:
        check(value)
    assert (refused.value.field, refused.value.message) == (field, message)


def test_a_bad_email_address_is_refused_with_the_reason() -> None:
    with pytest.raises(DomainError) as refused:
        check_courriel("claire@")
    assert refused.value.field == "courriel"
    assert refused.value.code == "COURRIEL_INVALIDE"
    assert (
        refused.value.message
        == "Adresse électronique invalide : There must be something after the @-sign."
    )
