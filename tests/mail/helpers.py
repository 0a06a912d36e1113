"""Shared pieces of the mail tests: an SMTP collector, a hand-moved clock, outbox helpers."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gateway.db.engine import session_factory
from gateway.db.models import CourrielSortant
from gateway.services.outbox import queue_email
from tests.conftest import Database

SENDER = "ne-pas-repondre@moncompte-independant.example"
SUJET = "Votre estimation de revenu a été enregistrée"
CORPS = (
    "Bonjour Hélène,\n\n"
    "Votre estimation de revenu 2026 (42 500,00 €) a bien été prise en compte.\n"
    "En cas de sous-estimation, la différence sera régularisée l'année prochaine.\n\n"
    "Votre caisse — Sécurité sociale des indépendants\n"
)


class Collector:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    current: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


async def queue(db: Database, clock: Any, count: int = 1, **overrides: str) -> list[int]:
    sessions = session_factory(db.engine)
    async with sessions() as session, session.begin():
        rows = [
            queue_email(
                session,
                clock,
                destinataire=overrides.get("destinataire", f"helene.{i}@example.fr"),
                sujet=overrides.get("sujet", SUJET),
                corps=overrides.get("corps", CORPS),
            )
            for i in range(count)
        ]
    return [row.id for row in rows]


async def outbox(db: Database) -> list[CourrielSortant]:
    async with session_factory(db.engine)() as session:
        return list(await session.scalars(select(CourrielSortant).order_by(CourrielSortant.id)))


def read_eml(folder: Path) -> list[EmailMessage]:
    """The ``.eml`` files of a folder, parsed, in file-name order."""
    messages = []
    for path in sorted(folder.glob("*.eml")):
        parsed = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        messages.append(parsed)
    return messages
