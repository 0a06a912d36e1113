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

Speed: the constants of a (year, nature) are computed once (``_Parametres``); lines
carry data only, and their explanation (``LigneCotisation.explication``) is built
when asked, never on the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any, Final

from domain import baremes as b
from domain.errors import DomainError
from domain.money import ONE_CENT, ZERO, round_cent, round_euro


class NatureActivite(StrEnum):
    """Nature of the activity: decides the CFP rate (SPEC §3 line 9)."""

    ARTISANALE = "ARTISANALE"
    COMMERCIALE = "COMMERCIALE"


class CotisationCode(StrEnum):
    """Contribution lines, in the order of SPEC §3 (and of ``ResultatCotisations.lignes``)."""

    MALADIE = "MALADIE"
    INDEMNITES_JOURNALIERES = "INDEMNITES_JOURNALIERES"
    RETRAITE_BASE = "RETRAITE_BASE"
    RETRAITE_COMPLEMENTAIRE = "RETRAITE_COMPLEMENTAIRE"
    INVALIDITE_DECES = "INVALIDITE_DECES"
    ALLOCATIONS_FAMILIALES = "ALLOCATIONS_FAMILIALES"
    CSG_CRDS_DEDUCTIBLE = "CSG_CRDS_DEDUCTIBLE"
    CSG_CRDS_NON_DEDUCTIBLE = "CSG_CRDS_NON_DEDUCTIBLE"
    FORMATION_PROFESSIONNELLE = "FORMATION_PROFESSIONNELLE"


LIBELLES: Final[dict[CotisationCode, str]] = {
    CotisationCode.MALADIE: "Maladie-maternité",
    CotisationCode.INDEMNITES_JOURNALIERES: "Indemnités journalières",
    CotisationCode.RETRAITE_BASE: "Retraite de base",
    CotisationCode.RETRAITE_COMPLEMENTAIRE: "Retraite complémentaire",
    CotisationCode.INVALIDITE_DECES: "Invalidité-décès",
    CotisationCode.ALLOCATIONS_FAMILIALES: "Allocations familiales",
    CotisationCode.CSG_CRDS_DEDUCTIBLE: "CSG-CRDS déductible",
    CotisationCode.CSG_CRDS_NON_DEDUCTIBLE: "CSG-CRDS non déductible",
    CotisationCode.FORMATION_PROFESSIONNELLE: "Contribution à la formation professionnelle",
}
_INDEX: Final = {code: i for i, code in enumerate(CotisationCode)}


class TypeBorne(StrEnum):
    """A floor or ceiling that replaced the income in a line (SPEC §3 definitions)."""

    MINIMUM_MALADIE = "MINIMUM_MALADIE"
    MINIMUM_RETRAITE = "MINIMUM_RETRAITE"
    MINIMUM_INVALIDITE_DECES = "MINIMUM_INVALIDITE_DECES"
    PLAFOND_PASS = "PLAFOND_PASS"
    PLAFOND_4_PASS = "PLAFOND_4_PASS"
    PLAFOND_5_PASS = "PLAFOND_5_PASS"
    PLAFOND_MALADIE_TOTALE = "PLAFOND_MALADIE_TOTALE"


_LIBELLES_BORNES: Final = {
    TypeBorne.MINIMUM_MALADIE: "minimum 40 % du PASS",
    TypeBorne.MINIMUM_RETRAITE: "minimum 450 × SMIC horaire",
    TypeBorne.MINIMUM_INVALIDITE_DECES: "minimum 11,5 % du PASS",
    TypeBorne.PLAFOND_PASS: "plafond 1 PASS",
    TypeBorne.PLAFOND_4_PASS: "plafond 4 PASS",
    TypeBorne.PLAFOND_5_PASS: "plafond 5 PASS",
    TypeBorne.PLAFOND_MALADIE_TOTALE: "plafonné à la cotisation maladie totale",
}


class OrigineAssiette(StrEnum):
    """What a line's base is made of, for its explanation."""

    REVENU = "REVENU"
    REVENU_ET_COTISATIONS = "REVENU_ET_COTISATIONS"
    FORFAIT = "FORFAIT"
    PASS = "PASS"


_LIBELLES_ORIGINES: Final = {
    OrigineAssiette.REVENU: "",
    OrigineAssiette.REVENU_ET_COTISATIONS: " (revenu + cotisations sociales)",
    OrigineAssiette.FORFAIT: " (forfait de début d'activité, 19 % du PASS)",
    OrigineAssiette.PASS: " (PASS)",
}


