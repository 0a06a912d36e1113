"""The boundary every mutation goes through: transaction, idempotency, audit.

Services never commit; this runner does, once, at the end (STYLE §3). A domain
refusal rolls everything back, then the refusal itself is audited.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.nomenclatures import IssueAudit
from gateway.auth.principal import Principal
from gateway.context import Context
from gateway.db.models import EvenementAudit, Idempotence
from gateway.loaders import Loaders

log = logging.getLogger(__name__)


class NotFound(DomainError):
    """The worker (or object) is unknown, or the caller may not see it: same answer."""

    code = "NOT_FOUND"


@dataclass(slots=True)
class Outcome:
    """What a mutation produced, JSON-able so a retry can replay it.

    ``reference`` names the objects the payload shows (ids); ``errors`` the refusals.
    """

    reference: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    travailleur_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "errors": self.errors,
            "travailleur_id": self.travailleur_id,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Outcome:
        return Outcome(
            reference=data.get("reference", {}),
            errors=data.get("errors", []),
            travailleur_id=data.get("travailleur_id"),
        )

    @staticmethod
    def refused(error: DomainError, travailleur_id: int | None = None) -> Outcome:
        return Outcome(
            errors=[{"field": error.field, "message": error.message, "code": error.code}],
            travailleur_id=travailleur_id,
        )


Action = Callable[[AsyncSession], Awaitable[Outcome]]


async def run_mutation(
    ctx: Context,
    operation: str,
    action: Action,
    *,
    idempotency_key: str | None = None,
    actor: Callable[[], Principal | None] | None = None,
    audit_detail: str = "",
    audit_errors: bool = True,
    dry_run: bool = False,
) -> Outcome:
    """Run ``action`` in one transaction, idempotently, and audit it.

    ``actor`` names who acted when it is only known afterwards (a login). A
    ``dry_run`` (preview) runs the same action and rolls it all back: nothing is
    written, audited or remembered. ``audit_errors=False`` keeps the refusal's text out
    of the audit event (health data: the operation and its result only).
    """
    session = ctx.db.session
    who = ctx.principal
    if dry_run:
        return await _preview(ctx, action)
    if idempotency_key is not None and who is not None:
        replay = await _recorded_outcome(session, who, idempotency_key, operation)
        if replay is not None:
            return replay
    try:
        outcome = await action(session)
    except DomainError as refusal:
        await session.rollback()
        outcome = Outcome.refused(refusal, getattr(refusal, "travailleur_id", None))
    except Exception:
        await session.rollback()
        raise
    if not outcome.ok:
        # The action may have written before refusing: nothing of it must stay.
        await session.rollback()
    if actor is not None:
        who = actor()
    _audit(ctx, session, who, operation, outcome, audit_detail, audit_errors=audit_errors)
    if idempotency_key is not None and who is not None:
        session.add(
            Idempotence(
                principal=who.key,
                cle=idempotency_key,
                operation=operation,
                resultat=outcome.to_json(),
                horodatage=ctx.clock.now(),
            )
        )
    await session.commit()
    # Payloads must show the state after the change, not what loaders cached before it.
    ctx.loaders = Loaders(ctx.db, ctx.principal)
    return outcome


async def _preview(ctx: Context, action: Action) -> Outcome:
    session = ctx.db.session
    try:
        outcome = await action(session)
    except DomainError as refusal:
        outcome = Outcome.refused(refusal)
    finally:
        await session.rollback()
    ctx.loaders = Loaders(ctx.db, ctx.principal)
    return outcome


async def _recorded_outcome(
    session: AsyncSession, who: Principal, key: str, operation: str
) -> Outcome | None:
    record = await session.scalar(
        select(Idempotence).where(Idempotence.principal == who.key, Idempotence.cle == key)
    )
    if record is None:
        return None
    if record.operation != operation:
        return Outcome(
            errors=[
                {
                    "field": "idempotencyKey",
                    "message": (
                        f"Cette clé d'idempotence a déjà servi pour l'opération {record.operation}."
                    ),
                    "code": "IDEMPOTENCY_KEY_REUSED",
                }
            ]
        )
    return Outcome.from_json(record.resultat)


def _audit(
    ctx: Context,
    session: AsyncSession,
    who: Principal | None,
    operation: str,
    outcome: Outcome,
    detail: str,
    *,
    audit_errors: bool,
) -> None:
    summary = {"detail": detail} if detail else {}
    if outcome.errors and audit_errors:
        summary["erreurs"] = "; ".join(str(e["message"]) for e in outcome.errors)
    session.add(
        EvenementAudit(
            horodatage=ctx.clock.now(),
            request_id=ctx.request_id,
            acteur_id=who.utilisateur_id if who else None,
            acteur=who.label if who else "anonyme",
            role=who.role if who else None,
            cabinet_id=who.cabinet_id if who else None,
            travailleur_id=outcome.travailleur_id,
            operation=operation,
            issue=IssueAudit.SUCCES if outcome.ok else IssueAudit.REFUS,
            detail=json.dumps(summary, ensure_ascii=False),
        )
    )
