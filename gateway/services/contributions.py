"""Contribution lines between the engine and the database.

A stored line keeps the engine's slices, floor/ceiling and deduction as JSON, so the
API explains a stored line exactly as it explains a simulation.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.cotisations import (
    BorneAppliquee,
    CotisationCode,
    LigneCotisation,
    OrigineAssiette,
    ResultatCotisations,
    TrancheTaux,
    TypeBorne,
)
from domain.money import round_cent
from domain.nomenclatures import NatureCotisation
from gateway.db import models


def _borne_json(borne: BorneAppliquee | None) -> dict[str, str] | None:
    return None if borne is None else {"type": borne.type.value, "montant": str(borne.montant)}


def _borne(data: dict[str, str] | None) -> BorneAppliquee | None:
    return (
        None if data is None else BorneAppliquee(TypeBorne(data["type"]), Decimal(data["montant"]))
    )


def ligne_detail(ligne: LigneCotisation) -> dict[str, Any]:
    return {
        "tranches": [
            {"de": str(t.de), "a": None if t.a is None else str(t.a), "taux": str(t.taux)}
            for t in ligne.taux
        ],
        "plancher": _borne_json(ligne.plancher),
        "plafond": _borne_json(ligne.plafond),
        "deduction": str(ligne.deduction),
        "origine": ligne.origine.value,
    }


def ligne_from_row(row: models.Cotisation) -> LigneCotisation:
    return ligne_from_parts(row.code, row.montant, row.assiette, row.detail)


def ligne_from_snapshot(data: dict[str, Any]) -> LigneCotisation:
    """A line saved in a mutation outcome (``{code, montant, assiette, detail}``)."""
    return ligne_from_parts(
        data["code"], Decimal(data["montant"]), Decimal(data["assiette"]), data["detail"]
    )


def ligne_from_parts(
    code: str, montant: Decimal, assiette: Decimal, detail: dict[str, Any]
) -> LigneCotisation:
    return LigneCotisation(
        code=CotisationCode(code),
        montant=montant,
        assiette=assiette,
        taux=tuple(
            TrancheTaux(
                Decimal(t["de"]), None if t["a"] is None else Decimal(t["a"]), Decimal(t["taux"])
            )
            for t in detail["tranches"]
        ),
        plancher=_borne(detail.get("plancher")),
        plafond=_borne(detail.get("plafond")),
        deduction=Decimal(detail.get("deduction", "0")),
        origine=OrigineAssiette(detail.get("origine", OrigineAssiette.REVENU.value)),
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
