"""« Ma prévention santé »: ayants droit, recorded actions, reminders, advice.

Health data (GDPR art. 9): every row carries the ``travailleur_id`` of its owner and
is read only through ``gateway.db.repositories.prevention``, filtered on the principal
being that worker (never the account visibility rule, which grants cabinets and agents).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.prevention import LienAyantDroit, Programme, Sexe
from gateway.db.models import Base, enum_column
from gateway.db.types import UtcDateTime


class AyantDroit(Base):
    """A family member declared by the worker: spouse or partner, child."""

    __tablename__ = "ayant_droit"

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    prenom: Mapped[str] = mapped_column(String(100))
    date_naissance: Mapped[date] = mapped_column(Date)
    sexe: Mapped[Sexe] = mapped_column(enum_column(Sexe))
    lien: Mapped[LienAyantDroit] = mapped_column(enum_column(LienAyantDroit))


class ActePrevention(Base):
    """A vaccination or screening done, for the worker (``ayant_droit_id`` null) or
    one of their ayants droit."""

    __tablename__ = "acte_prevention"

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    ayant_droit_id: Mapped[int | None] = mapped_column(ForeignKey("ayant_droit.id"), index=True)
    programme: Mapped[Programme] = mapped_column(enum_column(Programme))
    date_realisation: Mapped[date] = mapped_column(Date)
    numero_lot: Mapped[str | None] = mapped_column(String(40))
    enregistre_le: Mapped[datetime] = mapped_column(UtcDateTime)


class PreferencePrevention(Base):
    """The worker's opt-in to reminder e-mails (no row: not opted in)."""

    __tablename__ = "preference_prevention"

    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), primary_key=True)
    rappels_actifs: Mapped[bool] = mapped_column(Boolean)


class RappelPrevention(Base):
    """One reminder sent per action due date (``personne``: "titulaire" or the
    ayant droit's id), so a second run of the job sends nothing more."""

    __tablename__ = "rappel_prevention"
    __table_args__ = (UniqueConstraint("travailleur_id", "personne", "programme", "date_echeance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    travailleur_id: Mapped[int] = mapped_column(ForeignKey("travailleur.id"), index=True)
    personne: Mapped[str] = mapped_column(String(30))
    programme: Mapped[Programme] = mapped_column(enum_column(Programme))
    date_echeance: Mapped[date] = mapped_column(Date)
    envoye_le: Mapped[datetime] = mapped_column(UtcDateTime)


class ConseilPrevention(Base):
    """A news item of the caisse (``actualite``) published as prevention advice, with
    its age and sex targeting; its professions are the item's targeting rows."""

    __tablename__ = "conseil_prevention"

    actualite_id: Mapped[int] = mapped_column(ForeignKey("actualite.id"), primary_key=True)
    age_min: Mapped[int | None] = mapped_column(Integer)
    age_max: Mapped[int | None] = mapped_column(Integer)
    sexe: Mapped[Sexe | None] = mapped_column(enum_column(Sexe))
