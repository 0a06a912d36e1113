"""Contributions of micro-entrepreneurs on declared turnover (SPEC §7).

A micro-entrepreneur (régime micro-social, CSS L613-7) declares turnover per month
(``2026-03``) or per quarter (``2026-T1``) and per activity; contributions are a
single rate × turnover, the rate being the one in force on the first day of the
period (rates of CSS D613-4 as applied by the Urssaf). Rates: modele-social
10.0.1, règles « dirigeant . auto-entrepreneur . cotisations et contributions .
cotisations . vente restauration hébergement / service BIC / service BNC . taux »;
CFP: règle « dirigeant . auto-entrepreneur . cotisations et contributions . CFP »
(Code du travail L6331-48).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final

from domain.cotisations import NatureActivite
from domain.errors import BaremeIntrouvable, DomainError
from domain.money import ONE_CENT, ONE_EURO, ZERO, check_amount, round_cent, round_euro
from domain.nomenclatures import PeriodiciteDeclaration


class ActiviteMicro(StrEnum):
    """Activity categories with their own rate (SPEC §7 table)."""

    BIC_VENTE = "BIC_VENTE"
    BIC_SERVICES = "BIC_SERVICES"
    BNC = "BNC"


LIBELLES_ACTIVITES: Final[dict[ActiviteMicro, str]] = {
    ActiviteMicro.BIC_VENTE: "Vente de marchandises, restauration, hébergement (BIC)",
    ActiviteMicro.BIC_SERVICES: "Prestations de services commerciales ou artisanales (BIC)",
    ActiviteMicro.BNC: "Prestations de services libérales (BNC, hors Cipav)",
}

# Rate in percent from each date on; the first date starts the covered range.
_TAUX: Final[dict[ActiviteMicro, tuple[tuple[date, Decimal], ...]]] = {
    ActiviteMicro.BIC_VENTE: ((date(2023, 1, 1), Decimal("12.3")),),
    ActiviteMicro.BIC_SERVICES: ((date(2023, 1, 1), Decimal("21.2")),),
    ActiviteMicro.BNC: (
        (date(2023, 1, 1), Decimal("21.1")),
        (date(2024, 7, 1), Decimal("23.1")),
        (date(2025, 1, 1), Decimal("24.6")),
        (date(2026, 1, 1), Decimal("26.1")),
    ),
}
_DEBUT_COUVERTURE, _FIN_COUVERTURE = date(2023, 1, 1), date(2026, 12, 31)

# CFP in percent: on BIC turnover 0,3 % for artisans, 0,1 % for commerçants; on BNC
# turnover 0,2 % (SPEC §7).
TAUX_CFP_BIC_ARTISAN: Final = Decimal("0.3")
TAUX_CFP_BIC_COMMERCANT: Final = Decimal("0.1")
TAUX_CFP_BNC: Final = Decimal("0.2")

_MONTANT_MAX: Final = Decimal(100_000_000)
_FORMAT_PERIODE: Final = re.compile(
    r"(?P<annee>\d{4})-(?:(?P<mois>\d{2})|T(?P<trimestre>\d))", flags=re.ASCII
)


class TypePeriode(StrEnum):
    MOIS = "MOIS"
    TRIMESTRE = "TRIMESTRE"


_NOMBRE_PAR_AN: Final = {TypePeriode.MOIS: 12, TypePeriode.TRIMESTRE: 4}


@dataclass(frozen=True, slots=True)
class Periode:
    """A declaration period: month ``numero`` (1–12) or quarter ``numero`` (1–4) of ``annee``."""

    annee: int
    type: TypePeriode
    numero: int

    def __post_init__(self) -> None:
        if not 1 <= self.numero <= _NOMBRE_PAR_AN[self.type] or not 1 <= self.annee <= 9998:
            raise DomainError(
                f"Période invalide : {self.type.lower()} {self.numero} de {self.annee}",
                field="periode",
                code="PERIODE_INVALIDE",
            )

    @classmethod
    def parse(cls, texte: str) -> Periode:
        """Parse ``AAAA-MM`` (a month) or ``AAAA-Tn`` (a quarter), e.g. ``2026-03``, ``2026-T1``."""
        trouve = _FORMAT_PERIODE.fullmatch(texte.strip()) if isinstance(texte, str) else None
        if trouve is not None:
            if trouve["mois"]:
                type_periode, numero = TypePeriode.MOIS, int(trouve["mois"])
            else:
                type_periode, numero = TypePeriode.TRIMESTRE, int(trouve["trimestre"])
            if 1 <= numero <= _NOMBRE_PAR_AN[type_periode]:
                return cls(int(trouve["annee"]), type_periode, numero)
        raise DomainError(
            f"Période invalide « {texte} » : attendu AAAA-MM (un mois, ex. 2026-03) "
            "ou AAAA-Tn (un trimestre, ex. 2026-T1)",
            field="periode",
            code="PERIODE_INVALIDE",
        )

    @property
    def debut(self) -> date:
        mois = self.numero if self.type is TypePeriode.MOIS else 3 * self.numero - 2
        return date(self.annee, mois, 1)

    @property
    def fin(self) -> date:
        mois = self.numero if self.type is TypePeriode.MOIS else 3 * self.numero
        return date(self.annee, mois, calendar.monthrange(self.annee, mois)[1])

    @property
    def echeance(self) -> date:
        """Due date: the last day of the month after the period (SPEC §7)."""
        fin = self.fin
        annee, mois = (fin.year + 1, 1) if fin.month == 12 else (fin.year, fin.month + 1)
        return date(annee, mois, calendar.monthrange(annee, mois)[1])

    def __str__(self) -> str:
        if self.type is TypePeriode.MOIS:
            return f"{self.annee:04d}-{self.numero:02d}"
        return f"{self.annee:04d}-T{self.numero}"


def _verifier_couverture(premier_jour: date) -> None:
    if not _DEBUT_COUVERTURE <= premier_jour <= _FIN_COUVERTURE:
        raise BaremeIntrouvable(
            f"Aucun taux micro-social pour le {premier_jour:%d/%m/%Y} "
            f"(années couvertes : {_DEBUT_COUVERTURE.year} à {_FIN_COUVERTURE.year})",
            field="periode",
        )


def taux_micro(activite: ActiviteMicro, premier_jour: date) -> Decimal:
    """Rate (percent) in force on ``premier_jour``, the first day of the period (SPEC §7)."""
    _verifier_couverture(premier_jour)
    return next(taux for debut, taux in reversed(_TAUX[activite]) if debut <= premier_jour)


def taux_cfp_micro(activite: ActiviteMicro, nature: NatureActivite) -> Decimal:
    """CFP rate (percent): BIC by nature of the activity, BNC 0,2 % (SPEC §7)."""
    if activite == ActiviteMicro.BNC:
        return TAUX_CFP_BNC
    if nature == NatureActivite.ARTISANALE:
        return TAUX_CFP_BIC_ARTISAN
    return TAUX_CFP_BIC_COMMERCANT


@dataclass(frozen=True, slots=True)
class LigneMicro:
    """Turnover of one activity, its rate and contributions (whole euros, half up)."""

    activite: ActiviteMicro
    chiffre_affaires: Decimal
    taux: Decimal
    cotisations: Decimal
    taux_cfp: Decimal

    @property
    def libelle(self) -> str:
        return LIBELLES_ACTIVITES[self.activite]

    @property
    def explication(self) -> str:
        """E.g. « chiffre d'affaires 10 000,00 € × 23,1 % = 2 310 € »."""
        return explication_micro(self.chiffre_affaires, self.taux, self.cotisations)


