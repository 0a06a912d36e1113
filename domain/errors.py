"""Domain exceptions: raised by the rules, translated to API errors only at the edge."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request.

    ``field`` names the input the refusal is about (a dotted path such as
    ``"montant"``), ``code`` is a stable machine-readable reason.
    """

    code = "INVALID"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class BaremeIntrouvable(DomainError):
    """No contribution parameters (barème) exist for the requested year."""

    code = "BAREME_INTROUVABLE"
