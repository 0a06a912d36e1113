"""Reminder e-mails of « Ma prévention santé »: opt-in, 30 days before an action is due,
one per action due date, with no health detail in the e-mail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from gateway.clock import Clock
from gateway.db import models
from gateway.db.models_prevention import RappelPrevention
from gateway.global_ids import decode_global_id
from gateway.services.prevention_rappels import RapportRappels, corps, queue_prevention_reminders
from tests.api.client import Api, api_for
from tests.api.prevention_world import RAPPELS, VACCINATION, build_family
from tests.conftest import TODAY, Database

BASE = "https://moncompte.example"


@pytest.fixture
async def family(db: Database):
    async with api_for(db) as api:
        yield api, await build_family(api)


async def run(api: Api, day: date) -> RapportRappels:
    return await queue_prevention_reminders(api.services.sessions, Clock.at(day), BASE)


async def outbox(api: Api) -> list[tuple[str, str, str, int | None]]:
    async with api.session() as session:
        rows = await session.scalars(
            select(models.CourrielSortant)
            .where(models.CourrielSortant.sujet == "Votre dossier de prévention")
            .order_by(models.CourrielSortant.id)
        )
        return [(r.destinataire, r.sujet, r.corps, r.travailleur_id) for r in rows]


async def reminders(api: Api) -> list[tuple[str, str, date]]:
    async with api.session() as session:
        rows = await session.scalars(select(RappelPrevention).order_by(RappelPrevention.id))
        return [(r.personne, r.programme.value, r.date_echeance) for r in rows]


async def test_nothing_is_sent_without_the_workers_opt_in(family) -> None:
    api, _ = family
    assert await run(api, TODAY) == RapportRappels(0, 0)
    assert await outbox(api) == []


async def test_one_mail_per_run_one_reminder_per_action_due_date_no_health_detail(family) -> None:
    api, fam = family
    on = await api.data(RAPPELS, {"input": {"actifs": True}}, fam.token)
    assert on["setRappelsPrevention"] == {"rappelsActifs": True, "userErrors": []}
    # Léna (2 months today) is due both infant vaccines today; nothing else within 30 days.
    assert await run(api, TODAY) == RapportRappels(1, 2)
    lena = fam.ids["Léna"]
    assert await reminders(api) == [
        (_key(lena), "NOURRISSON_DTCAP_HIB_HEPB", date(2026, 11, 23)),
        (_key(lena), "NOURRISSON_PNEUMOCOQUE", date(2026, 11, 23)),
    ]
    mails = await outbox(api)
    assert mails == [
        (fam.worker.courriel, "Votre dossier de prévention", corps(BASE), fam.worker.id)
    ]
    body = mails[0][2]
    for detail in ("Léna", "nourrisson", "vaccin", "2026", "pneumo", "Hugo"):
        assert detail.lower() not in body.lower()
    # Idempotent: the same day or the next, nothing more.
    assert await run(api, TODAY) == RapportRappels(0, 0)
    assert await run(api, date(2026, 11, 24)) == RapportRappels(0, 0)
    # A dose recorded moves the due date to 23/01/2027: its reminder comes 30 days before.
    await api.data(
        VACCINATION,
        {
            "input": {
                "ayantDroitId": lena,
                "vaccin": "NOURRISSON_DTCAP_HIB_HEPB",
                "date": "2026-11-23",
            }
        },
        fam.token,
    )
    assert await run(api, date(2026, 12, 23)) == RapportRappels(0, 0)
    assert await run(api, date(2026, 12, 24)) == RapportRappels(1, 1)
    assert (await reminders(api))[-1] == (
        _key(lena),
        "NOURRISSON_DTCAP_HIB_HEPB",
        date(2027, 1, 23),
    )
    off = await api.data(RAPPELS, {"input": {"actifs": False}}, fam.token)
    assert off["setRappelsPrevention"]["rappelsActifs"] is False
    assert await run(api, date(2027, 8, 24)) == RapportRappels(0, 0)  # ROR due 23/09/2027
    assert len(await outbox(api)) == 2


def _key(global_id: str) -> str:
    decoded = decode_global_id(global_id)
    assert decoded is not None
    return decoded[1]
