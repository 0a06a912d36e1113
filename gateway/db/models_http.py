"""Tables of the HTTP layer: per-principal cost buckets and trusted documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.models import Base
from gateway.db.types import UtcDateTime


class SeauCout(Base):
    """The leaky bucket of query cost of one key under one policy (``gateway.limiter``):
    its level when last poured into, and when (seconds since the epoch, so that the
    drain is plain arithmetic on both databases)."""

    __tablename__ = "seau_cout"

    politique: Mapped[str] = mapped_column(String(60), primary_key=True)
    cle: Mapped[str] = mapped_column(String(200), primary_key=True)
    niveau: Mapped[float] = mapped_column(Float)
    instant: Mapped[float] = mapped_column(Float)
    # Whether the last pour fitted (read back by the same statement).
    accepte: Mapped[bool] = mapped_column(Boolean)


class DocumentConfiance(Base):
    """A GraphQL document an operator trusts (``gateway documents add``), by the
    SHA-256 of its text: when only trusted documents are allowed, nothing else runs."""

    __tablename__ = "document_confiance"

    empreinte: Mapped[str] = mapped_column(String(64), primary_key=True)
    texte: Mapped[str] = mapped_column(Text)
    nom: Mapped[str | None] = mapped_column(String(200))
    ajoute_le: Mapped[datetime] = mapped_column(UtcDateTime)
