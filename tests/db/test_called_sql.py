"""A year's provisional contributions called, summed by the database
(``gateway.db.repositories.appel``), equal the domain rule (``provisional_called`` over
``called_instalments``) on both databases, over random accounts: several years, both
natures, cancelled instalments, rejected debits carried into later instalments (of the
same year or the next, cancelled or not), a credit per year or none, and workers the
caller may not see; and the year's other totals equal its lines."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from domain.appel_provisionnel import provisional_called
from domain.cotisations import CotisationCode
from domain.echeancier import NatureEcheance
from domain.nomenclatures import ModePaiement, NatureCotisation, Role
from gateway.auth.principal import Principal
from gateway.db.engine import RequestSession, session_factory
from gateway.db.models import Cotisation, Echeance, Paiement
from gateway.db.repositories.appel import year_totals_by_worker
from gateway.services.ledger import called_instalments, credit_of_year
from tests import builders
from tests.conftest import Database

RNG_SEED = 20261202
YEARS = (2024, 2025, 2026, 2027)


def _amount(rng: random.Random) -> Decimal:
    return Decimal(rng.choice([0, 1, 99, 12345, rng.randint(0, 10**7)])) / 100


async def _accounts(db: Database, rng: random.Random) -> tuple[int, int, list[int]]:
    """Random accounts of one caisse's workers, and one worker of another caisse."""
    async with session_factory(db.engine)() as session:
        caisse = await builders.caisse(session)
        elsewhere = await builders.caisse(session, region="Bretagne")
        workers = [(await builders.travailleur(session, caisse_id=caisse.id)).id for _ in range(12)]
        hidden = (await builders.travailleur(session, caisse_id=elsewhere.id)).id
        for worker in [*workers, hidden]:
            rows = []
            for _ in range(rng.randint(0, 30)):
                day = date(2024, 1, 5) + timedelta(days=rng.randint(0, 4 * 365 - 10))
                row = Echeance(
                    travailleur_id=worker,
                    annee=day.year,
                    nature=rng.choice(list(NatureEcheance)),
                    date_echeance=day,
                    montant=_amount(rng),
                    annulee=rng.random() < 0.15,
                )
                session.add(row)
                rows.append(row)
            await session.flush()
            rows.sort(key=lambda r: (r.date_echeance, r.id))
            for position, row in enumerate(rows[:-1]):
                if rng.random() < 0.3:  # a rejected debit carried into a later instalment
                    row.rejets = 1
                    row.report_vers_id = rng.choice(rows[position + 1 :]).id
                    row.montant_reporte = _amount(rng)
            for annee in YEARS:
                if rng.random() < 0.5:
                    session.add(
                        Paiement(
                            travailleur_id=worker,
                            date_paiement=date(annee, 6, 1),
                            montant=_amount(rng),
                            mode=ModePaiement.CREDIT,
                            reference=f"CREDIT-{worker}-{annee}",
                            annee_credit=annee,
                        )
                    )
        await session.commit()
        return caisse.id, hidden, workers


async def test_the_called_total_summed_by_the_database_equals_the_domain_rule(
    db: Database,
) -> None:
    rng = random.Random(RNG_SEED)
    caisse_id, hidden, workers = await _accounts(db, rng)
    agent = Principal(role=Role.AGENT, label="agent", caisse_id=caisse_id)
    async with session_factory(db.engine)() as session:
        instalments = list(await session.scalars(select(Echeance)))
        payments = list(await session.scalars(select(Paiement)))
        carried, nonzero = 0, 0
        for annee in YEARS:
            found = await year_totals_by_worker(
                RequestSession(session), agent, [*workers, hidden], annee
            )
            assert set(found) == set(workers), "only the workers the caller sees"
            for worker in workers:
                actives = [r for r in instalments if r.travailleur_id == worker and not r.annulee]
                credit = credit_of_year((p for p in payments if p.travailleur_id == worker), annee)
                expected = provisional_called(annee, called_instalments(actives), credit)
                assert found[worker].appele == expected, (worker, annee)
                nonzero += expected != 0
            carried += sum(1 for r in instalments if r.report_vers_id is not None)
    # Not vacuous: carried amounts, cancelled instalments and credits occur.
    assert carried > 20 and nonzero > 20
    assert any(r.annulee for r in instalments) and payments


async def test_a_years_other_totals_summed_by_the_database_equal_its_lines(db: Database) -> None:
    """The rest of a year's totals (lines per nature, the provisional basis of the first
    provisional line, the definitive total), over random lines of several years."""
    rng = random.Random(RNG_SEED + 1)
    async with session_factory(db.engine)() as session:
        caisse = await builders.caisse(session)
        workers = [(await builders.travailleur(session, caisse_id=caisse.id)).id for _ in range(8)]
        for worker in workers:
            for annee in YEARS:
                for nature in NatureCotisation:
                    codes = rng.sample(list(CotisationCode), rng.randint(0, 4))
                    for code in codes:
                        session.add(
                            Cotisation(
                                travailleur_id=worker,
                                annee=annee,
                                nature=nature,
                                code=code,
                                montant=_amount(rng),
                                assiette=_amount(rng),
                                detail={},
                                explication="-",
                                base_calcul=f"base {rng.randint(1, 99)}",
                                date_calcul=date(annee, 1, 15),
                            )
                        )
        await session.commit()
    agent = Principal(role=Role.AGENT, label="agent", caisse_id=caisse.id)
    async with session_factory(db.engine)() as session:
        lines = list(await session.scalars(select(Cotisation).order_by(Cotisation.id)))
        for annee in YEARS:
            found = await year_totals_by_worker(RequestSession(session), agent, workers, annee)
            for worker in workers:
                of_year = [c for c in lines if c.travailleur_id == worker and c.annee == annee]
                provisional = [c for c in of_year if c.nature is NatureCotisation.PROVISIONNELLE]
                definitive = [c for c in of_year if c.nature is NatureCotisation.DEFINITIVE]
                totals = found[worker]
                assert totals.provisionnelles == len(provisional)
                assert totals.base_provisionnelle == (
                    provisional[0].base_calcul if provisional else None
                )
                assert totals.definitives == len(definitive)
                assert totals.total_definitif == sum((c.montant for c in definitive), Decimal(0))
    assert any(c.nature is NatureCotisation.DEFINITIVE for c in lines)
