"""Money helpers: the one place where amounts are rounded.

Contribution lines are rounded to the euro, the fraction equal to 0.50 counting
for 1 (half up), as the official Urssaf simulator does (SPEC §3); instalments and
surcharges are kept to the cent, half up as well (SPEC §4).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from domain.errors import DomainError

ZERO = Decimal(0)
ONE_EURO = Decimal(1)
ONE_CENT = Decimal("0.01")


def round_euro(amount: Decimal) -> Decimal:
    """Round to the whole euro, half up (0.50 → 1)."""
    return amount.quantize(ONE_EURO, rounding=ROUND_HALF_UP)


def round_cent(amount: Decimal) -> Decimal:
    """Round to the cent, half up."""
    return amount.quantize(ONE_CENT, rounding=ROUND_HALF_UP)


def floor_cent(amount: Decimal) -> Decimal:
    """Round down (toward zero) to the cent: used when splitting an amount."""
    return amount.quantize(ONE_CENT, rounding=ROUND_DOWN)


def to_cents(amount: Decimal) -> int:
    """Exact conversion of a cent-precise amount to integer cents (storage format)."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has more than two decimals")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Integer cents back to a ``Decimal`` with exactly two decimals."""
    # The cents as the coefficient, the exponent -2: exact, and without a division.
    return Decimal(cents).scaleb(-2)


MONTANT_MAX = Decimal(100_000_000)


def check_amount(amount: Decimal, field: str, *, negative_allowed: bool = False) -> Decimal:
    """An input amount: finite, to the cent, plausible (|x| ≤ 100 000 000 €), and not
    negative unless allowed (a declared income may be a loss). Raises a DomainError
    naming ``field`` otherwise."""
    if not amount.is_finite():
        raise DomainError(
            "Montant invalide : un nombre fini est attendu.", field=field, code="MONTANT_INVALIDE"
        )
    if amount < 0 and not negative_allowed:
        raise DomainError(
            "Le montant ne peut pas être négatif.", field=field, code="MONTANT_NEGATIF"
        )
    if abs(amount) > MONTANT_MAX:
        raise DomainError(
            "Montant invraisemblable : plus de 100 000 000 € en valeur absolue.",
            field=field,
            code="MONTANT_INVRAISEMBLABLE",
        )
    if amount != amount.quantize(ONE_CENT):
        raise DomainError(
            "Le montant a plus de deux décimales.", field=field, code="MONTANT_INVALIDE"
        )
    return amount
