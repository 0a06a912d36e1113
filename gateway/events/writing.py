"""Writing events: derived from what a transaction changed, numbered at its commit.

Why derived from the ORM's changes and not written by each service: every path that
changes an account (mutations, jobs, future code) then emits its events without
having to remember to, and an attribute set to the value it already had is no change
(SQLAlchemy's history compares values), so only effective changes are reported.

*Capture.* Inside a write transaction (``begin_capture``), an ``after_flush`` hook
turns each flushed insert/update/delete of an account object into a pending event in
``session.info``. A refused action's savepoint rollback drops what it captured
(``discard_since``); a preview (rolled back) never writes its events.

*Numbering.* ``write_pending`` runs just before COMMIT: it merges the pending events
(one per changed object and kind), takes the next sequences from the one-row counter
``evenement_compteur`` (``INSERT … ON CONFLICT DO UPDATE SET valeur = valeur + n
RETURNING valeur``) and inserts the rows. That statement takes the counter's row lock,
held until the transaction ends, so a second writer waits for the first to *commit*
before getting its numbers: sequences are handed out in commit order. A reader's
snapshot that sees sequence n therefore sees every sequence below n; ``WHERE sequence
> cursor`` never skips an event committed late. (A database SEQUENCE would be assigned
before commit, and transactions commit out of order: a reader could see 11 before 10
exists.) The lock is taken last, so writers are serialised only over that final
instant. On SQLite the database's single write lock already serialises writers.

On PostgreSQL the transaction also sends ``NOTIFY gateway_evenements, '<last
sequence>'``, delivered to listeners at commit; in this process ``on_committed``
callbacks are told the last sequence after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.delais import StatutDelai
from domain.evenements import TypeEvenement
from domain.nomenclatures import ModePaiement, NatureRevenu, Situation, StatutMandat
from gateway.clock import Clock
from gateway.db import models
from gateway.events.models import CompteurEvenement, Evenement

PENDING = "gateway_evenements_en_attente"
CLOCK = "gateway_evenements_horloge"
NOTIFY_CHANNEL = "gateway_evenements"

#: Called (in this process) with the last sequence a transaction committed.
_committed_listeners: list[Callable[[int], None]] = []


def on_committed(listener: Callable[[int], None]) -> Callable[[], None]:
    """Register ``listener``; returns the function that unregisters it."""
    _committed_listeners.append(listener)
    return lambda: _committed_listeners.remove(listener)


@dataclass(slots=True)
class Pending:
    """An event captured at flush time, merged and numbered before commit."""

    type: TypeEvenement
    travailleur_id: int
    objets: list[tuple[str, int]]
    donnees: dict[str, Any] = field(default_factory=dict)
    cabinet_id: int | None = None
    # Events of one key merge into one (the same object changed twice is one change).
    key: tuple[Any, ...] = ()


NOW = "gateway_evenements_instant"


def begin_capture(session: AsyncSession, clock: Clock | None) -> None:
    session.info[PENDING] = []
    session.info[CLOCK] = clock or Clock()
    session.info.pop(NOW, None)


def end_capture(session: AsyncSession) -> None:
    for key in (PENDING, CLOCK, NOW):
        session.info.pop(key, None)


def _instant(info: dict[Any, Any]) -> datetime:
    """One time for the whole transaction: its events and ``updatedAt`` stamps agree."""
    if NOW not in info:
        info[NOW] = info[CLOCK].now()
    moment: datetime = info[NOW]
    return moment


def pending_mark(session: AsyncSession) -> int:
    return len(session.info.get(PENDING, ()))


def discard_since(session: AsyncSession, mark: int) -> None:
    """Forget what was captured after ``mark`` (a savepoint was rolled back)."""
    pending = session.info.get(PENDING)
    if pending is not None:
        del pending[mark:]


def queue(session: AsyncSession, events: Iterable[Pending]) -> None:
    """Add events no flushed row shows (what the date alone changed) to the
    transaction's; outside a write transaction there is nothing to add them to."""
    pending: list[Pending] | None = session.info.get(PENDING)
    if pending is not None:
        pending.extend(events)


def declaration_manquante(travailleur_id: int, annee: int, date_limite: date) -> Pending:
    return Pending(
        TypeEvenement.DECLARATION_MANQUANTE,
        travailleur_id,
        [("Travailleur", travailleur_id)],
        {"annee": annee, "dateLimite": date_limite.isoformat()},
        key=("declaration_manquante", travailleur_id, annee),
    )


