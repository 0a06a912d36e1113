"""E-mail outbox: messages are rows written in the transaction of the change they report.

If the transaction rolls back, the message is gone with it; once committed, a sender
delivers it (and retries) independently of the request.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clock import Clock
from gateway.db.models import CourrielSortant


def queue_email(
    session: AsyncSession,
    clock: Clock,
    *,
    destinataire: str,
    sujet: str,
    corps: str,
    travailleur_id: int | None = None,
) -> CourrielSortant:
    message = CourrielSortant(
        horodatage=clock.now(),
        destinataire=destinataire,
        sujet=sujet,
        corps=corps,
        travailleur_id=travailleur_id,
        tentatives=0,
        prochaine_tentative=clock.now(),
    )
    session.add(message)
    return message
