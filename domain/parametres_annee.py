"""Per-year parameters of the contribution engine (SPEC §3), prorata included.

The constants of a (year, nature) are computed once (``_Parametres``, cached in
``_PLEINE_ANNEE``); in a creation year only the prorated ones are recomputed, per
call. A prorata p = days/365 is never materialised: prorated amounts are
``X × days / 365`` with a single division, and progressive rates compare
``365 × base`` with ``x × PASS × days`` (``_Progressif``), so that an amount that
lands exactly on half a euro stays exactly there.

Used by the engine, ``domain.cotisations``, which re-exports ``prorata``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Final

from domain import baremes as b
from domain.errors import DomainError
from domain.explications import BorneAppliquee, OrigineAssiette, TypeBorne
from domain.lignes import CotisationCode, LigneCotisation, NatureActivite, TrancheTaux
from domain.money import ZERO, round_euro

_UN: Final = Decimal(1)
_CENTIEME: Final = Decimal("0.01")
_JOURS_PRORATA: Final = Decimal(b.JOURS_PRORATA)
_T_RB: Final = b.TAUX_RETRAITE_BASE_PLAFONNE * _CENTIEME
_T_RC_1: Final = b.TAUX_RETRAITE_COMPLEMENTAIRE_TRANCHE_1 * _CENTIEME
_T_INV: Final = b.TAUX_INVALIDITE_DECES * _CENTIEME
_CFP: Final = CotisationCode.FORMATION_PROFESSIONNELLE


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
