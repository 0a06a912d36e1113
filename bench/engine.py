"""Throughput of the contribution engine (SPEC §3), in process.

Computes N random profiles — years 2023–2026, both natures, incomes from
−20 000 € to 300 000 € (to the cent), one in ten created during the year, one in
twenty created the year before — and prints profiles per second, then the same
with the explanation of every line built, to show that explanations cost only
when asked. Inputs are drawn before timing; nothing is cached by input.

    .venv/bin/python bench/engine.py --profiles 200000 --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.baremes import ANNEES_COUVERTES
from domain.cotisations import (
    NatureActivite,
    ResultatCotisations,
    compute_cotisations,
)

Profil = tuple[int, NatureActivite, Decimal, date | None]


def profils(nombre: int, graine: int) -> list[Profil]:
    """Random but reproducible inputs; creation dates in the year or the one before."""
    hasard = random.Random(graine)
    natures = list(NatureActivite)
    resultat: list[Profil] = []
    for _ in range(nombre):
        annee = hasard.choice(ANNEES_COUVERTES)
        revenu = Decimal(hasard.randint(-2_000_000, 30_000_000)) / 100
        tirage = hasard.random()
        creation = None
        if tirage < 0.15:
            creation_annee = annee if tirage < 0.10 else annee - 1
            creation = date(creation_annee, 1, 1) + timedelta(days=hasard.randrange(365))
        resultat.append((annee, hasard.choice(natures), revenu, creation))
    return resultat


def chronometrer(entrees: list[Profil], apres: Callable[[ResultatCotisations], object]) -> float:
    """Profiles per second of ``compute_cotisations`` followed by ``apres`` on each result."""
    calculer = compute_cotisations
    debut = time.perf_counter()
    for annee, nature, revenu, creation in entrees:
        apres(calculer(annee, nature, revenu, creation))
    return len(entrees) / (time.perf_counter() - debut)


def rien(_: ResultatCotisations) -> None:
    return None


def expliquer(resultat: ResultatCotisations) -> None:
    for ligne in resultat.lignes:
        ligne.explication  # noqa: B018 — built for its cost only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=200_000, help="number of profiles")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the inputs")
    parser.add_argument("--explained", type=int, default=None, help="profiles with explanations")
    args = parser.parse_args()
    entrees = profils(args.profiles, args.seed)
    chronometrer(entrees[:2000], rien)  # warm-up
    sans = chronometrer(entrees, rien)
    print(f"{args.profiles} profiles: {sans:,.0f} profiles/s without explanations")
    avec_entrees = entrees[: args.explained] if args.explained else entrees
    avec = chronometrer(avec_entrees, expliquer)
    print(f"{len(avec_entrees)} profiles: {avec:,.0f} profiles/s with every line explained")


if __name__ == "__main__":
    main()
