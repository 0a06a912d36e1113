"""The stored account situation of each worker, as of one accounting day.

The portfolio sorts, filters and totals on these rows instead of recomputing every
client's account on each request (issue 11). A row is valid for ``valide_le`` only: a
read for another day refreshes it first, each write transaction refreshes the rows of
the workers it touched, and ``gateway accounting-day`` refreshes them all.
Amounts are integer cents, as every money column (they are summed in SQL).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.models import Base


class SituationCompte(Base):
    """One worker's portfolio indicators, computed for the day ``valide_le``."""

    __tablename__ = "situation_compte"
    __table_args__ = (
        # The portfolio's indicator sorts and filters; ties go to the worker's name.
        Index("ix_situation_compte_retard", "retard"),
        Index("ix_situation_compte_prochaine", "prochaine"),
        Index("ix_situation_compte_vigilance", "vigilance"),
        Index("ix_situation_compte_attention", "attention"),
    )

    travailleur_id: Mapped[int] = mapped_column(
        ForeignKey("travailleur.id", ondelete="CASCADE"), primary_key=True
    )
    valide_le: Mapped[date] = mapped_column(Date, index=True)
    retard: Mapped[int] = mapped_column(BigInteger)
    retard_non_couvert: Mapped[int] = mapped_column(BigInteger)
    du_mois: Mapped[int] = mapped_column(BigInteger)
    prochaine: Mapped[date | None] = mapped_column(Date)
    manquantes: Mapped[bool] = mapped_column(Boolean)
    denonce: Mapped[bool] = mapped_column(Boolean)
    vigilance: Mapped[bool] = mapped_column(Boolean)
    attention: Mapped[bool] = mapped_column(Boolean)
