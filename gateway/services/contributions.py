"""Contribution lines between the engine and the database (the row's format:
``gateway.db.cotisation_detail``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.cotisations import LigneCotisation, ResultatCotisations
from domain.money import round_cent
from domain.nomenclatures import NatureCotisation
from gateway.db import models
from gateway.db.cotisation_detail import ligne_detail, ligne_from_parts


def ligne_from_row(row: models.Cotisation) -> LigneCotisation:
    return ligne_from_parts(row.code, row.montant, row.assiette, row.detail)


def ligne_from_snapshot(data: dict[str, Any]) -> LigneCotisation:
    """A line saved in a mutation outcome (``{code, montant, assiette, detail}``)."""
    return ligne_from_parts(
        data["code"], Decimal(data["montant"]), Decimal(data["assiette"]), data["detail"]
    )


def cotisation_rows(
    *,
    travailleur_id: int,
    nature: NatureCotisation,
    resultat: ResultatCotisations,
    base_calcul: str,
    date_calcul: date,
) -> list[models.Cotisation]:
    """One row per line of ``resultat``, ready to insert."""
    return [
        models.Cotisation(
            travailleur_id=travailleur_id,
            annee=resultat.annee,
            nature=nature,
            code=ligne.code,
            montant=ligne.montant,
            # A prorated minimum base has more decimals than money columns keep.
            assiette=round_cent(ligne.assiette),
            detail=ligne_detail(ligne),
            base_calcul=base_calcul,
            date_calcul=date_calcul,
        )
        for ligne in resultat.lignes
    ]
