"""Attestations — SPEC §6: when each one may be issued, and what it states.

* Vigilance: every past income declared, and nothing overdue unless covered by an
  accepted payment plan still respected (§5); valid 6 months; verifiable by code.
* Marché public: the same conditions, as they stood on 31 December of the previous year.
* CSG/CRDS: the definitive CSG-CRDS of a closed year.
* Formation professionnelle: the CFP paid for a year, from 1 January of the next year;
  verifiable by code.

The regularity rule (:func:`check_regularite`, :func:`vigilance_obtainable`) is the
one place that decides whether an attestation de vigilance can be obtained: the
portfolio filters use it too.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from domain.echeancier import Instalment, add_months
from domain.errors import DomainError
from domain.micro import Periode, TypePeriode
from domain.money import ZERO

#: Months an attestation de vigilance stays valid.
VALIDITE_VIGILANCE_MOIS = 6
#: Characters of a verification code: no 0/O nor 1/I, so it can be read aloud and typed.
ALPHABET_CODE = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: 4 groups of 5 characters: 20 × 5 bits = 100 random bits, not guessable.
GROUPES_CODE, TAILLE_GROUPE = 4, 5


# --- what must have been declared ----------------------------------------------------


def periodes_a_declarer(
    jour: date,
    date_debut: date,
    date_fin: date | None,
    type_periode: TypePeriode,
    premiere_annee: int,
) -> list[str]:
    """A micro-entrepreneur's periods (``2026-03`` / ``2026-T1``) whose declaration was
    due before ``jour`` (by the end of the month after the period, §7), from the start
    of the activity (not before ``premiere_annee``) to its end."""
    periodes: list[str] = []
    annee = max(date_debut.year, premiere_annee)
    nombre = 12 if type_periode is TypePeriode.MOIS else 4
    while annee <= jour.year:
        for numero in range(1, nombre + 1):
            periode = Periode(annee, type_periode, numero)
            if periode.echeance >= jour:
                return periodes
            actif = periode.fin >= date_debut and (date_fin is None or periode.debut <= date_fin)
            if actif:
                periodes.append(str(periode))
        annee += 1
    return periodes


# --- the regularity rule (vigilance, marché public) ----------------------------------


def check_regularite(
    *,
    jour: date,
    non_declares: Collection[str],
    echeances: Sequence[Instalment],
    couvertes: Collection[int],
) -> bool:
    """Refuse unless everything due was declared and nothing is overdue on ``jour``
    outside the instalments ``couvertes`` by an accepted, respected payment plan.

    ``echeances`` carry what was paid on them by ``jour``. Returns True when the worker
    is up to date thanks to such a plan (the attestation says so), False when nothing is
    overdue at all.
    """
    if non_declares:
        raise DomainError(
            "Toutes vos déclarations doivent être faites pour obtenir cette attestation "
            f"(non déclaré : {', '.join(sorted(non_declares))}).",
            field="travailleurId",
            code="DECLARATIONS_MANQUANTES",
        )
    en_retard = [e for e in echeances if e.date_echeance < jour and e.reste_du > ZERO]
    hors_plan = [e for e in en_retard if e.id not in couvertes]
    if hors_plan:
        montant = sum((e.reste_du for e in hors_plan), ZERO)
        raise DomainError(
            f"{_euros(montant)} de cotisations restent impayés après leur échéance "
            f"(le {', le '.join(e.date_echeance.strftime('%d/%m/%Y') for e in hors_plan)}) "
            "sans délai de paiement accordé et respecté : réglez-les ou demandez un délai "
            "de paiement.",
            field="travailleurId",
            code="COTISATIONS_IMPAYEES",
        )
    return bool(en_retard)


def vigilance_obtainable(
    *,
    jour: date,
    non_declares: Collection[str],
    echeances: Sequence[Instalment],
    couvertes: Collection[int],
) -> bool:
    """Whether an attestation de vigilance can be issued on ``jour`` (same rule)."""
    try:
        check_regularite(
            jour=jour, non_declares=non_declares, echeances=echeances, couvertes=couvertes
        )
    except DomainError:
        return False
    return True


def _euros(montant: Decimal) -> str:
    texte = f"{montant:,.2f}".replace(",", " ").replace(".", ",")
    return f"{texte} €"


# --- dates and years of each type ----------------------------------------------------


def fin_validite_vigilance(emission: date) -> date:
    """Last day of validity: six months from the issue date, that day excluded
    (issued 23/11/2026 → valid up to 22/05/2027)."""
    return add_months(emission, VALIDITE_VIGILANCE_MOIS) - timedelta(days=1)


def situation_marche_public(jour: date) -> date:
    """The marché public attestation states the situation at 31 December of the
    previous year."""
    return date(jour.year - 1, 12, 31)


def check_annee_implicite(annee: int | None, attendue: int, type_libelle: str) -> int:
    """Vigilance and marché public concern a fixed year: ``annee`` may be omitted or
    must be that one."""
    if annee is not None and annee != attendue:
        raise DomainError(
            f"L'attestation {type_libelle} porte sur l'année {attendue} : "
            f"l'année {annee} ne peut pas être demandée.",
            field="annee",
            code="ANNEE_INVALIDE",
        )
    return attendue


def check_annee_close(annee: int | None, jour: date, type_libelle: str) -> int:
    """CSG-CRDS and CFP attestations concern a closed year, given by ``annee``: one
    before the current year (so the CFP of year N is available from 1 January N+1)."""
    if annee is None:
        raise DomainError(
            f"Indiquez l'année de l'attestation {type_libelle}.",
            field="annee",
            code="ANNEE_REQUISE",
        )
    if annee >= jour.year:
        raise DomainError(
            f"L'attestation {type_libelle} {annee} sera disponible à partir du "
            f"01/01/{annee + 1}, une fois l'année close.",
            field="annee",
            code="ANNEE_NON_CLOSE",
        )
    return annee


# --- verification codes --------------------------------------------------------------


def new_verification_code() -> str:
    """A random code (``secrets``), e.g. ``K7PQM-2XHWA-9RTZC-4NFBD``."""
    brut = "".join(secrets.choice(ALPHABET_CODE) for _ in range(GROUPES_CODE * TAILLE_GROUPE))
    return _grouped(brut)


def normalize_code(saisi: str) -> str | None:
    """The stored form of a typed code (case, spaces and dashes ignored); None when it
    cannot be a code at all."""
    brut = "".join(c for c in saisi.upper() if c not in " -\t")
    if len(brut) != GROUPES_CODE * TAILLE_GROUPE or any(c not in ALPHABET_CODE for c in brut):
        return None
    return _grouped(brut)


def _grouped(brut: str) -> str:
    return "-".join(brut[i : i + TAILLE_GROUPE] for i in range(0, len(brut), TAILLE_GROUPE))


def is_valid_on(fin_validite: date | None, jour: date) -> bool:
    """Still valid on ``jour``: no end of validity, or not past it."""
    return fin_validite is None or jour <= fin_validite


def declared_before(declarations: Iterable[tuple[str, date]], jour: date) -> set[str]:
    """What had been declared by the end of ``jour`` (year or period, date entered)."""
    return {quoi for quoi, quand in declarations if quand <= jour}
