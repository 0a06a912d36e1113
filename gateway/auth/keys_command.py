"""``gateway keys rotate`` and ``gateway keys list``: the stored signing keys."""

from __future__ import annotations

from datetime import timedelta

from gateway.app import clock_for
from gateway.auth import keys
from gateway.config import Settings
from gateway.db.engine import create_engine, session_factory


async def rotate_keys_command(settings: Settings) -> str:
    """Store a new signing key; the previous one keeps verifying until its tokens expire.
    Returns the new key's kid. Running processes start signing with it within their
    reload period (30 s)."""
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            row = await keys.rotate(
                session,
                clock_for(settings).now(),
                timedelta(seconds=settings.access_token_ttl_seconds),
            )
            await session.commit()
            return row.kid
    finally:
        await engine.dispose()


async def list_keys_command(settings: Settings) -> list[str]:
    """One line per key still in use: kid, created, and whether it signs."""
    engine = create_engine(settings.database_url)
    ttl = timedelta(seconds=settings.access_token_ttl_seconds)
    try:
        async with session_factory(engine)() as session:
            rows = await keys.verifying_keys(session, clock_for(settings).now(), ttl)
    finally:
        await engine.dispose()
    lines = []
    for row in rows:
        if row.retiree_le is None:
            state = "signe et vérifie"
        else:
            until = row.retiree_le + ttl + keys.LEEWAY
            state = (
                f"retirée le {row.retiree_le:%Y-%m-%d %H:%M}, "
                f"vérifie jusqu'au {until:%Y-%m-%d %H:%M} UTC"
            )
        lines.append(f"{row.kid}  créée le {row.cree_le:%Y-%m-%d %H:%M} UTC  {state}")
    return lines
