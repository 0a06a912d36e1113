"""The signing key ring: ES256 keys stored in the database, shared by every process.

The newest key that is not retired signs; every key whose tokens may still be alive
verifies (a retired key verifies until its last token has expired), so a rotation
(``gateway keys rotate``) needs no downtime. Each process reloads the ring every
``reload_after_seconds`` (to start signing with a newly rotated key) and at once when a
token names a key it does not know (signed by another process after a rotation).

On a database without any key, the first process that needs one creates and stores it
(logged): keys are never generated per process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from joserfc.jwk import ECKey
from sqlalchemy import delete, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.db.models_keys import CleSignature

log = logging.getLogger(__name__)

ALGORITHM = "ES256"
# Tokens are checked against a key's window with this margin for clock skew.
LEEWAY = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class StoredKey:
    kid: str
    key: ECKey
    created_at: datetime
    retired_at: datetime | None


def new_key_row(now: datetime) -> CleSignature:
    kid = f"{now:%Y%m%d}-{secrets.token_hex(4)}"
    key = ECKey.generate_key("P-256", parameters={"kid": kid, "use": "sig", "alg": ALGORITHM})
    return CleSignature(
        kid=kid,
        algorithme=ALGORITHM,
        jwk_prive=json.dumps(key.as_dict(private=True)),
        cree_le=now,
        retiree_le=None,
    )


def _stored(row: CleSignature) -> StoredKey:
    return StoredKey(
        kid=row.kid,
        key=ECKey.import_key(json.loads(row.jwk_prive)),
        created_at=row.cree_le,
        retired_at=row.retiree_le,
    )


async def verifying_keys(
    session: AsyncSession, now: datetime, token_ttl: timedelta
) -> list[CleSignature]:
    """Keys that sign or still verify, newest first."""
    still_verifies = now - token_ttl - LEEWAY
    rows = await session.scalars(
        select(CleSignature)
        .where(or_(CleSignature.retiree_le.is_(None), CleSignature.retiree_le > still_verifies))
        .order_by(CleSignature.cree_le.desc(), CleSignature.kid.desc())
    )
    return list(rows)


async def rotate(session: AsyncSession, now: datetime, token_ttl: timedelta) -> CleSignature:
    """Retire the signing key(s), store a new one, forget keys whose tokens have expired.
    The caller commits."""
    await session.execute(
        update(CleSignature).where(CleSignature.retiree_le.is_(None)).values(retiree_le=now)
    )
    await session.execute(
        delete(CleSignature).where(CleSignature.retiree_le <= now - token_ttl - LEEWAY)
    )
    row = new_key_row(now)
    session.add(row)
    await session.flush()
    return row


#: The advisory lock under which a first signing key is created (PostgreSQL).
KEY_LOCK = 1_103_012


class KeyRing:
    """The process's view of the stored keys (see the module docstring)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        token_ttl_seconds: int,
        reload_after_seconds: float = 30.0,
    ) -> None:
        self._sessions = sessions
        self._token_ttl = timedelta(seconds=token_ttl_seconds)
        self._reload_after = reload_after_seconds
        self._keys: list[StoredKey] = []
        self._loaded_at: float | None = None
        self._forced_at = 0.0
        self._lock = asyncio.Lock()

    async def ready(self, now: datetime) -> None:
        """Load the ring if it was never loaded or is older than the reload period."""
        loaded_at = self._loaded_at
        if loaded_at is None or time.monotonic() - loaded_at > self._reload_after:
            await self.reload(now)

    async def reload(self, now: datetime) -> None:
        async with self._lock:
            async with self._sessions() as session:
                rows = await verifying_keys(session, now, self._token_ttl)
                if not any(row.retiree_le is None for row in rows):
                    rows = await self._create_first_key(session, now)
            self._keys = [_stored(row) for row in rows]
            self._loaded_at = time.monotonic()

    async def _create_first_key(self, session: AsyncSession, now: datetime) -> list[CleSignature]:
        """A signing key for a database that has none, created by one process only: the
        check is made again inside a write transaction (SQLite's write lock, PostgreSQL's
        advisory lock), so processes starting together end with one key."""
        from gateway.services.unit_of_work import write_transaction

        await session.rollback()

        async def create(s: AsyncSession) -> list[CleSignature]:
            if s.get_bind().dialect.name == "postgresql":
                await s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": KEY_LOCK})
            rows = await verifying_keys(s, now, self._token_ttl)
            if any(row.retiree_le is None for row in rows):
                return rows  # another process created it meanwhile
            row = new_key_row(now)
            s.add(row)
            await s.flush()
            log.warning("no signing key in the database: created and stored %s", row.kid)
            return [row, *rows]

        return await write_transaction(session, create)

    @property
    def signing_key(self) -> StoredKey:
        for stored in self._keys:
            if stored.retired_at is None:
                return stored
        raise RuntimeError("key ring not loaded: await KeyRing.ready() first")

    def find(self, kid: str) -> ECKey | None:
        for stored in self._keys:
            if stored.kid == kid:
                return stored.key
        return None

    async def find_or_reload(self, kid: str, now: datetime) -> ECKey | None:
        """The key named by a token; an unknown kid reloads the ring once (it may come
        from a rotation done by another process)."""
        await self.ready(now)
        key = self.find(kid)
        # At most one forced reload a second, so forged kids cannot flood the database.
        if key is None and time.monotonic() - self._forced_at > 1.0:
            self._forced_at = time.monotonic()
            await self.reload(now)
            key = self.find(kid)
        return key

    def jwks(self) -> dict[str, Any]:
        """The public keys, as served at /.well-known/jwks.json (RFC 7517)."""
        return {"keys": [stored.key.as_dict(private=False) for stored in self._keys]}
