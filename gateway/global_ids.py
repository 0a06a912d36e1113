"""Opaque global IDs (Relay): ``base64("Type:key")``, shared by the API and the services."""

from __future__ import annotations

import base64
import binascii


def encode_global_id(type_name: str, key: str | int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def decode_global_id(global_id: str) -> tuple[str, str] | None:
    """``(type name, key)``, or None when the ID is not one of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, key = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not type_name or not key:
        return None
    return type_name, key


def decode_int_id(global_id: str, *type_names: str) -> int | None:
    """The integer key of a global ID of one of ``type_names``; None otherwise."""
    decoded = decode_global_id(global_id)
    if decoded is None or decoded[0] not in type_names or not decoded[1].isdigit():
        return None
    return int(decoded[1])
