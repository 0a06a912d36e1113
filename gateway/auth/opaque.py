"""Random secrets handed to users (refresh tokens, provisional passwords, reset codes).

Refresh tokens and reset codes carry at least 60 bits of randomness, so a plain
SHA-256 digest is enough to store them (nothing to brute-force, unlike a password) and
lets us find them by equality. Passwords and client secrets go through argon2.
"""

from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L: codes and passwords are copied by hand from an e-mail.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_PASSWORD_ALPHABET = _ALPHABET + "abcdefghjkmnpqrstuvwxyz"


def new_token() -> str:
    """An opaque bearer secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_family() -> str:
    return secrets.token_hex(16)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def provisional_password() -> str:
    """16 characters (≈ 92 bits), above the 12-character minimum."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))


def reset_code() -> str:
    """12 characters in three groups, e.g. ``K7QF-9XMP-2DHT`` (≈ 59 bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    """What the user typed, compared without separators or case."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
