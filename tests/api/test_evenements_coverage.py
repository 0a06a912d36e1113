"""Each kind of change, made through its real mutation, writes its event exactly once
(mandates, radiation, rejected debit, direct debit and periodicity)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from domain.nomenclatures import Role
from gateway.db import models
from gateway.events.models import Evenement
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database

FEED = """query($types: [TypeEvenement!]) { evenements(first: 500, types: $types) {
  nodes { type travailleurId travailleur { id } objetIds donnees { statut actif
          anciennePeriodicite nouvellePeriodicite } } } }"""


async def new_events(api, since: int) -> list[Evenement]:
    async with api.session() as session:
        return list(
            await session.scalars(
                select(Evenement).where(Evenement.sequence > since).order_by(Evenement.sequence)
            )
        )


async def last_sequence(api) -> int:
    events = await new_events(api, 0)
    return events[-1].sequence if events else 0


async def test_the_mandate_lifecycle_and_a_radiation(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        agent = await api.login("agent@idf.fr", PASSWORD)
        start = await last_sequence(api)
        body = await api.data(
            "mutation($n: String!) { requestMandat(input: {nir: $n}) { userErrors { code } } }",
            {"n": world.unmandated.nir},
            admin,
        )
        assert body["requestMandat"]["userErrors"] == []
        async with api.session() as session:
            mail = await session.scalar(
                select(models.CourrielSortant.corps).order_by(models.CourrielSortant.id.desc())
            )
        key = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", mail).group(1)
        body = await api.data(
            """mutation($n: String!, $k: String!) {
                 activateMandat(input: {nir: $n, cleActivation: $k}) { userErrors { code } } }""",
            {"n": world.unmandated.nir, "k": key},
            admin,
        )
        assert body["activateMandat"]["userErrors"] == []
        worker = await api.login(world.unmandated.nir, WORKER_PASSWORD)
        mandats = await api.data("{ me { travailleur { mandats { id statut } } } }", token=worker)
        mandat_id = mandats["me"]["travailleur"]["mandats"][0]["id"]
        body = await api.data(
            "mutation($m: ID!) { revokeMandat(input: {mandatId: $m}) { userErrors { code } } }",
            {"m": mandat_id},
            worker,
        )
        assert body["revokeMandat"]["userErrors"] == []
        kinds = [(e.type, e.travailleur_id) for e in await new_events(api, start)]
        assert kinds == [
            ("MANDAT_DEMANDE", world.unmandated.id),
            ("MANDAT_ACTIVE", world.unmandated.id),
            ("MANDAT_REVOQUE", world.unmandated.id),
        ]
        # The cabinet sees the three (ids only: the client is no longer visible to it).
        nodes = (
            await api.data(
                FEED, {"types": ["MANDAT_DEMANDE", "MANDAT_ACTIVE", "MANDAT_REVOQUE"]}, admin
            )
        )["evenements"]["nodes"]
        assert [(n["type"], n["travailleur"], n["objetIds"]) for n in nodes] == [
            (kind, None, [mandat_id])
            for kind in ("MANDAT_DEMANDE", "MANDAT_ACTIVE", "MANDAT_REVOQUE")
        ]
        beta = await api.login("admin@beta.fr", PASSWORD)
        assert (await api.data(FEED, {"types": None}, beta))["evenements"]["nodes"] == []

        start = await last_sequence(api)
        body = await api.data(
            """mutation($i: RecordRadiationInput!) { recordRadiation(input: $i) {
                 userErrors { code } } }""",
            {
                "i": {
                    "travailleurId": encode_global_id("Travailleur", world.assigned.id),
                    "dateRadiation": "2026-11-20",
                }
            },
            agent,
        )
        assert body["recordRadiation"]["userErrors"] == []
        counts = Counter(e.type for e in await new_events(api, start))
        assert counts["RADIATION"] == 1
        assert counts["ECHEANCE_ANNULEE"] >= 1


async def test_a_rejected_debit_then_the_direct_debit_removed_and_set_again(db: Database):
    today = date(2026, 6, 10)
    async with api_for(db, today=today) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session,
                caisse_id=caisse.id,
                today=today,
                revenus_declares={2025: Decimal("43000")},
                paid_until=date(2026, 5, 1),
            )
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            await session.commit()
        agent = await api.login("agent@caisse.fr", PASSWORD)
        token = await api.login(worker.nir, WORKER_PASSWORD)
        gid = encode_global_id("Travailleur", worker.id)
        async with api.session() as session:
            june = await session.scalar(
                select(models.Echeance).where(
                    models.Echeance.travailleur_id == worker.id,
                    models.Echeance.date_echeance == date(2026, 6, 5),
                )
            )
        start = await last_sequence(api)
        body = await api.data(
            """mutation($e: ID!) { recordPrelevementRejete(input: {echeanceId: $e}) {
                 userErrors { code } } }""",
            {"e": encode_global_id("Echeance", june.id)},
            agent,
        )
        assert body["recordPrelevementRejete"]["userErrors"] == []
        events = await new_events(api, start)
        assert [e.type for e in events if e.type == "PRELEVEMENT_REJETE"] == ["PRELEVEMENT_REJETE"]
        # The rejected amount moved to the next instalment: both changed, once each.
        modified = [tuple(e.objets[0]) for e in events if e.type == "ECHEANCE_MODIFIEE"]
        assert len(modified) == len(set(modified)) == 2

        start = await last_sequence(api)
        body = await api.data(
            """mutation($t: ID!) { removePrelevementAutomatique(input: {travailleurId: $t}) {
                 userErrors { code } } }""",
            {"t": gid},
            token,
        )
        assert body["removePrelevementAutomatique"]["userErrors"] == []
        events = await new_events(api, start)
        summary = [(e.type, e.donnees) for e in events if not e.type.startswith("ECHEANCE_")]
        assert summary == [
            ("PERIODICITE_MODIFIEE", {"ancienne": "MENSUEL_5", "nouvelle": "TRIMESTRIEL"}),
            ("PRELEVEMENT_AUTOMATIQUE_MODIFIE", {"actif": False}),
        ] or summary == [
            ("PRELEVEMENT_AUTOMATIQUE_MODIFIE", {"actif": False}),
            ("PERIODICITE_MODIFIEE", {"ancienne": "MENSUEL_5", "nouvelle": "TRIMESTRIEL"}),
        ]
        start = await last_sequence(api)
        body = await api.data(
            """mutation($t: ID!) { setPrelevementAutomatique(input: {travailleurId: $t,
                 iban: "FR7630006000011234567890189", bic: "AGRIFRPP", titulaire: "Martin"}) {
                 userErrors { code } } }""",
            {"t": gid},
            token,
        )
        assert body["setPrelevementAutomatique"]["userErrors"] == []
        assert [(e.type, e.donnees) for e in await new_events(api, start)] == [
            ("PRELEVEMENT_AUTOMATIQUE_MODIFIE", {"actif": True})
        ]
        # A refused change writes nothing: the periodicity may change once a year.
        start = await last_sequence(api)
        for periodicite in ("MENSUEL_20", "MENSUEL_5"):
            await api.post(
                """mutation($t: ID!, $p: Periodicite!) { setPrelevementPeriodicite(input:
                     {travailleurId: $t, periodicite: $p}) { userErrors { code } } }""",
                {"t": gid, "p": periodicite},
                token,
            )
        kinds = Counter(e.type for e in await new_events(api, start))
        assert kinds["PERIODICITE_MODIFIEE"] == 1