def explication_micro(chiffre_affaires: Decimal, taux: Decimal, cotisations: Decimal) -> str:
    """How a line's contributions were computed, in French (also for stored lines,
    whose whole-euro contributions come back with cents)."""
    ca = _francais(f"{chiffre_affaires:,.2f}")
    euros = _francais(f"{cotisations.quantize(ONE_EURO):,}")
    return f"chiffre d'affaires {ca} € × {_francais(str(taux))} % = {euros} €"


def _francais(nombre: str) -> str:
    """``1,234.5`` → ``1 234,5``: French thousands separator and decimal comma."""
    return nombre.replace(",", " ").replace(".", ",")


@dataclass(frozen=True, slots=True)
class ResultatMicro:
    """A declaration's contributions: per activity, CFP to the cent, totals and due date."""

    periode: Periode
    nature: NatureActivite
    lignes: tuple[LigneMicro, ...]
    total_cotisations: Decimal
    cfp: Decimal
    total: Decimal

    @property
    def echeance(self) -> date:
        return self.periode.echeance


def _verifier_montant(activite: ActiviteMicro, montant: Decimal) -> None:
    def refus(raison: str) -> DomainError:
        return DomainError(f"Chiffre d'affaires {activite} : {raison}", field="montants")

    if not isinstance(montant, Decimal) or not montant.is_finite():
        raise refus("un montant décimal est attendu")
    if montant < ZERO:
        raise refus("il ne peut pas être négatif")
    if montant > _MONTANT_MAX:
        raise refus("montant invraisemblable (plus de 100 000 000 €)")
    if montant != montant.quantize(ONE_CENT):
        raise refus("au plus deux décimales")


