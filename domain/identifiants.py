"""Identifier and address checks (SPEC §8), delegated to well-kept pure libraries.

python-stdnum implements the NIR key (97 − number mod 97, Corsica 2A→19, 2B→18),
the Luhn check of SIREN/SIRET (with La Poste's exception) and ISO 13616 IBANs;
email-validator checks e-mail syntax (no DNS look-up: the domain stays pure).
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from stdnum import bic, iban
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.fr import nir, siret

from domain.errors import DomainError


def check_courriel(value: str, field: str = "courriel") -> str:
    """The normalized address, or a DomainError saying what is wrong with it."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise DomainError(
            f"Adresse électronique invalide : {error}", field=field, code="COURRIEL_INVALIDE"
        ) from None


_REASONS: tuple[tuple[type[ValidationError], str], ...] = (
    (InvalidChecksum, "la clé de contrôle ne correspond pas"),
    (InvalidLength, "la longueur est incorrecte"),
    (InvalidFormat, "le format est incorrect"),
    (InvalidComponent, "une partie du numéro est impossible"),
)


def _check(module: object, value: str, field: str, label: str, *, code: str) -> str:
    try:
        return str(module.validate(value))  # type: ignore[attr-defined]
    except ValidationError as error:
        reason = next(
            (text for kind, text in _REASONS if isinstance(error, kind)), "il est mal formé"
        )
        raise DomainError(f"{label} invalide : {reason}.", field=field, code=code) from None


def check_nir(value: str, field: str = "nir") -> str:
    return _check(nir, value, field, "NIR", code="NIR_INVALIDE")


def check_siret(value: str, field: str = "siret") -> str:
    return _check(siret, value, field, "SIRET", code="SIRET_INVALIDE")


def check_iban(value: str, field: str = "iban") -> str:
    return _check(iban, value, field, "IBAN", code="IBAN_INVALIDE")


def check_bic(value: str, field: str = "bic") -> str:
    return _check(bic, value, field, "BIC", code="BIC_INVALIDE")
