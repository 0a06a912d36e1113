"""Persistence of events and webhooks.

``evenement`` is append-only; its ``sequence`` is assigned from the one-row counter
``evenement_compteur`` at the very end of the writing transaction (see
``gateway.events.writing``), which makes it gap-free *as read*.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.evenements import TypeEvenement
from gateway.db.models import Base, enum_column
from gateway.db.types import UtcDateTime


class Evenement(Base):
    """One effective change of an account, in commit order."""

    __tablename__ = "evenement"
    __table_args__ = (Index("ix_evenement_travailleur_sequence", "travailleur_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, unique=True)
    type: Mapped[TypeEvenement] = mapped_column(enum_column(TypeEvenement))
    horodatage: Mapped[datetime] = mapped_column(UtcDateTime)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"))
    # The cabinet a mandate event concerns (it sees the event, ids only); else None.
    cabinet_id: Mapped[int | None] = mapped_column(ForeignKey("cabinet.id"), index=True)
    # The objects concerned, as [type name, id] pairs ("Echeance", 12).
    objets: Mapped[list[Any]] = mapped_column(JSON)
    # A small payload: ids, amounts, statuses as text; never a secret nor health data.
    donnees: Mapped[dict[str, Any]] = mapped_column(JSON)


class CompteurEvenement(Base):
    """The last sequence given out; one row (id 1). Updating it takes its row lock,
    held until commit: that serialises the assignment of sequences in commit order."""

    __tablename__ = "evenement_compteur"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    valeur: Mapped[int] = mapped_column(BigInteger)


class WebhookEndpoint(Base):
    """A URL a cabinet registered to receive its events, signed with ``secret``."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    cabinet_id: Mapped[int] = mapped_column(ForeignKey("cabinet.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200))
    # Event types wanted (TypeEvenement values); empty means every type.
    types: Mapped[list[str]] = mapped_column(JSON)
    # The signing secret ("whsec_" + base64). It must be readable to sign, so it is
    # stored as is; it is shown to the integrator once, at registration.
    secret: Mapped[str] = mapped_column(String(100))
    actif: Mapped[bool] = mapped_column(Boolean, default=True)
    cree_le: Mapped[datetime] = mapped_column(UtcDateTime)
    cree_par: Mapped[str] = mapped_column(String(200))
    # Who is e-mailed when the endpoint is disabled.
    courriel_contact: Mapped[str | None] = mapped_column(String(200))
    # Events up to this sequence have been considered for this endpoint (fan-out cursor).
    derniere_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    # Start of the current run of failures (None after a success).
    en_echec_depuis: Mapped[datetime | None] = mapped_column(UtcDateTime)
    desactive_le: Mapped[datetime | None] = mapped_column(UtcDateTime)
    modifie_le: Mapped[datetime] = mapped_column(UtcDateTime)


class WebhookLivraison(Base):
    """One event to deliver to one endpoint, retried until it is accepted."""

    __tablename__ = "webhook_livraison"
    __table_args__ = (
        Index("ix_webhook_livraison_a_faire", "statut", "prochaine_tentative"),
        Index("ix_webhook_livraison_ordre", "endpoint_id", "travailleur_id", "sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id"))
    evenement_id: Mapped[int] = mapped_column(ForeignKey("evenement.id"), index=True)
    sequence: Mapped[int] = mapped_column(BigInteger)
    travailleur_id: Mapped[int] = mapped_column(Integer)
    # A_LIVRER, LIVREE, ABANDONNEE (retries exhausted), ECARTEE (no longer visible).
    statut: Mapped[str] = mapped_column(String(20))
    tentatives: Mapped[int] = mapped_column(Integer, default=0)
    prochaine_tentative: Mapped[datetime] = mapped_column(UtcDateTime)
    # A sender holds the delivery until then (a crashed sender's claim expires).
    reservee_jusqu_a: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dernier_code: Mapped[int | None] = mapped_column(Integer)
    derniere_erreur: Mapped[str | None] = mapped_column(Text)
    cree_le: Mapped[datetime] = mapped_column(UtcDateTime)
    livree_le: Mapped[datetime | None] = mapped_column(UtcDateTime)