def compute_cotisations_micro(
    periode: Periode | str, nature: NatureActivite, montants: Mapping[ActiviteMicro, Decimal]
) -> ResultatMicro:
    """Contributions of one declaration (SPEC §7): rate × turnover per activity, plus CFP.

    Activities are listed in ``ActiviteMicro`` order; an empty mapping is a
    declaration of no turnover. The CFP is computed on the whole turnover and
    rounded once, to the cent.
    """
    periode = Periode.parse(periode) if isinstance(periode, str) else periode
    _verifier_couverture(periode.debut)
    if nature not in _NATURES:
        raise DomainError(f"Nature d'activité inconnue : {nature}", field="nature")
    for activite, montant in montants.items():
        if activite not in LIBELLES_ACTIVITES:
            raise DomainError(f"Activité inconnue : {activite}", field="montants")
        _verifier_montant(activite, montant)
    lignes = []
    for activite in ActiviteMicro:  # in a stable order, whatever the mapping's
        if (ca := montants.get(activite)) is not None:
            taux = taux_micro(activite, periode.debut)
            cotisations = round_euro(ca * taux / 100)
            lignes.append(
                LigneMicro(activite, ca, taux, cotisations, taux_cfp_micro(activite, nature))
            )
    total_cotisations = sum((ligne.cotisations for ligne in lignes), ZERO)
    cfp = round_cent(sum((ligne.chiffre_affaires * ligne.taux_cfp / 100 for ligne in lignes), ZERO))
    total = total_cotisations + cfp
    return ResultatMicro(
        periode, NatureActivite(nature), tuple(lignes), total_cotisations, cfp, total
    )


_NATURES: Final = frozenset(NatureActivite)


# --- Declaring turnover (SPEC §7) -------------------------------------------------------

#: The period format each declaration periodicity uses (``2026-03`` or ``2026-T1``).
TYPE_PAR_PERIODICITE: Final = {
    PeriodiciteDeclaration.MENSUELLE: TypePeriode.MOIS,
    PeriodiciteDeclaration.TRIMESTRIELLE: TypePeriode.TRIMESTRE,
}


