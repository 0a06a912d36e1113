"""What was paid on a contribution line, per year, and the relevé de carrière (SPEC §4, §6).

Pure functions over the worker's rows, shared by the GraphQL field (rows from the
DataLoaders), the PDF (rows read for the download) and the CFP attestation (rows of
the locked worker): the figures are the same wherever they are shown.

A year's instalments (provisional and régularisation) are paid as recorded by the
ledger (oldest first, §4); what they were paid is attributed to the year's lines pro
rata (``domain.carriere.paid_on_line``) — the definitive lines once the income is
declared, the provisional ones before — and a line is never paid beyond its amount.
The income credited is capped by the assiette of the same line. Every year of activity
is listed, from its start: a year the caisse has no barème for is marked not computed
rather than left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from domain.carriere import AnneeCarriere, annee_carriere, paid_on_line
from domain.cotisations import CotisationCode
from domain.nomenclatures import NatureCotisation
from gateway.db import models


def _chosen_lines(cotisations: Iterable[models.Cotisation], annee: int) -> list[models.Cotisation]:
    """A year's definitive lines if declared, else its provisional ones."""
    rows = [c for c in cotisations if c.annee == annee]
    definitives = [c for c in rows if c.nature is NatureCotisation.DEFINITIVE]
    return definitives or [c for c in rows if c.nature is NatureCotisation.PROVISIONNELLE]


def year_lines(cotisations: Iterable[models.Cotisation], annee: int) -> dict[str, Decimal]:
    """The lines a payment of ``annee`` is attributed to: definitive if declared, else
    provisional (empty when nothing was called for that year)."""
    return {c.code.value: c.montant for c in _chosen_lines(cotisations, annee)}


def line_assiette(
    cotisations: Iterable[models.Cotisation], annee: int, code: CotisationCode
) -> Decimal | None:
    """The assiette of line ``code`` of ``annee`` (same choice of lines as the payments)."""
    return next((c.assiette for c in _chosen_lines(cotisations, annee) if c.code is code), None)


def paid_on_line_by_year(
    cotisations: Iterable[models.Cotisation],
    echeances: Iterable[models.Echeance],
    code: CotisationCode,
) -> dict[int, Decimal]:
    """Per year, what was paid on line ``code`` (instalments not cancelled)."""
    lignes_cotisations = list(cotisations)
    paye: dict[int, list[Decimal]] = defaultdict(list)
    for e in echeances:
        if not e.annulee:
            paye[e.annee].append(e.montant_paye)
    resultat: dict[int, Decimal] = {}
    for annee, montants in paye.items():
        lignes = year_lines(lignes_cotisations, annee)
        resultat[annee] = paid_on_line(montants, lignes, code.value) if lignes else Decimal(0)
    return resultat


def career_years(travailleur: models.Travailleur, today: date) -> range:
    """Years of activity the relevé lists: from the start of the activity to the
    current year or the end of the activity."""
    fin = today.year
    if travailleur.date_fin_activite is not None:
        fin = min(fin, travailleur.date_fin_activite.year)
    return range(travailleur.date_debut_activite.year, fin + 1)


def releve_carriere(
    travailleur: models.Travailleur,
    cotisations: Iterable[models.Cotisation],
    echeances: Iterable[models.Echeance],
    today: date,
) -> list[AnneeCarriere]:
    """One line per year of activity: RETRAITE_BASE paid, income credited, quarters
    (None for a year without a barème)."""
    lignes = list(cotisations)
    code = CotisationCode.RETRAITE_BASE
    payee = paid_on_line_by_year(lignes, echeances, code)
    return [
        annee_carriere(annee, payee.get(annee, Decimal(0)), line_assiette(lignes, annee, code))
        for annee in career_years(travailleur, today)
    ]
