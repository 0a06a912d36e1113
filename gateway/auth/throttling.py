"""Throttling policies of the public entry points (SPEC §9 "throttled logins (THROTTLED,
with the delay)"), enforced by ``gateway.limiter``.

Each attempt claims a slot BEFORE the expensive or annoying work (an argon2 check or
hash, an e-mail); the claim and its check are one statement, so concurrent requests
and several processes cannot pass more than the limit. Refused attempts claim nothing:
they cannot extend the delay.

- Password checks (``login``): 5 per identifier and 20 per client address in any 15
  minutes. Only failures count: a successful login clears its identifier's claims and
  gives back its address claim.
- OAuth2 token requests (``/oauth/token``), likewise: 5 failed client authentications
  per client id and 20 per address in any 15 minutes.
- ``createAccount``: 10 per client address and 3 per NIR per hour (each costs an
  argon2 hash, and may e-mail the worker).
- ``requestPasswordReset``: 3 e-mails per identifier and 20 requests per address per
  hour (each new code also retires the previous one).
"""

from __future__ import annotations

import math
from datetime import timedelta

from starlette.requests import Request

from gateway.limiter import Limit

WINDOW = timedelta(minutes=15)
LOGIN_PER_IDENTIFIANT = Limit("login.identifiant", 5, WINDOW)
LOGIN_PER_ADRESSE = Limit("login.adresse", 20, WINDOW)
TOKEN_PER_CLIENT = Limit("oauthToken.client", 5, WINDOW)
TOKEN_PER_ADRESSE = Limit("oauthToken.adresse", 20, WINDOW)
CREATE_ACCOUNT_PER_ADRESSE = Limit("createAccount.adresse", 10, timedelta(hours=1))
CREATE_ACCOUNT_PER_NIR = Limit("createAccount.nir", 3, timedelta(hours=1))
RESET_PER_IDENTIFIANT = Limit("requestPasswordReset.identifiant", 3, timedelta(hours=1))
RESET_PER_ADRESSE = Limit("requestPasswordReset.adresse", 20, timedelta(hours=1))


def throttled_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Trop de tentatives : réessayez dans {minutes} {unit}."


def client_address(request: Request | None) -> str:
    """The ASGI peer address (behind a proxy, let the server rewrite it from trusted
    forwarding headers, e.g. uvicorn --proxy-headers)."""
    client = request.client if request is not None else None
    return client.host if client is not None else "inconnue"