def montants_declares(
    lignes: Sequence[tuple[ActiviteMicro, Decimal]],
) -> dict[ActiviteMicro, Decimal]:
    """The turnover per activity of a declaration form, checked line by line.

    At least one line (a period without turnover is declared with 0); each activity
    once; amounts to the cent, not negative, plausible. Errors name the line
    (``montants.1.montant``) so a form can point at it.
    """
    if not lignes:
        raise DomainError(
            "Indiquez le chiffre d'affaires d'au moins une activité (0 s'il est nul).",
            field="montants",
            code="AUCUNE_ACTIVITE",
        )
    montants: dict[ActiviteMicro, Decimal] = {}
    for rang, (activite, montant) in enumerate(lignes):
        if activite in montants:
            raise DomainError(
                f"L'activité {activite} figure deux fois : une ligne par activité.",
                field=f"montants.{rang}.activite",
                code="ACTIVITE_EN_DOUBLE",
            )
        montants[activite] = check_amount(montant, f"montants.{rang}.montant")
    return montants


def verifier_periode_declarable(
    periode: Periode,
    *,
    today: date,
    periodicite: PeriodiciteDeclaration | None,
    debut_activite: date,
    fin_activite: date | None,
    deja_declarees: Iterable[Periode],
) -> None:
    """A period can be declared once it is over, in the worker's periodicity (monthly
    when none is on file, the default option), within the activity, and only once:
    a period overlapping one already declared (a quarter over a declared month after
    a change of periodicity) is refused too."""
    if periode.debut > today:
        raise DomainError(
            f"La période {periode} n'a pas commencé : elle se déclare une fois terminée.",
            field="periode",
            code="PERIODE_FUTURE",
        )
    if periode.fin >= today:
        raise DomainError(
            f"La période {periode} n'est pas terminée : déclarez-la à partir du "
            f"{periode.fin + timedelta(days=1):%d/%m/%Y}.",
            field="periode",
            code="PERIODE_EN_COURS",
        )
    attendu = TYPE_PAR_PERIODICITE[periodicite or PeriodiciteDeclaration.MENSUELLE]
    if periode.type is not attendu:
        consigne = (
            "mensuelles : indiquez un mois (AAAA-MM, ex. 2026-03)"
            if attendu is TypePeriode.MOIS
            else "trimestrielles : indiquez un trimestre (AAAA-Tn, ex. 2026-T1)"
        )
        raise DomainError(
            f"Vos déclarations sont {consigne}, pas « {periode} ».",
            field="periode",
            code="PERIODICITE_INCORRECTE",
        )
    if periode.fin < debut_activite:
        raise DomainError(
            f"La période {periode} précède le début de votre activité ({debut_activite:%d/%m/%Y}).",
            field="periode",
            code="AVANT_DEBUT_ACTIVITE",
        )
    if fin_activite is not None and periode.debut > fin_activite:
        raise DomainError(
            f"La période {periode} suit la fin de votre activité ({fin_activite:%d/%m/%Y}).",
            field="periode",
            code="APRES_FIN_ACTIVITE",
        )
    for declaree in deja_declarees:
        if declaree.debut <= periode.fin and periode.debut <= declaree.fin:
            deja = "est déjà déclarée" if declaree == periode else f"recouvre {declaree}, déclarée"
            raise DomainError(
                f"La période {periode} {deja} : une période ne se déclare qu'une fois.",
                field="periode",
                code="DEJA_DECLAREE",
            )


def repartir_cfp(resultat: ResultatMicro) -> tuple[Decimal, ...]:
    """The CFP of each line, to the cent, adding up to the declaration's CFP.

    The CFP is rounded once on the whole turnover (SPEC §7); each activity's row shows
    the rounded running total minus the previous one, so no share is negative and the
    rows add up exactly to ``resultat.cfp``.
    """
    parts: list[Decimal] = []
    cumul, precedent = ZERO, ZERO
    for ligne in resultat.lignes:
        cumul += ligne.chiffre_affaires * ligne.taux_cfp / 100
        arrondi = round_cent(cumul)
        parts.append(arrondi - precedent)
        precedent = arrondi
    return tuple(parts)