async def write_pending(session: AsyncSession) -> int | None:
    """Number and insert the transaction's events; the last sequence, or None."""
    if PENDING not in session.info:
        return None
    await session.flush()
    merged = merge(session.info[PENDING])
    session.info[PENDING] = []
    if not merged:
        return None
    now = _instant(session.info)
    count = len(merged)
    # An upsert: the same row lock as an UPDATE, and a database emptied of its counter
    # row (a test's cleanup) starts again at 1 rather than failing.
    insert_counter = (sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert)(
        CompteurEvenement
    ).values(id=1, valeur=count)
    last = await session.scalar(
        insert_counter.on_conflict_do_update(
            index_elements=[CompteurEvenement.id],
            set_={"valeur": CompteurEvenement.valeur + count},
        ).returning(CompteurEvenement.valeur)
    )
    assert last is not None
    first = last - len(merged) + 1
    await session.execute(
        insert(Evenement),
        [
            {
                "sequence": first + i,
                "type": e.type,
                "horodatage": now,
                "travailleur_id": e.travailleur_id,
                "cabinet_id": e.cabinet_id,
                "objets": [list(o) for o in e.objets],
                "donnees": e.donnees,
            }
            for i, e in enumerate(merged)
        ],
    )
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_notify(NOTIFY_CHANNEL, str(last))))
    return int(last)


def committed(last: int | None) -> None:
    if last is None:
        return
    for listener in list(_committed_listeners):
        listener(last)


# Priority when several kinds of one object's change meet in one transaction: a
# created instalment is reported as created, a cancelled one as cancelled.
_RANK = {
    TypeEvenement.ECHEANCE_CREEE: 0,
    TypeEvenement.ECHEANCE_ANNULEE: 1,
    TypeEvenement.ECHEANCE_MODIFIEE: 2,
}


def merge(pending: Iterable[Pending]) -> list[Pending]:
    """One event per key, at the place of its first capture."""
    by_key: dict[tuple[Any, ...], Pending] = {}
    for item in pending:
        seen = by_key.get(item.key)
        if seen is None:
            by_key[item.key] = item
        elif _RANK.get(item.type, 9) < _RANK.get(seen.type, 9):
            seen.type, seen.donnees = item.type, item.donnees
        elif item.type is TypeEvenement.PRELEVEMENT_AUTOMATIQUE_MODIFIE:
            # The state after the transaction: active when a new mandate was signed.
            seen.donnees = {"actif": seen.donnees["actif"] or item.donnees["actif"]}
        elif item.type is TypeEvenement.PERIODICITE_MODIFIEE:
            seen.donnees = {**seen.donnees, "nouvelle": item.donnees["nouvelle"]}
        else:
            seen.donnees = item.donnees
    return [
        e
        for e in by_key.values()
        if not (
            e.type is TypeEvenement.PERIODICITE_MODIFIEE
            and e.donnees.get("ancienne") == e.donnees.get("nouvelle")
        )
    ]


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _changed(obj: Any, *names: str) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _before(obj: Any, name: str) -> Any:
    history = inspect(obj).attrs[name].history
    return history.deleted[0] if history.deleted else None


def _status(value: Any) -> str | None:
    return None if value is None else str(value)


def _on_new(obj: Any) -> Iterable[Pending]:
    if isinstance(obj, models.Echeance):
        yield Pending(
            TypeEvenement.ECHEANCE_CREEE,
            obj.travailleur_id,
            [("Echeance", obj.id)],
            {"montant": _money(obj.montant), "dateEcheance": obj.date_echeance.isoformat()},
            key=("echeance", obj.id),
        )
    elif isinstance(obj, models.Paiement):
        if obj.mode is not ModePaiement.CREDIT:
            yield Pending(
                TypeEvenement.PAIEMENT_ENREGISTRE,
                obj.travailleur_id,
                [("Paiement", obj.id)],
                {"montant": _money(obj.montant), "datePaiement": obj.date_paiement.isoformat()},
                key=("paiement", obj.id),
            )
    elif isinstance(obj, models.Revenu):
        yield _revenu(obj)
    elif isinstance(obj, models.DeclarationMicro):
        yield _chiffre_affaires(obj)
    elif isinstance(obj, models.Cotisation):
        yield _cotisations(obj)
    elif isinstance(obj, models.DelaiPaiement):
        yield _delai(obj, TypeEvenement.DELAI_DEMANDE)
    elif isinstance(obj, models.Attestation):
        yield Pending(
            TypeEvenement.ATTESTATION_EMISE,
            obj.travailleur_id,
            [("Attestation", obj.id)],
            {"typeAttestation": str(obj.type), "annee": obj.annee},
            key=("attestation", obj.id),
        )
    elif isinstance(obj, models.AvisAppel):
        yield Pending(
            TypeEvenement.AVIS_APPEL_EMIS,
            obj.travailleur_id,
            [("AvisAppel", obj.id)],
            {"annee": obj.annee, "revenuEstime": _money(obj.revenu_estime)},
            key=("avis", obj.id),
        )
    elif isinstance(obj, models.Mandat):
        yield _mandat(obj, TypeEvenement.MANDAT_DEMANDE)
    elif isinstance(obj, models.CoordonneesBancaires):
        yield _prelevement(obj.travailleur_id, actif=bool(obj.actif))


