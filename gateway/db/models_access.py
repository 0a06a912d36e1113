"""Persistence of access control: OAuth2 clients, refresh tokens, rate-limit
slots, password-reset codes (SPEC §9–§10).

Secrets are never stored in clear: a client secret is an argon2 hash (it is chosen by
us but long-lived, like a password); refresh tokens and reset codes are random values
of at least 60 bits, stored as their SHA-256 digest so they can be looked up.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.models import Base
from gateway.db.types import UtcDateTime


class ClientOAuth(Base):
    """A practice-management tool acting for one cabinet, within its scopes (SPEC §10)."""

    __tablename__ = "client_oauth"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    cabinet_id: Mapped[int] = mapped_column(ForeignKey("cabinet.id"), index=True)
    nom: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(200))
    # Granted scopes, space-separated as in OAuth2 ("read revenus:write").
    scopes: Mapped[str] = mapped_column(String(200))
    cree_le: Mapped[datetime] = mapped_column(UtcDateTime)
    cree_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    revoque_le: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoque_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class JetonRafraichissement(Base):
    """A refresh token of an interactive login. Rotation revokes the used token and
    issues the next one in the same ``famille``; presenting a revoked token again means
    it leaked, and the whole family is revoked."""

    __tablename__ = "jeton_rafraichissement"

    id: Mapped[int] = mapped_column(primary_key=True)
    utilisateur_id: Mapped[int] = mapped_column(ForeignKey("utilisateur.id"), index=True)
    famille: Mapped[str] = mapped_column(String(32), index=True)
    empreinte: Mapped[str] = mapped_column(String(64), unique=True)
    cree_le: Mapped[datetime] = mapped_column(UtcDateTime)
    expire_le: Mapped[datetime] = mapped_column(UtcDateTime)
    revoque_le: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # ROTATION, DECONNEXION, REUTILISATION, MOT_DE_PASSE.
    motif_revocation: Mapped[str | None] = mapped_column(String(20))


class CreneauLimite(Base):
    """One of the ``maximum`` slots of a rate limit for one key (``gateway.limiter``):
    the time it was last claimed. A slot is free again once that claim has left the
    window; a missing slot is free."""

    __tablename__ = "creneau_limite"
    __table_args__ = (Index("ix_creneau_limite_politique_pris_le", "politique", "pris_le"),)

    politique: Mapped[str] = mapped_column(String(60), primary_key=True)
    cle: Mapped[str] = mapped_column(String(200), primary_key=True)
    rang: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    pris_le: Mapped[datetime] = mapped_column(UtcDateTime)


class CodeReinitialisation(Base):
    """A single-use password-reset code sent by e-mail, valid one hour."""

    __tablename__ = "code_reinitialisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    utilisateur_id: Mapped[int] = mapped_column(ForeignKey("utilisateur.id"), index=True)
    empreinte: Mapped[str] = mapped_column(String(64), unique=True)
    cree_le: Mapped[datetime] = mapped_column(UtcDateTime)
    expire_le: Mapped[datetime] = mapped_column(UtcDateTime)
    utilise_le: Mapped[datetime | None] = mapped_column(UtcDateTime)
