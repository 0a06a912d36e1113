"""The caisse's news items (actualités) and their targeting (domain/actualites.py).

The targeting lives in its own table, one row per value, with the normalised key
beside the label: the feed of a worker is then one SQL statement that applies the
whole matching rule (and counts exactly), instead of filtering in Python.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.actualites import Axe, Ciblage, normaliser
from gateway.db.models import Base, enum_column


class Actualite(Base):
    """A news item of a caisse, online from its publication date to its end date."""

    __tablename__ = "actualite"
    __table_args__ = (Index("ix_actualite_caisse_publication", "caisse_id", "date_publication"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caisse_id: Mapped[int] = mapped_column(ForeignKey("caisse.id"))
    titre: Mapped[str] = mapped_column(String(200))
    contenu: Mapped[str] = mapped_column(Text)
    date_publication: Mapped[date] = mapped_column(Date)
    date_fin: Mapped[date | None] = mapped_column(Date)
    auteur_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))
    # Withdrawn items are kept (who published what, and when it was taken down).
    date_retrait: Mapped[date | None] = mapped_column(Date)
    retire_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateur.id"))


class CibleActualite(Base):
    """One targeted value of an item: a region, a status or a profession.

    ``cle`` is ``domain.actualites.normaliser(valeur)`` (the status itself for a
    status): what the feed's SQL compares with the reader's keys.
    """

    __tablename__ = "actualite_cible"
    __table_args__ = (Index("ix_actualite_cible_axe_cle", "axe", "cle"),)

    actualite_id: Mapped[int] = mapped_column(ForeignKey("actualite.id"), primary_key=True)
    axe: Mapped[Axe] = mapped_column(enum_column(Axe), primary_key=True)
    cle: Mapped[str] = mapped_column(String(200), primary_key=True)
    valeur: Mapped[str] = mapped_column(String(200))

    @staticmethod
    def rows_for(actualite_id: int, ciblage: Ciblage) -> list[CibleActualite]:
        """The targeting rows of an item: each value with its comparison key."""
        valeurs: list[tuple[Axe, str, str]] = [
            *((Axe.REGION, normaliser(r), r) for r in ciblage.regions),
            *((Axe.STATUT, s.value, s.value) for s in ciblage.statuts),
            *((Axe.PROFESSION, normaliser(p), p) for p in ciblage.professions),
        ]
        return [
            CibleActualite(actualite_id=actualite_id, axe=axe, cle=cle, valeur=valeur)
            for axe, cle, valeur in valeurs
        ]
