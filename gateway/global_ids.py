"""Opaque global IDs (Relay) and cursors: ``base64("Type:key")``, one strict decoder
shared by the API, the services and the document downloads.

Keys are ASCII digits only, within the range of the column they are compared with:
``str.isdigit()`` accepts "²" (then ``int()`` fails) and ``int()`` accepts "٧" or "７"
as 7, and a key beyond the column's range makes the database driver fail. Anything
else decodes to None, which callers treat exactly like an unknown object.
"""

from __future__ import annotations

import base64
import binascii
import re

# Row ids are INTEGER columns (32-bit signed on PostgreSQL, 64-bit on SQLite): a key
# beyond the narrower range cannot name a row.
MAX_ROW_ID = 2**31 - 1
# A cursor is a row's position: no list holds more rows than an id column can number
# (and offset + limit must stay far from the 64-bit overflow of the SQL arithmetic).
MAX_OFFSET = MAX_ROW_ID

# Canonical decimal: no sign, no leading zero, at most 19 digits (before the range check).
_ASCII_DIGITS = re.compile(r"0|[1-9][0-9]{0,18}")
# A global ID is short; decoding a huge one would only waste time.
MAX_GLOBAL_ID_LENGTH = 200


def encode_global_id(type_name: str, key: str | int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def parse_key(text: str, maximum: int = MAX_ROW_ID) -> int | None:
    """A non-negative integer written in ASCII digits, at most ``maximum``; else None."""
    if _ASCII_DIGITS.fullmatch(text) is None:
        return None
    value = int(text)
    return value if value <= maximum else None


def _unpack(opaque: str) -> tuple[str, str] | None:
    if len(opaque) > MAX_GLOBAL_ID_LENGTH:
        return None
    try:
        padded = opaque + "=" * (-len(opaque) % 4)
        decoded = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)
        kind, _, key = decoded.decode("ascii").partition(":")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    if not kind or not key:
        return None
    return kind, key


def decode_global_id(global_id: str) -> tuple[str, str] | None:
    """``(type name, key)``, or None when the ID is not one of ours. The key is still
    text (composite for some types): read it with :func:`parse_key`."""
    return _unpack(global_id)


def decode_int_id(global_id: str, *type_names: str) -> int | None:
    """The integer key of a global ID of one of ``type_names``; None otherwise."""
    decoded = decode_global_id(global_id)
    if decoded is None or decoded[0] not in type_names:
        return None
    return parse_key(decoded[1])


def decode_typed_id(global_id: str) -> tuple[str, int] | None:
    """``(type name, integer key)`` of a global ID whose key is a row id; else None."""
    decoded = decode_global_id(global_id)
    if decoded is None:
        return None
    key = parse_key(decoded[1])
    return None if key is None else (decoded[0], key)


def decode_cursor(cursor: str) -> int | None:
    """The offset a cursor of an earlier version named (``base64("offset:n")``), to
    refuse it with a clear message; None when it is not one."""
    decoded = _unpack(cursor)
    if decoded is None or decoded[0] != "offset":
        return None
    return parse_key(decoded[1], MAX_OFFSET)
