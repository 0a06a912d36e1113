"""A micro-entrepreneur's account summary read by the database
(``gateway.db.repositories.compte.summaries``) equals the domain rule
(``micro_dues`` then ``balance`` and the dues overdue) on both databases, over random
accounts: monthly and quarterly periods (so two periods may fall due on one date),
several activities per period, dues of zero, payments positive, zero or negative,
received before and after the accounting day, several days, and workers the caller
may not see."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from domain import compte as compte_rules
from domain.micro import ActiviteMicro
from domain.nomenclatures import ModePaiement, Regime, Role
from gateway.auth.principal import Principal
from gateway.db.engine import RequestSession, session_factory
from gateway.db.models import DeclarationMicro, Paiement
from gateway.db.repositories.compte import summaries
from gateway.services.attestations import declaration_dues
from tests import builders
from tests.conftest import Database

RNG_SEED = 20261204
DAYS = (date(2024, 3, 31), date(2025, 5, 1), date(2025, 11, 23), date(2026, 8, 31))


def _amount(rng: random.Random) -> Decimal:
    return Decimal(rng.choice([0, 1, 99, 12345, rng.randint(0, 10**6)])) / 100


def _periods(rng: random.Random) -> list[tuple[str, date]]:
    """Distinct periods with their due date (end of the month after the period): months
    and quarters mixed, as when a worker changes periodicity."""
    found: dict[str, date] = {}
    for _ in range(rng.randint(0, 14)):
        year = rng.choice((2024, 2025))
        if rng.random() < 0.5:
            month = rng.randint(1, 12)
            code, last = f"{year}-{month:02d}", month
        else:
            quarter = rng.randint(1, 4)
            code, last = f"{year}-T{quarter}", 3 * quarter
        first_after = date(year + last // 12, last % 12 + 1, 1)
        following = date(first_after.year + first_after.month // 12, first_after.month % 12 + 1, 1)
        found[code] = following - timedelta(days=1)
    return list(found.items())


async def _accounts(db: Database, rng: random.Random) -> tuple[int, int, list[int]]:
    """Random micro accounts of one caisse's workers, and one worker of another caisse."""
    async with session_factory(db.engine)() as session:
        caisse = await builders.caisse(session)
        elsewhere = await builders.caisse(session, region="Bretagne")
        workers = [
            (await builders.travailleur(session, caisse_id=caisse.id, regime=Regime.MICRO)).id
            for _ in range(14)
        ]
        hidden = await builders.travailleur(session, caisse_id=elsewhere.id, regime=Regime.MICRO)
        for worker in [*workers, hidden.id]:
            for periode, due in _periods(rng):
                for activite in rng.sample(list(ActiviteMicro), rng.randint(1, 2)):
                    session.add(
                        DeclarationMicro(
                            travailleur_id=worker,
                            periode=periode,
                            activite=activite,
                            chiffre_affaires=_amount(rng),
                            taux=Decimal("12.3"),
                            cotisations=_amount(rng),
                            formation_professionnelle=(_amount(rng) / 10).quantize(Decimal("0.01")),
                            date_declaration=due - timedelta(days=rng.randint(0, 20)),
                            date_exigibilite=due,
                        )
                    )
            for number in range(rng.randint(0, 8)):
                montant = _amount(rng) * rng.choice((1, 1, 1, 3, 0, -1))
                session.add(
                    Paiement(
                        travailleur_id=worker,
                        date_paiement=date(2024, 2, 1) + timedelta(days=rng.randint(0, 1000)),
                        montant=montant,
                        mode=ModePaiement.VIREMENT,
                        reference=f"VIR-{worker}-{number}",
                    )
                )
        await session.commit()
        return caisse.id, hidden.id, workers


async def test_a_micro_summary_read_by_the_database_equals_the_domain_rule(
    db: Database,
) -> None:
    rng = random.Random(RNG_SEED)
    caisse_id, hidden, workers = await _accounts(db, rng)
    agent = Principal(role=Role.AGENT, label="agent", caisse_id=caisse_id)
    overdue_seen, partly_paid, shared_dates = 0, 0, 0
    async with session_factory(db.engine)() as session:
        declarations = list(await session.scalars(select(DeclarationMicro)))
        payments = list(await session.scalars(select(Paiement)))
        for today in DAYS:
            as_of = compte_rules.last_accounting_day(today)
            found = await summaries(
                RequestSession(session), agent, [*workers, hidden], today, as_of, micro=True
            )
            assert set(found) == set(workers), "only the workers the caller sees"
            for worker in workers:
                received = [
                    compte_rules.Paiement(p.id, p.date_paiement, p.montant)
                    for p in payments
                    if p.travailleur_id == worker
                ]
                dues, _ = compte_rules.micro_dues(
                    declaration_dues([d for d in declarations if d.travailleur_id == worker]),
                    received,
                )
                overdue = [i for i in dues if i.date_echeance < today and i.reste_du > 0]
                assert found[worker].balance == compte_rules.balance(dues, received, as_of)
                assert found[worker].overdue == overdue, (worker, today)
                overdue_seen += len(overdue)
                partly_paid += sum(1 for i in overdue if i.montant_paye > 0)
                dates = [i.date_echeance for i in dues]
                shared_dates += len(dates) - len(set(dates))
    # Not vacuous: overdue dues, partly paid ones and periods sharing a due date occur.
    assert overdue_seen > 50 and partly_paid > 5 and shared_dates > 3