_DELAI_EVENTS = {
    StatutDelai.ACCEPTE: TypeEvenement.DELAI_ACCORDE,
    StatutDelai.REFUSE: TypeEvenement.DELAI_REFUSE,
    StatutDelai.DENONCE: TypeEvenement.DELAI_DENONCE,
    StatutDelai.SOLDE: TypeEvenement.DELAI_SOLDE,
    StatutDelai.RENEGOCIE: TypeEvenement.DELAI_RENEGOCIE,
}
_MANDAT_EVENTS = {
    StatutMandat.ACTIF: TypeEvenement.MANDAT_ACTIVE,
    StatutMandat.REVOQUE: TypeEvenement.MANDAT_REVOQUE,
    StatutMandat.ANNULE: TypeEvenement.MANDAT_ANNULE,
}


def _on_dirty(obj: Any) -> Iterable[Pending]:
    if isinstance(obj, models.Echeance):
        if _changed(obj, "annulee") and obj.annulee:
            yield Pending(
                TypeEvenement.ECHEANCE_ANNULEE,
                obj.travailleur_id,
                [("Echeance", obj.id)],
                {"montant": _money(obj.montant), "dateEcheance": obj.date_echeance.isoformat()},
                key=("echeance", obj.id),
            )
        elif _changed(obj, "montant", "date_echeance"):
            yield Pending(
                TypeEvenement.ECHEANCE_MODIFIEE,
                obj.travailleur_id,
                [("Echeance", obj.id)],
                {"montant": _money(obj.montant), "dateEcheance": obj.date_echeance.isoformat()},
                key=("echeance", obj.id),
            )
        if _changed(obj, "rejets") and obj.rejets > (_before(obj, "rejets") or 0):
            yield Pending(
                TypeEvenement.PRELEVEMENT_REJETE,
                obj.travailleur_id,
                [("Echeance", obj.id)],
                {"rejets": obj.rejets},
                key=("rejet", obj.id),
            )
    elif isinstance(obj, models.Paiement):
        # Only the credit of a year changes in place: part of a recomputation.
        if obj.annee_credit is not None and _changed(obj, "montant"):
            yield _cotisations_of(obj.travailleur_id, obj.annee_credit)
    elif isinstance(obj, models.Revenu):
        if _changed(obj, "montant", "nature"):
            yield _revenu(obj)
    elif isinstance(obj, models.DeclarationMicro):
        if _changed(obj, "chiffre_affaires"):
            yield _chiffre_affaires(obj)
    elif isinstance(obj, models.Cotisation):
        if _changed(obj, "montant", "assiette"):
            yield _cotisations(obj)
    elif isinstance(obj, models.DelaiPaiement):
        if _changed(obj, "statut") and obj.statut in _DELAI_EVENTS:
            yield _delai(obj, _DELAI_EVENTS[obj.statut])
    elif isinstance(obj, models.Mandat):
        if _changed(obj, "statut") and obj.statut in _MANDAT_EVENTS:
            yield _mandat(obj, _MANDAT_EVENTS[obj.statut])
    elif isinstance(obj, models.CoordonneesBancaires):
        if _changed(obj, "actif"):
            yield _prelevement(obj.travailleur_id, actif=bool(obj.actif))
    elif isinstance(obj, models.Travailleur):
        if _changed(obj, "periodicite"):
            yield Pending(
                TypeEvenement.PERIODICITE_MODIFIEE,
                obj.id,
                [("Travailleur", obj.id)],
                {
                    "ancienne": _status(_before(obj, "periodicite")),
                    "nouvelle": str(obj.periodicite),
                },
                key=("periodicite", obj.id),
            )
        if _changed(obj, "situation") and obj.situation is Situation.RADIE:
            fin = obj.date_fin_activite
            yield Pending(
                TypeEvenement.RADIATION,
                obj.id,
                [("Travailleur", obj.id)],
                {"dateFinActivite": fin.isoformat() if fin else None},
                key=("radiation", obj.id),
            )