@dataclass(frozen=True, slots=True)
class BorneAppliquee:
    """The floor or ceiling that applied, and its amount in euros."""

    type: TypeBorne
    montant: Decimal

    @property
    def libelle(self) -> str:
        return _LIBELLES_BORNES[self.type]


@dataclass(frozen=True, slots=True)
class TrancheTaux:
    """Rate ``taux`` (percent) on the part of the base from ``de`` to ``a`` (``None``: no end).

    Slices are rate schedules, shared between results of the same year; the amount
    of a slice is derived from the line's base on demand (``montant``).
    """

    de: Decimal
    a: Decimal | None
    taux: Decimal

    def base(self, assiette: Decimal) -> Decimal:
        """The part of ``assiette`` that falls in this slice."""
        haut = assiette if self.a is None or assiette < self.a else self.a
        return haut - self.de if haut > self.de else ZERO

    def montant(self, assiette: Decimal) -> Decimal:
        """This slice's contribution, not rounded (a line is rounded as a whole)."""
        return self.base(assiette) * self.taux / 100


class NaturePartie(StrEnum):
    """Kinds of explanation parts, so that a client can render them its own way."""

    ASSIETTE = "ASSIETTE"
    TRANCHE = "TRANCHE"
    PLAFOND = "PLAFOND"
    DEDUCTION = "DEDUCTION"
    RESULTAT = "RESULTAT"


@dataclass(frozen=True, slots=True)
class PartieExplication:
    """One part of a line's explanation: its French ``texte`` plus the figures in it."""

    nature: NaturePartie
    texte: str
    montant: Decimal | None = None
    taux: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LigneCotisation:
    """One contribution line: amount (whole euros) and what it was computed from.

    ``assiette`` is the base the rates applied to, after ``plancher`` (a minimum
    base) or ``plafond`` (a ceiling); ``taux`` the rate slices over it; ``deduction``
    what was subtracted (MALADIE: the indemnités journalières, SPEC §3 line 3).
    """

    code: CotisationCode
    montant: Decimal
    assiette: Decimal
    taux: tuple[TrancheTaux, ...]
    plancher: BorneAppliquee | None = None
    plafond: BorneAppliquee | None = None
    deduction: Decimal = ZERO
    origine: OrigineAssiette = OrigineAssiette.REVENU

    @property
    def libelle(self) -> str:
        return LIBELLES[self.code]

    def parties_explication(self) -> tuple[PartieExplication, ...]:
        """The explanation as data: base, floor/ceiling, slices, deduction, result."""
        return _expliquer(self)

    @property
    def explication(self) -> str:
        """The explanation in French.

        E.g. « assiette 19 224 € (minimum 40 % du PASS) × 0,5 % = 96 € ».
        """
        return " ".join(partie.texte for partie in _expliquer(self))


@dataclass(frozen=True, slots=True)
class ResultatCotisations:
    """The contributions of one year (``forfait``: on the flat start-of-activity bases)."""

    annee: int
    nature: NatureActivite
    revenu: Decimal
    prorata: Decimal
    lignes: tuple[LigneCotisation, ...]
    total: Decimal
    forfait: bool = False

    def ligne(self, code: CotisationCode) -> LigneCotisation:
        return self.lignes[_INDEX[code]]

    def montants(self) -> dict[CotisationCode, Decimal]:
        return {ligne.code: ligne.montant for ligne in self.lignes}


# --- Explanations (built only when asked) -----------------------------------------


def _euros(montant: Decimal) -> str:
    arrondi = round_cent(montant)
    texte = f"{arrondi:,.0f}" if arrondi == arrondi.to_integral_value() else f"{arrondi:,.2f}"
    return texte.replace(",", " ").replace(".", ",") + " €"


def _pourcent(taux: Decimal) -> str:
    exposant = taux.as_tuple().exponent
    if isinstance(exposant, int) and exposant < -4:  # unrounded progressive rate
        taux = taux.quantize(Decimal("0.0001"))
    return f"{taux:f}".replace(".", ",") + " %"


