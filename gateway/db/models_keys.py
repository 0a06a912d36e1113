"""Persistence of the token signing keys and of revoked OAuth2 access tokens.

Keys are stored so that every gateway process, on every host, signs and verifies with
the same keys, and a restart keeps tokens valid. A retired key no longer signs but
still verifies until the tokens it signed have expired.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.models import Base
from gateway.db.types import UtcDateTime


class CleSignature(Base):
    """An ES256 signing key (private JWK); the newest non-retired key signs."""

    __tablename__ = "cle_signature"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithme: Mapped[str] = mapped_column(String(16))
    # The private key as a JWK (JSON). Protect the database like any secret store.
    jwk_prive: Mapped[str] = mapped_column(Text)
    cree_le: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    retiree_le: Mapped[datetime | None] = mapped_column(UtcDateTime)


class JetonRevoque(Base):
    """An OAuth2 access token revoked by its client (RFC 7009), kept until it expires."""

    __tablename__ = "jeton_revoque"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(40))
    expire_le: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
