"""How a contribution line is kept in its ``cotisation`` row: the engine's slices,
floor/ceiling and deduction as JSON (``detail``), so the API explains a stored line
exactly as it explains a simulation, and the explanation written with the row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.cotisations import (
    BorneAppliquee,
    CotisationCode,
    LigneCotisation,
    OrigineAssiette,
    TrancheTaux,
    TypeBorne,
)


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


def stored_explication(
    code: str, montant: Decimal, assiette: Decimal, detail: dict[str, Any]
) -> str:
    """The explanation of a line as stored (its base to the cent), written with the row:
    a page of accounts shows thousands of them, and formatting each again from the
    decoded detail on every read was a fifth of the page's time."""
    return ligne_from_parts(code, montant, assiette, detail).explication