def _expliquer(ligne: LigneCotisation) -> tuple[PartieExplication, ...]:
    assiette, P = ligne.assiette, PartieExplication
    precision = _LIBELLES_ORIGINES[ligne.origine]  # a floor or ceiling says more
    if ligne.plancher:
        precision = f" ({ligne.plancher.libelle})"
    if ligne.plafond and ligne.plafond.type is not TypeBorne.PLAFOND_MALADIE_TOTALE:
        precision = f" ({ligne.plafond.libelle})"
    texte = f"assiette {_euros(assiette)}{precision}"
    parties = [P(NaturePartie.ASSIETTE, texte, montant=assiette)]
    actives = [t for t in ligne.taux if t.base(assiette) > 0] or [ligne.taux[0]]
    progressif = ligne.code in (CotisationCode.MALADIE, CotisationCode.ALLOCATIONS_FAMILIALES)
    if len(actives) == 1:
        suffixe = " (taux progressif)" if progressif else ""
        texte = f"× {_pourcent(actives[0].taux)}{suffixe}"
        parties.append(P(NaturePartie.TRANCHE, texte, taux=actives[0].taux))
    for rang, tranche in enumerate(actives if len(actives) > 1 else ()):
        base = tranche.base(assiette)
        texte = f"{': ' if rang == 0 else '+ '}{_pourcent(tranche.taux)} sur {_euros(base)}"
        parties.append(P(NaturePartie.TRANCHE, texte, montant=base, taux=tranche.taux))
    if ligne.plafond and ligne.plafond.type is TypeBorne.PLAFOND_MALADIE_TOTALE:
        texte = f"{ligne.plafond.libelle} ({_euros(ligne.plafond.montant)})"
        parties.append(P(NaturePartie.PLAFOND, texte, montant=ligne.plafond.montant))
    if ligne.deduction:
        texte = f"− indemnités journalières {_euros(ligne.deduction)}"
        parties.append(P(NaturePartie.DEDUCTION, texte, montant=ligne.deduction))
    parties.append(P(NaturePartie.RESULTAT, f"= {_euros(ligne.montant)}", montant=ligne.montant))
    return tuple(parties)


# --- Engine -----------------------------------------------------------------------

_UN: Final = Decimal(1)
_CENTIEME: Final = Decimal("0.01")
_JOURS_PRORATA: Final = Decimal(b.JOURS_PRORATA)
_REVENU_MAX: Final = Decimal(100_000_000)
_REVENU_MIN: Final = -_REVENU_MAX
_T_MALADIE_HAUT: Final = b.TAUX_MALADIE_AU_DELA_PLAFOND * _CENTIEME
_T_RB: Final = b.TAUX_RETRAITE_BASE_PLAFONNE * _CENTIEME
_T_RB_HAUT: Final = b.TAUX_RETRAITE_BASE_DEPLAFONNE * _CENTIEME
_T_RC_1: Final = b.TAUX_RETRAITE_COMPLEMENTAIRE_TRANCHE_1 * _CENTIEME
_T_RC_2: Final = b.TAUX_RETRAITE_COMPLEMENTAIRE_TRANCHE_2 * _CENTIEME
_T_INV: Final = b.TAUX_INVALIDITE_DECES * _CENTIEME
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


# A taux progressif in the engine's scaled units: ``x`` is 365 × base (or the base
# for a full year), compared with thresholds ``x_i × PASS × days`` (or × PASS).
# Each segment is (upper, lower, t_lower × width, t_upper − t_lower, width): the
# rate in a segment is a fraction whose only division happens at the very end.
_Segment = tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
_Progressif = tuple[Decimal, Decimal, tuple[_Segment, ...], Decimal]


def _segments(points: tuple[tuple[Decimal, Decimal], ...]) -> tuple[_Segment, ...]:
    """Segments of a scale over the ratio itself (scale 1), to be multiplied by PASS × days."""
    return tuple(
        (x1, x0, t0 * (x1 - x0), t1 - t0, x1 - x0) for (x0, t0), (x1, t1) in pairwise(points)
    )


_SEGMENTS_MALADIE: Final = _segments(b.BAREME_TAUX_MALADIE)
_SEGMENTS_AF: Final = _segments(b.BAREME_TAUX_ALLOCATIONS_FAMILIALES)


def _progressif(
    points: tuple[tuple[Decimal, Decimal], ...], segments: tuple[_Segment, ...], echelle: Decimal
) -> _Progressif:
    """The scale of ``points`` in the engine's units (thresholds × ``echelle``)."""
    mis_a_l_echelle = [
        (haut * echelle, bas * echelle, depart * echelle, pente, largeur * echelle)
        for haut, bas, depart, pente, largeur in segments
    ]
    return points[0][0] * echelle, points[0][1], tuple(mis_a_l_echelle), points[-1][1]


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


