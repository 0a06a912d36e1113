"""Contribution engine of artisans and commerçants, régime classique (SPEC §3).

The rules are those of the official Urssaf simulator (publicodes rules of
``modele-social`` 10.0.1, cited by rule name in ``domain.baremes``); the reference
cases in ``tests/reference/cotisations-ti.json`` are reproduced to the euro.

Exactness: every amount is a ``Decimal``, rounded (half up) only where SPEC §3
says so: each line to the euro, the maladie rate to 2 decimals, the minimum and
flat bases. A prorata p = days/365 is never materialised inside the
computation: prorated amounts are computed as ``X × days / 365`` with a single
division, and progressive rates compare ``365 × base`` with ``x × PASS × days``, so
an amount that lands exactly on half a euro stays exactly there.

Speed: the constants of a (year, nature) are computed once (``_Parametres``, in
``domain.parametres_annee``); lines carry data only, and their explanation
(``LigneCotisation.explication``) is built when asked, never on the hot path.

Layout: this module is the engine and the public entry point; it re-exports (see
``__all__``) the data types of ``domain.lignes``, the explanation vocabulary of
``domain.explications`` and ``prorata`` from ``domain.parametres_annee`` (per-year
constants), so that callers import everything from ``domain.cotisations``.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from domain import baremes as b
from domain.errors import DomainError
from domain.explications import (
    BorneAppliquee,
    NaturePartie,
    OrigineAssiette,
    PartieExplication,
    TypeBorne,
)
from domain.lignes import (
    LIBELLES,
    CotisationCode,
    LigneCotisation,
    NatureActivite,
    ResultatCotisations,
    TrancheTaux,
)
from domain.money import ONE_CENT, ZERO, round_euro
from domain.parametres_annee import (
    _CENTIEME,
    _T_INV,
    _T_RB,
    _T_RC_1,
    _UN,
    _Parametres,
    _parametres,
    _Progressif,
    prorata,
)

__all__ = [
    "LIBELLES",
    "BorneAppliquee",
    "CotisationCode",
    "LigneCotisation",
    "NatureActivite",
    "NaturePartie",
    "OrigineAssiette",
    "PartieExplication",
    "ResultatCotisations",
    "TrancheTaux",
    "TypeBorne",
    "compute_cotisations",
    "compute_forfait_debut_activite",
    "prorata",
]


_REVENU_MAX: Final = Decimal(100_000_000)
_REVENU_MIN: Final = -_REVENU_MAX
_T_MALADIE_HAUT: Final = b.TAUX_MALADIE_AU_DELA_PLAFOND * _CENTIEME
_T_RB_HAUT: Final = b.TAUX_RETRAITE_BASE_DEPLAFONNE * _CENTIEME
_T_RC_2: Final = b.TAUX_RETRAITE_COMPLEMENTAIRE_TRANCHE_2 * _CENTIEME
_T_CSG_D: Final = b.TAUX_CSG_CRDS_DEDUCTIBLE * _CENTIEME
_T_CSG_ND: Final = b.TAUX_CSG_CRDS_NON_DEDUCTIBLE * _CENTIEME
_MAL, _IJ, _RB, _RC, _INV, _AF, _CSG_D, _CSG_ND, _CFP = tuple(CotisationCode)
_REVENU, _FORFAIT = OrigineAssiette.REVENU, OrigineAssiette.FORFAIT


# The generated __init__ of a frozen dataclass sets each field through
# object.__setattr__, which made building lines and results half of the engine's
# time. ``_ligne`` and ``_resultat`` set the same slots through their descriptors:
# identical instances (a unit test compares them with ``dataclasses.replace``).
def _setters(cls: type, noms: str) -> tuple[Any, ...]:
    return tuple(getattr(cls, nom).__set__ for nom in noms.split())


_s_code, _s_montant, _s_assiette, _s_taux, _s_plancher, _s_plafond, _s_deduction, _s_origine = (
    _setters(LigneCotisation, "code montant assiette taux plancher plafond deduction origine")
)
_s_annee, _s_nature, _s_revenu, _s_prorata, _s_lignes, _s_total, _s_forfait = _setters(
    ResultatCotisations, "annee nature revenu prorata lignes total forfait"
)


def _ligne(
    code: CotisationCode,
    montant: Decimal,
    assiette: Decimal,
    taux: tuple[TrancheTaux, ...],
    plancher: BorneAppliquee | None,
    plafond: BorneAppliquee | None,
    deduction: Decimal,
    origine: OrigineAssiette,
) -> LigneCotisation:
    ligne = object.__new__(LigneCotisation)
    _s_code(ligne, code)
    _s_montant(ligne, montant)
    _s_assiette(ligne, assiette)
    _s_taux(ligne, taux)
    _s_plancher(ligne, plancher)
    _s_plafond(ligne, plafond)
    _s_deduction(ligne, deduction)
    _s_origine(ligne, origine)
    return ligne


def _resultat(
    par: _Parametres,
    revenu: Decimal,
    lignes: tuple[LigneCotisation, ...],
    total: Decimal,
    forfait: bool,
) -> ResultatCotisations:
    resultat = object.__new__(ResultatCotisations)
    _s_annee(resultat, par.annee)
    _s_nature(resultat, par.nature)
    _s_revenu(resultat, revenu)
    _s_prorata(resultat, par.prorata)
    _s_lignes(resultat, lignes)
    _s_total(resultat, total)
    _s_forfait(resultat, forfait)
    return resultat


def _taux_progressif(x: Decimal, bareme: _Progressif) -> tuple[Decimal, Decimal]:
    """SPEC §3 « taux progressif » at ``x``, in percent, as (numerator, denominator).

    The denominator is ``_UN`` (by identity) on the flat parts of the scale.
    """
    premier_seuil, premier_taux, segments, dernier_taux = bareme
    if x <= premier_seuil:
        return premier_taux, _UN
    for haut, bas, depart, pente, largeur in segments:
        if x <= haut:
            return depart + (x - bas) * pente, largeur
    return dernier_taux, _UN


def _verifier_revenu(revenu: Decimal) -> None:
    champ = "revenuProfessionnel"
    if not isinstance(revenu, Decimal) or not revenu.is_finite():
        raise DomainError("Le revenu professionnel doit être un montant décimal", field=champ)
    if revenu > _REVENU_MAX or revenu < _REVENU_MIN:
        raise DomainError(
            "Revenu professionnel invraisemblable : plus de 100 000 000 € en valeur absolue",
            field=champ,
        )
    if revenu != revenu.quantize(ONE_CENT):
        raise DomainError("Le revenu professionnel a plus de deux décimales", field=champ)


def compute_cotisations(
    annee: int, nature: NatureActivite, revenu: Decimal, date_creation: date | None = None
) -> ResultatCotisations:
    """Contributions of ``annee`` on the revenu professionnel ``revenu`` (SPEC §3 lines 1–10).

    ``date_creation`` matters only when it falls in ``annee`` (prorata, 90-day
    rule); a date after ``annee`` is refused.
    """
    _verifier_revenu(revenu)
    par = _parametres(annee, nature, date_creation)
    a = revenu if revenu > ZERO else ZERO
    return _calculer(par, revenu, a, a * par.den, None, _REVENU)


def compute_forfait_debut_activite(
    annee: int, nature: NatureActivite, date_creation: date
) -> ResultatCotisations:
    """Flat start-of-activity contributions of the creation year or the next (SPEC §3).

    Same computation on A = round(PSSp × 19 %), with the maladie rate taken at
    round(PASS × 40 %) / PASSp and the CSG-CRDS base A; p = 1 the second year.
    Règle « ind. cotisations et contributions . début activité » (modele-social).
    """
    b.bareme(annee)
    if date_creation.year not in (annee, annee - 1):
        raise DomainError(
            f"Le forfait de début d'activité ne s'applique qu'à l'année de création "
            f"({date_creation.year}) et à la suivante, pas à {annee}",
            field="dateCreation",
        )
    par = _parametres(annee, nature, date_creation)
    forfait = par.assiette_forfait
    return _calculer(par, forfait, forfait, par.x_forfait_maladie, forfait, _FORFAIT)


def _calculer(
    par: _Parametres,
    revenu: Decimal,
    a: Decimal,
    x_maladie: Decimal,
    assiette_csg: Decimal | None,
    origine: OrigineAssiette,
) -> ResultatCotisations:
    """SPEC §3 lines 1–10 on the base ``a``; ``assiette_csg`` None: R + contributions."""
    maladie, ij = _lignes_maladie(par, a, x_maladie, origine)
    retraite_base, retraite_complementaire = _lignes_retraite(par, a, origine)
    invalidite, allocations = _ligne_invalidite(par, a, origine), _ligne_af(par, a, origine)
    cotisations = (
        maladie.montant
        + ij.montant
        + retraite_base.montant
        + retraite_complementaire.montant
        + invalidite.montant
        + allocations.montant
    )
    origine_csg = origine
    if assiette_csg is None:  # 8. C uses R, not A: a loss lowers it
        assiette_csg = revenu + cotisations if revenu + cotisations > ZERO else ZERO
        origine_csg = OrigineAssiette.REVENU_ET_COTISATIONS
    csg_d, csg_nd = round_euro(assiette_csg * _T_CSG_D), round_euro(assiette_csg * _T_CSG_ND)
    tr_csg_d, tr_csg_nd = par.tr_fixes[2], par.tr_fixes[3]
    cfp = par.ligne_cfp
    lignes = (
        maladie,
        ij,
        retraite_base,
        retraite_complementaire,
        invalidite,
        allocations,
        _ligne(_CSG_D, csg_d, assiette_csg, tr_csg_d, None, None, ZERO, origine_csg),
        _ligne(_CSG_ND, csg_nd, assiette_csg, tr_csg_nd, None, None, ZERO, origine_csg),
        cfp,
    )
    total = cotisations + csg_d + csg_nd + cfp.montant
    return _resultat(par, revenu, lignes, total, origine is _FORFAIT)


def _lignes_maladie(
    par: _Parametres, a: Decimal, x: Decimal, origine: OrigineAssiette
) -> tuple[LigneCotisation, LigneCotisation]:
    """SPEC §3 lines 1–3: maladie total on Am, IJ (capped in 2023), MALADIE = total − IJ."""
    num, den = _taux_progressif(x, par.maladie)
    if den is _UN:
        tm, tranches = num, par.tr_mal[num]
    else:
        tm = (num / den).quantize(_CENTIEME, ROUND_HALF_UP)
        tranches = (TrancheTaux(ZERO, par.cinq_pass_p, tm), par.tr_proratises[0])
    am, plancher = (a, None) if a >= par.min_maladie else (par.min_maladie, par.bornes_min[0])
    haut = par.cinq_pass_p
    if am <= haut:
        total = am * tm * _CENTIEME
    else:
        total = haut * tm * _CENTIEME + (am - haut) * _T_MALADIE_HAUT
    base_ij, plafond = (am, None) if am <= par.cinq_pass else (par.cinq_pass, par.borne_5_pass)
    ij_brut = base_ij * par.t_ij
    if par.plafond_ij and ij_brut > total:
        ij_brut, plafond = total, BorneAppliquee(TypeBorne.PLAFOND_MALADIE_TOTALE, total)
    ij = round_euro(ij_brut)
    maladie = round_euro(total - ij) if total > ij else ZERO
    return (
        _ligne(_MAL, maladie, am, tranches, plancher, None, ij, origine),
        _ligne(_IJ, ij, base_ij, par.tr_fixes[0], plancher, plafond, ZERO, origine),
    )


def _lignes_retraite(
    par: _Parametres, a: Decimal, origine: OrigineAssiette
) -> tuple[LigneCotisation, LigneCotisation]:
    """SPEC §3 lines 4–5: retraite de base on max(A, minimum), complémentaire up to 4 PASS."""
    pass_p, prci_p = par.pass_p, par.prci_p
    ar, plancher = (a, None) if a >= par.min_retraite else (par.min_retraite, par.bornes_min[1])
    base = round_euro(ar * _T_RB if ar <= pass_p else par.rb_plein + (ar - pass_p) * _T_RB_HAUT)
    arc, plafond = (a, None) if a <= par.quatre_pass else (par.quatre_pass, par.borne_4_pass)
    comp = round_euro(arc * _T_RC_1 if arc <= prci_p else par.rc_plein + (arc - prci_p) * _T_RC_2)
    return (
        _ligne(_RB, base, ar, par.tr_proratises[1], plancher, None, ZERO, origine),
        _ligne(_RC, comp, arc, par.tr_proratises[2], None, plafond, ZERO, origine),
    )


def _ligne_invalidite(par: _Parametres, a: Decimal, origine: OrigineAssiette) -> LigneCotisation:
    """SPEC §3 line 6: 1,3 % of A kept between minimum × p and PASSp."""
    tranches = par.tr_fixes[1]
    if a < par.min_inv:
        montant = round_euro(par.min_inv * _T_INV)
        return _ligne(_INV, montant, par.min_inv, tranches, par.bornes_min[2], None, ZERO, origine)
    if a > par.pass_p:
        montant = round_euro(par.inv_plafond)
        return _ligne(_INV, montant, par.pass_p, tranches, None, par.borne_pass, ZERO, origine)
    return _ligne(_INV, round_euro(a * _T_INV), a, tranches, None, None, ZERO, origine)


def _ligne_af(par: _Parametres, a: Decimal, origine: OrigineAssiette) -> LigneCotisation:
    """SPEC §3 line 7: A × the unrounded progressive rate, with a single division."""
    num, den = _taux_progressif(a * par.den, par.af)
    if den is _UN:
        montant, tranches = round_euro(a * num * _CENTIEME), par.tr_af[num]
    else:
        montant = round_euro(a * num / (den * 100))
        tranches = (TrancheTaux(ZERO, None, num / den),)
    return _ligne(_AF, montant, a, tranches, None, None, ZERO, origine)
