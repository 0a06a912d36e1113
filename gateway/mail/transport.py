"""How an outbox message leaves the building: SMTP in production, a folder in ``make run``.

The sender (``gateway.mail.sender``) only knows the ``MailTransport`` protocol, so the
retry logic is the same whichever transport is configured, and tests can swap in a fake.
A transport must raise when the message was not accepted: the sender marks a row sent
only when ``send`` returns.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

import aiosmtplib

from gateway.config import Settings


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One outbox row as the transports see it (no ORM object crosses the boundary)."""

    id: int
    destinataire: str
    sujet: str
    corps: str
    horodatage: datetime


class MailTransport(Protocol):
    async def send(self, mail: OutgoingMail) -> None:
        """Deliver ``mail``; raise if it was not accepted (the sender will retry)."""
        ...


def message_id(mail: OutgoingMail, sender: str) -> str:
    """A Message-ID derived from the outbox row, not random.

    If the process dies after the server accepted a message but before the row was
    marked sent, the retry carries the same Message-ID, so mail clients and relays can
    recognise the duplicate.
    """
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<outbox-{mail.id}.{int(mail.horodatage.timestamp())}@{domain}>"


def build_message(
    mail: OutgoingMail, sender: str, *, cte: str = "quoted-printable"
) -> EmailMessage:
    """A standard UTF-8 e-mail.

    Quoted-printable keeps the body 7-bit, so it goes through relays without 8BITMIME;
    the non-ASCII subject is RFC 2047-encoded when serialised. The Date is when the
    message was queued (the change it reports), not when a retry finally got through.
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.destinataire
    message["Subject"] = mail.sujet
    message["Date"] = format_datetime(mail.horodatage)
    message["Message-ID"] = message_id(mail, sender)
    message.set_content(mail.corps, charset="utf-8", cte=cte)
    return message


class SmtpTransport:
    """Delivery over SMTP with aiosmtplib, one connection per message.

    One connection per message keeps failures independent: a refused recipient or a
    dropped connection affects only that row. STARTTLS is used when the server offers it.
    """

    def __init__(self, host: str, port: int, sender: str, *, timeout: float = 30) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout = timeout

    async def send(self, mail: OutgoingMail) -> None:
        # aiosmtplib raises on any refusal (SMTPRecipientsRefused for our single
        # recipient, SMTPResponseException otherwise): returning means accepted.
        await aiosmtplib.send(
            build_message(mail, self.sender),
            sender=self.sender,
            recipients=[mail.destinataire],
            hostname=self.host,
            port=self.port,
            timeout=self.timeout,
        )

    def __repr__(self) -> str:
        return f"SmtpTransport({self.host}:{self.port})"


class FolderTransport:
    """Each message as an ``.eml`` file in a folder: ``make run`` without an SMTP server.

    The body is written in 8-bit UTF-8 with Unix line ends so the file reads well in
    a text editor; any mail client opens it too. Files are written then renamed, so a
    half-written file never appears under its final name.
    """

    def __init__(self, directory: Path, sender: str) -> None:
        self.directory = directory
        self.sender = sender

    def path_for(self, mail: OutgoingMail) -> Path:
        stamp = mail.horodatage.strftime("%Y%m%dT%H%M%S")
        return self.directory / f"{stamp}-{mail.id}.eml"

    async def send(self, mail: OutgoingMail) -> None:
        await asyncio.to_thread(self._write, mail)

    def _write(self, mail: OutgoingMail) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = build_message(mail, self.sender, cte="8bit").as_bytes()
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            os.replace(temporary, self.path_for(mail))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def __repr__(self) -> str:
        return f"FolderTransport({self.directory})"


def transport_for(settings: Settings) -> MailTransport:
    """SMTP when ``SMTP_HOST`` is set, else the mail folder (``GATEWAY_MAIL_DIR``)."""
    if settings.smtp_host:
        return SmtpTransport(settings.smtp_host, settings.smtp_port, settings.mail_sender)
    return FolderTransport(settings.mail_dir, settings.mail_sender)