class _Parametres:
    """Constants of a (year, nature, days of activity), as ready-to-use Decimals.

    Built once per year and nature for a full year (``_PLEINE_ANNEE``); in a
    creation year only the prorated ones are recomputed, per call. ``den`` is 365
    when prorated, else 1: a prorated amount is ``X × days / den``, one division
    (SPEC §3 « prorata p », kept exact).
    """

    __slots__ = (
        "af", "annee", "assiette_forfait", "borne_4_pass", "borne_5_pass", "borne_pass",
        "bornes_min", "cinq_pass", "cinq_pass_p", "den", "inv_plafond", "ligne_cfp", "maladie",
        "min_inv", "min_maladie", "min_retraite", "nature", "pass_p", "plafond_ij", "prci_p",
        "prorata", "quatre_pass", "rb_plein", "rc_plein", "t_ij", "tr_af", "tr_fixes", "tr_mal",
        "tr_proratises", "x_forfait_maladie",
    )  # fmt: skip
    _ANNUELS = (
        "cinq_pass", "quatre_pass", "t_ij", "plafond_ij", "borne_4_pass", "borne_5_pass",
        "tr_af", "tr_fixes", "ligne_cfp",
    )  # fmt: skip

    def __init__(
        self, annee: int, nature: NatureActivite, jours: int | None, annuels: _Parametres | None
    ) -> None:
        bar = b.bareme(annee)
        self.annee, self.nature = annee, nature
        if annuels is None:
            self._preparer_annuels(bar)
        else:
            for nom in self._ANNUELS:
                setattr(self, nom, getattr(annuels, nom))
        self._preparer_proratises(bar, jours)

    def _preparer_annuels(self, bar: b.Bareme) -> None:
        """What the prorata does not change: 5 and 4 PASS, IJ, CFP, fixed rate slices."""
        B, T, pss = BorneAppliquee, TrancheTaux, bar.plafond_securite_sociale
        self.cinq_pass = b.PLAFOND_INDEMNITES_JOURNALIERES_EN_PASS * pss
        self.quatre_pass = b.PLAFOND_RETRAITE_COMPLEMENTAIRE_EN_PASS * pss
        self.t_ij = bar.taux_indemnites_journalieres * _CENTIEME
        self.plafond_ij = bar.annee <= b.ANNEE_FIN_PLAFOND_IJ_MALADIE_TOTALE
        self.borne_4_pass = B(TypeBorne.PLAFOND_4_PASS, self.quatre_pass)
        self.borne_5_pass = B(TypeBorne.PLAFOND_5_PASS, self.cinq_pass)
        taux_af = (
            b.BAREME_TAUX_ALLOCATIONS_FAMILIALES[0][1],
            b.BAREME_TAUX_ALLOCATIONS_FAMILIALES[-1][1],
        )
        self.tr_af = {t: (T(ZERO, None, t),) for t in taux_af}
        self.tr_fixes = tuple(
            (T(ZERO, None, taux),)
            for taux in (
                bar.taux_indemnites_journalieres,
                b.TAUX_INVALIDITE_DECES,
                b.TAUX_CSG_CRDS_DEDUCTIBLE,
                b.TAUX_CSG_CRDS_NON_DEDUCTIBLE,
            )
        )
        taux_cfp = (
            b.TAUX_FORMATION_PROFESSIONNELLE_ARTISAN
            if self.nature is NatureActivite.ARTISANALE
            else b.TAUX_FORMATION_PROFESSIONNELLE_COMMERCANT
        )
        cfp, tranche_cfp = round_euro(pss * taux_cfp * _CENTIEME), (T(ZERO, None, taux_cfp),)
        self.ligne_cfp = LigneCotisation(_CFP, cfp, pss, tranche_cfp, origine=OrigineAssiette.PASS)

    def _preparer_proratises(self, bar: b.Bareme, jours: int | None) -> None:
        """What the prorata changes: PASSp, PRCI × p, minimum bases, progressive scales."""
        B, T, pss = BorneAppliquee, TrancheTaux, bar.plafond_securite_sociale
        num, den = (Decimal(jours), _JOURS_PRORATA) if jours is not None else (_UN, _UN)
        self.den, self.prorata, pass_jours = den, num / den, pss * num
        self.pass_p = pass_p = pass_jours / den
        pss_p = round_euro(pass_p)
        self.cinq_pass_p = cinq = b.PLAFOND_MALADIE_EN_PASS * pass_jours / den
        self.prci_p = prci_p = bar.prci * num / den
        self.min_maladie = round_euro(pss_p * b.PART_PASS_MINIMUM_MALADIE * _CENTIEME)
        min_inv = round_euro(pss * b.PART_PASS_MINIMUM_INVALIDITE_DECES * _CENTIEME)
        self.min_inv = min_inv * num / den
        court = jours is not None and jours < b.JOURS_MINIMUM_RETRAITE
        heures = b.HEURES_SMIC_MINIMUM_RETRAITE
        self.min_retraite = ZERO if court else round_euro(heures * bar.smic_horaire)
        self.maladie = _progressif(b.BAREME_TAUX_MALADIE, _SEGMENTS_MALADIE, pass_jours)
        self.af = _progressif(b.BAREME_TAUX_ALLOCATIONS_FAMILIALES, _SEGMENTS_AF, pass_jours)
        self.rb_plein, self.rc_plein, self.inv_plafond = (
            pass_p * _T_RB,
            prci_p * _T_RC_1,
            pass_p * _T_INV,
        )
        self.assiette_forfait = round_euro(pss_p * b.PART_PASS_ASSIETTE_FORFAITAIRE * _CENTIEME)
        forfait_maladie = pss * b.PART_PASS_ASSIETTE_FORFAITAIRE_MALADIE * _CENTIEME
        self.x_forfait_maladie = round_euro(forfait_maladie) * den
        self.bornes_min = (
            B(TypeBorne.MINIMUM_MALADIE, self.min_maladie),
            B(TypeBorne.MINIMUM_RETRAITE, self.min_retraite),
            B(TypeBorne.MINIMUM_INVALIDITE_DECES, self.min_inv),
        )
        self.borne_pass = B(TypeBorne.PLAFOND_PASS, pass_p)
        au_dela = T(cinq, None, b.TAUX_MALADIE_AU_DELA_PLAFOND)
        plats = (self.maladie[1], self.maladie[3])  # rates of the flat parts of the scale
        self.tr_mal = {t: (T(ZERO, cinq, t), au_dela) for t in plats}
        self.tr_proratises = (
            au_dela,
            (
                T(ZERO, pass_p, b.TAUX_RETRAITE_BASE_PLAFONNE),
                T(pass_p, None, b.TAUX_RETRAITE_BASE_DEPLAFONNE),
            ),
            (
                T(ZERO, prci_p, b.TAUX_RETRAITE_COMPLEMENTAIRE_TRANCHE_1),
                T(prci_p, self.quatre_pass, b.TAUX_RETRAITE_COMPLEMENTAIRE_TRANCHE_2),
            ),
        )