def _on_deleted(obj: Any) -> Iterable[Pending]:
    if isinstance(obj, models.Cotisation):
        yield _cotisations(obj)
    elif isinstance(obj, models.Paiement) and obj.annee_credit is not None:
        yield _cotisations_of(obj.travailleur_id, obj.annee_credit)


def _revenu(obj: models.Revenu) -> Pending:
    kind = (
        TypeEvenement.REVENU_DECLARE
        if obj.nature is NatureRevenu.DECLARE
        else TypeEvenement.REVENU_ESTIME
    )
    return Pending(
        kind,
        obj.travailleur_id,
        [("Revenu", obj.id)],
        {"annee": obj.annee, "montant": _money(obj.montant)},
        key=("revenu", obj.id),
    )


def _chiffre_affaires(obj: models.DeclarationMicro) -> Pending:
    return Pending(
        TypeEvenement.CHIFFRE_AFFAIRES_DECLARE,
        obj.travailleur_id,
        [("DeclarationMicro", obj.id)],
        {"periode": obj.periode, "chiffreAffaires": _money(obj.chiffre_affaires)},
        key=("ca", obj.id),
    )


def _cotisations(obj: models.Cotisation) -> Pending:
    return _cotisations_of(obj.travailleur_id, obj.annee)


def _cotisations_of(travailleur_id: int, annee: int) -> Pending:
    return Pending(
        TypeEvenement.COTISATIONS_RECALCULEES,
        travailleur_id,
        [("Travailleur", travailleur_id)],
        {"annee": annee},
        key=("cotisations", travailleur_id, annee),
    )


def _delai(obj: models.DelaiPaiement, kind: TypeEvenement) -> Pending:
    return Pending(
        kind,
        obj.travailleur_id,
        [("DelaiPaiement", obj.id)],
        {"statut": str(obj.statut), "montant": _money(obj.montant)},
        key=("delai", obj.id, kind),
    )


def _mandat(obj: models.Mandat, kind: TypeEvenement) -> Pending:
    return Pending(
        kind,
        obj.travailleur_id,
        [("Mandat", obj.id)],
        {"statut": str(obj.statut)},
        cabinet_id=obj.cabinet_id,
        key=("mandat", obj.id, kind),
    )


def _prelevement(travailleur_id: int, *, actif: bool) -> Pending:
    return Pending(
        TypeEvenement.PRELEVEMENT_AUTOMATIQUE_MODIFIE,
        travailleur_id,
        [("Travailleur", travailleur_id)],
        {"actif": actif},
        key=("prelevement", travailleur_id),
    )


#: Objects whose ``modifie_le`` (``updatedAt``) a unit of work keeps.
_STAMPED = (
    models.Travailleur,
    models.Revenu,
    models.Echeance,
    models.Paiement,
    models.DelaiPaiement,
    models.Mandat,
)


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, _flush_context: Any, _instances: Any) -> None:
    """``modifie_le`` of the objects a write transaction creates or effectively changes."""
    if CLOCK not in session.info:
        return
    now = _instant(session.info)
    for obj in session.new:
        if isinstance(obj, _STAMPED):
            obj.modifie_le = now
    for obj in session.dirty:
        if isinstance(obj, _STAMPED) and session.is_modified(obj, include_collections=False):
            obj.modifie_le = now


@event.listens_for(Session, "after_flush")
def _capture(session: Session, _flush_context: Any) -> None:
    """After each flush (ids are known, attribute history not yet reset)."""
    pending: list[Pending] | None = session.info.get(PENDING)
    if pending is None:
        return
    batch: list[Pending] = []
    for obj in session.new:
        batch.extend(_on_new(obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            batch.extend(_on_dirty(obj))
    for obj in session.deleted:
        batch.extend(_on_deleted(obj))
    # Sets have no meaningful order: number one flush's events deterministically.
    batch.sort(key=lambda e: (e.travailleur_id, e.objets, e.type))
    pending.extend(batch)
