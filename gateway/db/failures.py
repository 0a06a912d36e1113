"""What a database error means for the caller: retry the work, or the database is away.

Drivers report these differently (sqlite3 error codes, PostgreSQL SQLSTATEs, asyncpg
raising ``OSError`` when it cannot connect); the rest of the gateway asks only these
questions.
"""

from __future__ import annotations

from sqlalchemy import exc

# sqlite3 primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
# PostgreSQL SQLSTATEs of a transaction that lost a race and may simply be run again
# (https://www.postgresql.org/docs/current/errcodes-appendix.html).
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})  # serialization, deadlock, lock
# The server is going away or not accepting connections yet.
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300", "08000", "08001", "08006"})


def is_lock_conflict(error: BaseException) -> bool:
    """Another transaction held what this one needed: running it again may succeed."""
    if not isinstance(error, exc.DBAPIError) or error.connection_invalidated:
        return False
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
    return _sqlstate(original) in RETRYABLE_SQLSTATES or "database is locked" in str(original)


def is_disconnect(error: BaseException) -> bool:
    """The connection was lost (killed, server restarted); a new one may work."""
    return isinstance(error, exc.DBAPIError) and error.connection_invalidated


def is_unavailable(error: BaseException) -> bool:
    """The database cannot serve the request now: unreachable, lost, or saturated."""
    if isinstance(error, OSError | exc.TimeoutError):  # refused, unreachable, pool exhausted
        return True
    if is_disconnect(error) or is_lock_conflict(error):
        return True
    if isinstance(error, exc.DBAPIError):
        if _sqlstate(error.orig) in UNAVAILABLE_SQLSTATES:
            return True
        return "unable to open database file" in str(error.orig)
    cause = error.__cause__
    return cause is not None and is_unavailable(cause)


def _sqlstate(original: BaseException | None) -> str | None:
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return str(state) if state else None
