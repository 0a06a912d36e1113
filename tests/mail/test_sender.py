"""Outbox delivery against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from gateway.clock import Clock
from gateway.config import Settings
from gateway.db.engine import session_factory
from gateway.db.models import CourrielSortant
from gateway.mail.sender import deliver_pending, retry_delay, run_sender_loop
from gateway.mail.transport import (
    FolderTransport,
    OutgoingMail,
    SmtpTransport,
    transport_for,
)
from tests.conftest import Database
from tests.mail.helpers import (
    CORPS,
    SENDER,
    SUJET,
    Collector,
    FakeClock,
    free_port,
    outbox,
    queue,
)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp_server(smtp_port: int) -> Iterator[Collector]:
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        yield collector
    finally:
        controller.stop()


async def test_queued_rows_are_delivered_intact_and_marked_sent(
    db: Database, smtp_server: Collector, smtp_port: int
) -> None:
    clock = Clock.at(date(2026, 11, 23))
    await queue(db, clock, count=2)
    transport = SmtpTransport("127.0.0.1", smtp_port, SENDER)

    report = await deliver_pending(session_factory(db.engine), transport, clock)

    assert (report.sent, report.failed) == (2, 0)
    assert [rcpt for _, rcpt, _ in smtp_server.messages] == [
        ["helene.0@example.fr"],
        ["helene.1@example.fr"],
    ]
    mail_from, _, message = smtp_server.messages[0]
    assert mail_from == SENDER
    assert message["Subject"] == SUJET
    assert message["From"] == SENDER
    assert message["To"] == "helene.0@example.fr"
    assert message["Message-ID"].endswith("@moncompte-independant.example>")
    assert message["Date"].datetime.date() == date(2026, 11, 23)
    body = message.get_body()
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == CORPS  # CRLF on the wire
    rows = await outbox(db)
    assert all(row.envoye_le is not None for row in rows)
    assert all(row.envoye_le.date() == date(2026, 11, 23) for row in rows if row.envoye_le)
    assert [(row.tentatives, row.prochaine_tentative) for row in rows] == [(0, None), (0, None)]

    again = await deliver_pending(session_factory(db.engine), transport, clock)
    assert again.attempted == 0
    assert len(smtp_server.messages) == 2


async def test_server_down_then_up_delivers_exactly_once(db: Database, smtp_port: int) -> None:
    clock = FakeClock()
    await queue(db, clock, count=2)
    transport = SmtpTransport("127.0.0.1", smtp_port, SENDER, timeout=5)
    sessions = session_factory(db.engine)

    down = await deliver_pending(sessions, transport, clock)

    assert (down.sent, down.failed, down.abandoned) == (0, 2, 0)
    for row in await outbox(db):
        assert row.envoye_le is None
        assert row.tentatives == 1
        assert row.derniere_erreur
        assert row.prochaine_tentative == clock.now() + retry_delay(1)

    # Server still down in effect: before the retry time nothing is attempted.
    clock.advance(timedelta(seconds=30))
    assert (await deliver_pending(sessions, transport, clock)).attempted == 0

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        early = await deliver_pending(sessions, transport, clock)
        assert early.attempted == 0 and collector.messages == []

        clock.advance(retry_delay(1))
        up = await deliver_pending(sessions, transport, clock)
        assert (up.sent, up.failed) == (2, 0)
        clock.advance(timedelta(hours=2))
        assert (await deliver_pending(sessions, transport, clock)).attempted == 0
    finally:
        controller.stop()

    assert sorted(rcpt[0] for _, rcpt, _ in collector.messages) == [
        "helene.0@example.fr",
        "helene.1@example.fr",
    ]
    rows = await outbox(db)
    assert all(row.envoye_le == clock.now() - timedelta(hours=2) for row in rows)
    assert [row.tentatives for row in rows] == [1, 1]


async def test_row_not_yet_due_is_not_sent(
    db: Database, smtp_server: Collector, smtp_port: int
) -> None:
    clock = FakeClock()
    (later,) = await queue(db, clock, destinataire="plus.tard@example.fr")
    async with session_factory(db.engine)() as session, session.begin():
        row = await session.get(CourrielSortant, later)
        assert row is not None
        row.prochaine_tentative = clock.now() + timedelta(minutes=10)
    await queue(db, clock, destinataire="maintenant@example.fr")
    transport = SmtpTransport("127.0.0.1", smtp_port, SENDER)

    report = await deliver_pending(session_factory(db.engine), transport, clock)

    assert report.sent == 1
    assert [rcpt for _, rcpt, _ in smtp_server.messages] == [["maintenant@example.fr"]]
    rows = {row.destinataire: row for row in await outbox(db)}
    assert rows["plus.tard@example.fr"].envoye_le is None
    assert rows["plus.tard@example.fr"].tentatives == 0


async def test_backoff_grows_then_stops_after_max_attempts(db: Database) -> None:
    class Refusing:
        async def send(self, mail: OutgoingMail) -> None:
            raise ConnectionRefusedError("relay unreachable")

    clock = FakeClock()
    (row_id,) = await queue(db, clock)
    sessions = session_factory(db.engine)
    delays = []
    for _ in range(3):
        report = await deliver_pending(sessions, Refusing(), clock, max_attempts=3)
        (row,) = await outbox(db)
        if row.prochaine_tentative is not None:
            delays.append(row.prochaine_tentative - clock.now())
            clock.current = row.prochaine_tentative
    assert delays == [timedelta(minutes=1), timedelta(minutes=2)]
    assert report.abandoned == 1
    (row,) = await outbox(db)
    assert (row.id, row.envoye_le, row.tentatives) == (row_id, None, 3)
    assert row.prochaine_tentative is None
    assert row.derniere_erreur == "ConnectionRefusedError: relay unreachable"
    clock.advance(timedelta(days=1))
    assert (await deliver_pending(sessions, Refusing(), clock, max_attempts=3)).attempted == 0


def test_retry_delay_is_capped_at_one_hour() -> None:
    assert [retry_delay(n).total_seconds() / 60 for n in range(1, 9)] == [
        1, 2, 4, 8, 16, 32, 60, 60,
    ]  # fmt: skip


async def test_one_failure_does_not_undo_the_others(db: Database) -> None:
    class FailsSecond:
        def __init__(self) -> None:
            self.sent: list[str] = []

        async def send(self, mail: OutgoingMail) -> None:
            if mail.destinataire == "helene.1@example.fr":
                raise OSError("mailbox busy")
            self.sent.append(mail.destinataire)

    clock = FakeClock()
    await queue(db, clock, count=3)
    transport = FailsSecond()

    report = await deliver_pending(session_factory(db.engine), transport, clock)

    assert (report.sent, report.failed) == (2, 1)
    assert transport.sent == ["helene.0@example.fr", "helene.2@example.fr"]
    sent = [(row.destinataire, row.envoye_le is not None) for row in await outbox(db)]
    assert sent == [
        ("helene.0@example.fr", True),
        ("helene.1@example.fr", False),
        ("helene.2@example.fr", True),
    ]


async def test_two_concurrent_senders_never_send_a_row_twice(db: Database) -> None:
    class Slow:
        def __init__(self, name: str, log: list[tuple[str, int]]) -> None:
            self.name, self.log = name, log

        async def send(self, mail: OutgoingMail) -> None:
            await asyncio.sleep(0.02)  # holds the row lock while "talking to SMTP"
            self.log.append((self.name, mail.id))

    clock = FakeClock()
    ids = await queue(db, clock, count=12)
    log: list[tuple[str, int]] = []
    sessions = session_factory(db.engine)

    reports = await asyncio.gather(
        deliver_pending(sessions, Slow("a", log), clock),
        deliver_pending(sessions, Slow("b", log), clock),
    )

    assert sorted(mail_id for _, mail_id in log) == ids
    assert {name for name, _ in log} == {"a", "b"}  # both did share the work
    assert sum(report.sent for report in reports) == 12


async def test_sender_loop_delivers_then_stops(
    db: Database, smtp_server: Collector, smtp_port: int
) -> None:
    clock = Clock.at(date(2026, 11, 23))
    stop = asyncio.Event()
    transport = SmtpTransport("127.0.0.1", smtp_port, SENDER)
    task = asyncio.create_task(
        run_sender_loop(
            session_factory(db.engine), transport, clock, interval_seconds=0.05, stop_event=stop
        )
    )
    await queue(db, clock)
    for _ in range(100):
        if smtp_server.messages:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert len(smtp_server.messages) == 1


async def test_folder_transport_writes_a_readable_eml(db: Database, tmp_path: Path) -> None:
    clock = Clock.at(date(2026, 11, 23))
    (row_id,) = await queue(db, clock)
    settings = Settings(mail_dir=tmp_path / "mail", smtp_host=None)
    transport = transport_for(settings)
    assert isinstance(transport, FolderTransport)

    report = await deliver_pending(session_factory(db.engine), transport, clock)

    assert report.sent == 1
    (path,) = (tmp_path / "mail").iterdir()
    assert path.name.startswith("20261123T") and path.name.endswith(f"-{row_id}.eml")
    raw = path.read_bytes()
    assert "Bonjour Hélène".encode() in raw  # readable as is in an editor
    parsed = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == SUJET
    assert parsed["To"] == "helene.0@example.fr"
    body = parsed.get_body()
    assert body is not None and body.get_content() == CORPS


def test_transport_for_picks_smtp_when_a_host_is_set() -> None:
    transport = transport_for(Settings(smtp_host="smtp.example.fr", smtp_port=587))
    assert isinstance(transport, SmtpTransport)
    assert (transport.host, transport.port) == ("smtp.example.fr", 587)
