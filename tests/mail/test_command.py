"""``gateway mail send``: one pass drains what is due, through the configured transport."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gateway.clock import Clock
from gateway.mail.command import send_mail_command
from tests.conftest import TODAY, Database
from tests.conftest import test_settings as settings_for
from tests.mail.helpers import SUJET, outbox, queue, read_eml


async def test_send_mail_command_drains_the_outbox_to_the_folder(
    db: Database, tmp_path: Path
) -> None:
    await queue(db, Clock.at(TODAY), count=3)
    settings = replace(settings_for(db.url), mail_dir=tmp_path, smtp_host=None)

    report = await send_mail_command(settings)

    assert (report.sent, report.failed) == (3, 0)
    messages = read_eml(tmp_path)
    assert sorted(m["To"] for m in messages) == [f"helene.{i}@example.fr" for i in range(3)]
    assert {m["Subject"] for m in messages} == {SUJET}
    assert all(row.envoye_le is not None for row in await outbox(db))
    assert (await send_mail_command(settings)).attempted == 0
