"""Reminder e-mails of « Ma prévention santé »: the job run daily (``gateway prevention
rappels``, before ``gateway mail send``).

For each worker who opted in, every action of their family's files coming due within
30 days (``domain.prevention.a_rappeler``) gets one reminder per due date: a row of
``rappel_prevention`` records it, so running the job again sends nothing more, and a
new due date (after a record) gets its own reminder. One e-mail per worker and run,
through the outbox, with no health detail: neither the person, the programme nor the
date, only an invitation to open the file (health data, GDPR art. 9).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.prevention import a_rappeler, dossier
from gateway.clock import Clock
from gateway.config import Settings
from gateway.db.engine import create_engine, session_factory
from gateway.db.models import Travailleur
from gateway.db.models_prevention import RappelPrevention
from gateway.db.repositories import prevention as repository
from gateway.services.outbox import queue_email

TITULAIRE = "titulaire"
SUJET = "Votre dossier de prévention"


def corps(base_url: str) -> str:
    """The same text for every reminder: nothing about whom or what it concerns."""
    return (
        "Bonjour,\n\n"
        "Une action de votre dossier de prévention arrive à échéance.\n"
        f"Consultez « Ma prévention santé » sur votre espace : {base_url}/\n\n"
        "Vous pouvez désactiver ces rappels depuis votre espace.\n"
    )


@dataclass(frozen=True, slots=True)
class RapportRappels:
    courriels: int = 0
    actions: int = 0


async def queue_prevention_reminders(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, base_url: str
) -> RapportRappels:
    """Queue the reminders due today, one transaction per worker (the preference row
    locked, so two concurrent runs cannot both send)."""
    async with sessions() as session:
        ids = [t.id for t in await repository.opted_in(session)]
    courriels = actions = 0
    for travailleur_id in ids:
        async with sessions() as session:
            sent = await _remind(session, clock, base_url, travailleur_id)
            await session.commit()
        courriels, actions = courriels + (1 if sent else 0), actions + sent
    return RapportRappels(courriels, actions)


async def _remind(session: AsyncSession, clock: Clock, base_url: str, travailleur_id: int) -> int:
    preference = await repository.preference_for_update(session, travailleur_id)
    titulaire = await session.get(Travailleur, travailleur_id)
    if preference is None or not preference.rappels_actifs or titulaire is None:
        return 0
    today = clock.today()
    membres, faits = await repository.family_of(session, travailleur_id)
    deja = await repository.reminders_sent(session, travailleur_id)
    personnes = [
        (TITULAIRE, None, repository.personne_of(titulaire)),
        *((str(m.id), m.id, repository.personne_of(m)) for m in membres),
    ]
    nouveaux: list[RappelPrevention] = []
    for cle, ayant_droit_id, personne in personnes:
        for action in dossier(personne, repository.faits_of(faits, ayant_droit_id), today):
            echeance = action.date_prochaine
            if echeance is None or not a_rappeler(action, today):
                continue
            if (cle, action.programme.code.value, echeance) in deja:
                continue
            nouveaux.append(
                RappelPrevention(
                    travailleur_id=travailleur_id,
                    personne=cle,
                    programme=action.programme.code,
                    date_echeance=echeance,
                    envoye_le=clock.now(),
                )
            )
    if nouveaux:
        session.add_all(nouveaux)
        queue_email(
            session,
            clock,
            destinataire=titulaire.courriel,
            sujet=SUJET,
            corps=corps(base_url),
            travailleur_id=travailleur_id,
        )
    return len(nouveaux)


async def prevention_reminders_command(settings: Settings) -> RapportRappels:
    """``gateway prevention rappels``: one pass over every opted-in worker."""
    from gateway.app import clock_for  # the app's date rules; imported late (heavy module)

    engine = create_engine(settings.database_url)
    try:
        return await queue_prevention_reminders(
            session_factory(engine), clock_for(settings), settings.public_base_url
        )
    finally:
        await engine.dispose()
