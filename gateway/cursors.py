"""Keyset cursors: an item's position named by its sort key, opaque and strictly decoded.

A cursor is ``base64url(JSON [kind, value, …])``: ``kind`` names the list and its order
(a cursor of another order or list is refused, not misread), the values are the item's
sort key ending with its id. Paging by key rather than by offset keeps an item whose key
did not change from being repeated or skipped while others are inserted or removed.

:func:`decode` is the one decoder: the cursor must be canonical (what :func:`encode`
would write for the values it holds), of the expected kind, and each value of the
expected kind and range; anything else is None, which callers refuse as bad input.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from gateway.global_ids import MAX_ROW_ID

# Longest cursor accepted: a key holds at most two names of at most 200 characters.
MAX_CURSOR_LENGTH = 2000
MAX_TEXT = 100
# A collaborator's display name (the longest text column of a key).
MAX_LONG_TEXT = 200
# Money in cents: far beyond any account, far below 64-bit arithmetic.
MAX_CENTS = 10**15

Value = str | int | bool | date | datetime | None


class Part(StrEnum):
    """What one value of a key may be."""

    ID = "id"  # a row id
    TEXT = "text"  # a name (at most 100 characters)
    LONG_TEXT = "text200"  # a display name (at most 200 characters)
    CENTS = "cents"  # an amount in integer cents (signed)
    DATE = "date"
    DATE_OR_NONE = "date?"
    BOOL = "bool"
    TIMESTAMP = "timestamp"  # an instant in UTC, to the microsecond


@dataclass(frozen=True, slots=True)
class Window:
    """A checked Relay window: how many items, from which end, between which keys
    (decoded cursors, both exclusive). Hashable: a loader key."""

    limit: int
    backward: bool = False
    after: tuple[Value, ...] | None = None
    before: tuple[Value, ...] | None = None


def _json(value: Value) -> str | int | None:
    # A datetime is a date too: both are written in ISO 8601.
    return value.isoformat() if isinstance(value, date) else value


def _timestamp(raw: object) -> tuple[bool, Value]:
    if not isinstance(raw, str) or len(raw) > 40:
        return False, None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return False, None
    if moment.utcoffset() != timedelta(0) or moment.isoformat() != raw:
        return False, None
    return True, moment


def encode(kind: str, values: Sequence[Value]) -> str:
    data = [kind, *(_json(v) for v in values)]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _part(kind: Part, raw: object) -> tuple[bool, Value]:
    """(valid, value) of one raw JSON value."""
    if kind is Part.ID or kind is Part.CENTS:
        if type(raw) is not int:
            return False, None
        low, high = (0, MAX_ROW_ID) if kind is Part.ID else (-MAX_CENTS, MAX_CENTS)
        return low <= raw <= high, raw
    if kind is Part.TEXT or kind is Part.LONG_TEXT:
        longest = MAX_TEXT if kind is Part.TEXT else MAX_LONG_TEXT
        return isinstance(raw, str) and len(raw) <= longest, raw  # type: ignore[return-value]
    if kind is Part.BOOL:
        return type(raw) is bool, raw  # type: ignore[return-value]
    if kind is Part.TIMESTAMP:
        return _timestamp(raw)
    if kind is Part.DATE_OR_NONE and raw is None:
        return True, None
    if not isinstance(raw, str) or len(raw) != 10:
        return False, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return False, None
    return day.isoformat() == raw, day


def decode(cursor: str, kind: str, shape: Sequence[Part]) -> tuple[Value, ...] | None:
    """The key a cursor of ``kind`` holds, each value checked against ``shape``; None
    when it is not exactly such a cursor."""
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeError, ValueError):
        return None
    if not isinstance(data, list) or len(data) != len(shape) + 1 or data[0] != kind:
        return None
    values: list[Value] = []
    for part, item in zip(shape, data[1:], strict=True):
        valid, value = _part(part, item)
        if not valid:
            return None
        values.append(value)
    key = tuple(values)
    # Canonical only: one cursor per position (no padding, spacing or escaping variant).
    return key if encode(kind, key) == cursor else None