_PLEINE_ANNEE: Final = {
    (annee, nature): _Parametres(annee, nature, None, None)
    for annee in b.ANNEES_COUVERTES
    for nature in NatureActivite
}


def _jours_activite(annee: int, date_creation: date | None) -> int | None:
    """Days of activity in ``annee`` (both ends included) when created that year, else None."""
    if date_creation is None or date_creation.year < annee:
        return None
    if date_creation.year > annee:
        raise DomainError(
            f"La date de création ({date_creation:%d/%m/%Y}) est postérieure à l'année {annee}",
            field="dateCreation",
        )
    return (date(annee, 12, 31) - date_creation).days + 1


def prorata(annee: int, date_creation: date | None) -> Decimal:
    """SPEC §3 prorata p: days of activity in the creation year / 365 (366/365 possible), else 1.

    For display: the engine never multiplies by this 28-digit quotient, it computes
    ``X × days / 365`` with one final division.
    """
    jours = _jours_activite(annee, date_creation)
    return _UN if jours is None else Decimal(jours) / _JOURS_PRORATA


def _parametres(annee: int, nature: NatureActivite, date_creation: date | None) -> _Parametres:
    if date_creation is None or date_creation.year < annee:
        parametres = _PLEINE_ANNEE.get((annee, nature))
        if parametres is not None:
            return parametres
    b.bareme(annee)  # an uncovered year is reported before anything else
    if (annee, nature) not in _PLEINE_ANNEE:
        raise DomainError(f"Nature d'activité inconnue : {nature}", field="nature")
    if not isinstance(nature, NatureActivite):
        nature = NatureActivite(nature)
    jours = _jours_activite(annee, date_creation)
    return _Parametres(annee, nature, jours, _PLEINE_ANNEE[annee, nature])


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
