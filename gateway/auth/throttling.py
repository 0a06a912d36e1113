"""Login throttling policy (SPEC §9 "throttled logins (THROTTLED, with the delay)").

After ``IDENTIFIANT_LIMIT`` failed attempts for one identifier (failures since its last
successful login), or ``ADRESSE_LIMIT`` from one client address, within ``WINDOW``,
further attempts are refused without checking the password until enough failures
have aged out of the window. Refused attempts are not counted: they cannot extend
the delay.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
IDENTIFIANT_LIMIT = 5
ADRESSE_LIMIT = 20


def seconds_to_wait(failures: Sequence[datetime], limit: int, now: datetime) -> int:
    """Seconds until fewer than ``limit`` of ``failures`` (within the window) remain;
    0 when an attempt is allowed now."""
    recent = sorted(t for t in failures if now - t < WINDOW)
    if len(recent) < limit:
        return 0
    # The attempt becomes possible when the failure that makes the count reach the
    # limit leaves the window.
    frees_at = recent[len(recent) - limit] + WINDOW
    return max(1, math.ceil((frees_at - now).total_seconds()))


def throttled_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Trop de tentatives : réessayez dans {minutes} {unit}."
