"""The instalment rules written in SQL (``gateway.db.echeance_sql``) agree with the domain
on both databases: status, unpaid part and majorations as the database writes them for
the API, and the status filter, over random instalments (month ends, partial and excess
payments, rejections, cancellations, plan exemptions) on many days."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from domain import compte as compte_rules
from domain.echeancier import Instalment, NatureEcheance
from domain.nomenclatures import StatutEcheance
from gateway.db import echeance_sql
from gateway.db.engine import session_factory
from gateway.db.json_values import json_object
from gateway.db.models import Echeance
from gateway.db.records import columns, records
from gateway.schema.compte import statut_of
from gateway.schema.json_lists import stored_value
from gateway.schema.scalars import MONEY_SCALAR
from tests import builders
from tests.conftest import Database

RNG_SEED = 20261202


def _due_date(rng: random.Random) -> date:
    if rng.random() < 0.4:  # a month's last days, where "a month" is clamped
        month_start = date(rng.randint(2024, 2027), rng.randint(1, 12), 1)
        next_month = (month_start + timedelta(days=32)).replace(day=1)
        return next_month - timedelta(days=rng.randint(1, 4))
    return date(2024, 1, 1) + timedelta(days=rng.randint(0, 4 * 365))


def _days(rng: random.Random) -> list[date]:
    edges = [date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2026, 1, 31)]
    edges += [date(2026, 4, 30), date(2026, 5, 31), date(2026, 11, 23), date(2027, 12, 31)]
    return edges + [date(2024, 1, 1) + timedelta(days=rng.randint(0, 4 * 365)) for _ in range(12)]


async def _instalments(db: Database, rng: random.Random) -> int:
    async with session_factory(db.engine)() as session:
        caisse = await builders.caisse(session)
        worker = await builders.travailleur(session, caisse_id=caisse.id)
        for _ in range(240):
            montant = Decimal(rng.choice([0, 1, 5, 99, 100, 12345, 250000, rng.randint(0, 10**7)]))
            montant /= 100
            paid = rng.choice([Decimal(0), montant, montant / 3, montant + Decimal("0.01")])
            rejected = rng.random() < 0.2
            session.add(
                Echeance(
                    travailleur_id=worker.id,
                    annee=2026,
                    nature=NatureEcheance.PROVISIONNELLE,
                    date_echeance=_due_date(rng),
                    montant=montant,
                    montant_paye=paid.quantize(Decimal("0.01")),
                    annulee=rng.random() < 0.1,
                    rejets=rng.choice([1, 2]) if rejected else 0,
                    montant_reporte=(
                        Decimal(rng.randint(0, 50000)) / 100 if rejected else Decimal(0)
                    ),
                )
            )
        await session.commit()
        return worker.id


def _money(amount: Decimal) -> str:
    serialize = MONEY_SCALAR.serialize
    assert serialize is not None
    return str(serialize(amount))


async def test_status_unpaid_part_and_majorations_agree_with_the_domain(db: Database) -> None:
    rng = random.Random(RNG_SEED)
    worker_id = await _instalments(db, rng)
    fields = tuple(
        (name, value)
        for name in ("statut", "resteDu", "majorations")
        if (value := stored_value("Echeance", name)) is not None
    )
    assert len(fields) == 3
    written = select(Echeance.id, json_object(fields, db.name)).where(
        Echeance.travailleur_id == worker_id
    )
    async with db.engine.connect() as connection:
        rows = records(
            Echeance,
            await connection.execute(
                select(*columns(Echeance)).where(Echeance.travailleur_id == worker_id)
            ),
        )
        seen_statuses: set[StatutEcheance] = set()
        charged = 0
        for day in _days(rng):
            exempted = {r.id for r in rows if rng.random() < 0.2}
            parameters = {echeance_sql.TODAY: day, echeance_sql.EXEMPTED: sorted(exempted)}
            answers = {
                i: json.loads(text) for i, text in await connection.execute(written, parameters)
            }
            for row in rows:
                statut = statut_of(row, day)
                instalment = Instalment(row.id, row.date_echeance, row.montant, row.montant_paye)
                majorations = (
                    Decimal(0)
                    if row.annulee
                    else compte_rules.majorations(instalment, day, exoneree=row.id in exempted)
                )
                expected = {
                    "statut": statut.name,
                    "resteDu": _money(instalment.reste_du),
                    "majorations": _money(majorations),
                }
                assert answers[row.id] == expected, (row, day)
                seen_statuses.add(statut)
                charged += majorations > 0
            for statut in StatutEcheance:
                filtered = select(Echeance.id).where(
                    Echeance.travailleur_id == worker_id, echeance_sql.has_statut(statut, day)
                )
                found = set((await connection.execute(filtered)).scalars())
                assert found == {r.id for r in rows if statut_of(r, day) is statut}, (statut, day)
    # Not vacuous: every status, and majorations charged many times.
    assert seen_statuses == set(StatutEcheance)
    assert charged > 100
