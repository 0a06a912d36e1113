"""Mandates: a cabinet asks, the worker hands over a key, the worker may revoke (SPEC §10).

1. ``requestMandat``: an accountant gives a worker's NIR. If the NIR is a worker's, a
   pending mandate is created and a random activation key (stored hashed, like a
   password) is e-mailed to the worker's contact address. The answer is the same
   whether the NIR exists or not: an accountant learns nothing about a person
   before the person agrees.
2. ``activateMandat``: the worker gave the key to the accountant, who enters it; the
   mandate becomes active and the cabinet sees the account at once (visibility is
   computed from the mandate table, ``gateway.auth.visibility``). A wrong, expired or
   unknown key gets one and the same refusal; after ``TENTATIVES_MAX`` wrong keys the
   pending mandate is cancelled and the worker told.
3. ``revokeMandat``: the worker ends a mandate (or declines a pending request); access
   disappears with the next query, and the cabinet's assignments of that client go.

Callers are checked by the resolver (an accountant of a cabinet for 1–2, the worker
for 3); each service runs in ``run_mutation`` (one transaction, audit, idempotency).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.identifiants import check_nir
from domain.nomenclatures import StatutMandat
from gateway.auth.principal import Principal
from gateway.context import Context
from gateway.db.models import AffectationCollaborateur, Cabinet, Mandat, Travailleur, Utilisateur
from gateway.db.repositories import workspace
from gateway.global_ids import decode_int_id
from gateway.services.outbox import queue_email
from gateway.services.unit_of_work import NotFound, Outcome, in_write_transaction, run_mutation

#: Days an activation key stays valid after the request.
CLE_VALIDITE_JOURS = 30
#: Wrong keys after which a pending mandate is cancelled.
TENTATIVES_MAX = 5
#: Unambiguous characters (no 0/O, 1/I/L): 12 of them carry 60 bits.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LONGUEUR_CLE = 12

DEMANDE_ENREGISTREE = (
    "Demande enregistrée : si ce NIR correspond à un compte, son titulaire reçoit par "
    "courriel une clé d'activation à vous transmettre s'il accepte."
)
CLE_REFUSEE = (
    "Clé d'activation invalide ou expirée pour ce NIR. Après "
    f"{TENTATIVES_MAX} essais incorrects, la demande est annulée."
)


class CleRefusee(DomainError):
    """Wrong, expired or unknown key: one refusal for all, audited on the worker if any."""

    code = "CLE_INVALIDE"

    def __init__(self, travailleur_id: int | None = None) -> None:
        super().__init__(CLE_REFUSEE, field="cleActivation")
        self.travailleur_id = travailleur_id


def new_key() -> str:
    """A random key shown as ``XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LONGUEUR_CLE))
    return "-".join(raw[i : i + 4] for i in range(0, LONGUEUR_CLE, 4))


def normalize_key(value: str) -> str:
    """What the worker may have typed: any case, with or without spaces and dashes."""
    return "".join(c for c in value.upper() if c.isalnum())


def key_expired(mandat: Mandat, today: date) -> bool:
    return today > mandat.date_demande + timedelta(days=CLE_VALIDITE_JOURS)


async def _cabinet(session: AsyncSession, cabinet_id: int | None) -> Cabinet:
    cabinet = await session.get(Cabinet, cabinet_id)
    if cabinet is None:  # an accountant always belongs to a cabinet
        raise RuntimeError(f"cabinet {cabinet_id} missing")
    return cabinet


async def request_mandat(
    ctx: Context, accountant: Principal, *, nir: str, idempotency_key: str | None
) -> Outcome:
    """Ask a worker for a mandate; the answer never says whether the NIR exists."""
    today = ctx.clock.today()
    passwords = ctx.services.passwords

    async def action(session: AsyncSession) -> Outcome:
        numero = check_nir(nir.replace(" ", ""))
        neutral = Outcome(reference={"message": DEMANDE_ENREGISTREE})
        # Hashed whatever happens next, so the response time does not tell either.
        key = new_key()
        hashed = await passwords.hash_async(normalize_key(key))
        travailleur = await workspace.travailleur_by_nir_unfiltered(session, numero)
        if travailleur is None:
            return neutral
        assert accountant.cabinet_id is not None
        mandats = await workspace.cabinet_mandats_for_update(
            session, accountant.cabinet_id, travailleur.id
        )
        if any(m.statut is StatutMandat.ACTIF for m in mandats):
            # Only a cabinet that already sees the worker can get this answer.
            raise DomainError(
                "Votre cabinet détient déjà un mandat actif pour ce travailleur.",
                field="nir",
                code="MANDAT_DEJA_ACTIF",
            )
        neutral.travailleur_id = travailleur.id
        pending = next((m for m in mandats if m.statut is StatutMandat.EN_ATTENTE), None)
        if pending is not None and pending.date_demande == today:
            return neutral  # one key a day: asking again does not flood the worker
        if pending is None:
            pending = Mandat(
                cabinet_id=accountant.cabinet_id,
                travailleur_id=travailleur.id,
                statut=StatutMandat.EN_ATTENTE,
                date_demande=today,
                tentatives_echouees=0,
            )
            session.add(pending)
        pending.cle_activation_hash = hashed
        pending.date_demande, pending.tentatives_echouees = today, 0
        cabinet = await _cabinet(session, accountant.cabinet_id)
        _mail_key(ctx, session, travailleur, cabinet, key, today)
        return neutral

    return await run_mutation(
        ctx, "requestMandat", action, idempotency_key=idempotency_key, audit_detail=f"nir={nir}"
    )


def _mail_key(
    ctx: Context,
    session: AsyncSession,
    travailleur: Travailleur,
    cabinet: Cabinet,
    key: str,
    today: date,
) -> None:
    limite = today + timedelta(days=CLE_VALIDITE_JOURS)
    queue_email(
        session,
        ctx.clock,
        destinataire=travailleur.courriel,
        sujet=f"{cabinet.nom} demande un mandat sur votre compte",
        corps=(
            f"Bonjour {travailleur.prenom} {travailleur.nom},\n\n"
            f"Le cabinet d'expertise comptable {cabinet.nom} (SIRET {cabinet.siret}) demande "
            "à consulter votre compte et à agir pour vous.\n\n"
            f"Si vous êtes d'accord, transmettez-lui cette clé d'activation : {key}\n"
            f"Elle est valable jusqu'au {limite:%d/%m/%Y}. Sinon, ignorez ce message : "
            "sans la clé, le cabinet n'a aucun accès.\n\n"
            "Vous pourrez révoquer ce mandat à tout moment depuis votre espace.\n"
        ),
        travailleur_id=travailleur.id,
    )


async def activate_mandat(
    ctx: Context,
    accountant: Principal,
    *,
    nir: str,
    cle_activation: str,
    idempotency_key: str | None,
) -> Outcome:
    """Enter the worker's key: the mandate becomes active, or one more wrong try."""
    today = ctx.clock.today()
    passwords = ctx.services.passwords
    wrong: dict[str, int] = {}

    async def action(session: AsyncSession) -> Outcome:
        numero = check_nir(nir.replace(" ", ""))
        cle = normalize_key(cle_activation)
        if not cle:
            raise DomainError(
                "Saisissez la clé d'activation reçue par votre client.",
                field="cleActivation",
                code="CLE_MANQUANTE",
            )
        travailleur = await workspace.travailleur_by_nir_unfiltered(session, numero)
        pending = None
        if travailleur is not None:
            assert accountant.cabinet_id is not None
            mandats = await workspace.cabinet_mandats_for_update(
                session, accountant.cabinet_id, travailleur.id
            )
            pending = next((m for m in mandats if m.statut is StatutMandat.EN_ATTENTE), None)
        # Checked against a decoy when there is nothing to check: same response time.
        matches = await passwords.verify_async(
            None if pending is None else pending.cle_activation_hash, cle
        )
        if travailleur is None or pending is None or key_expired(pending, today):
            raise CleRefusee(None if travailleur is None else travailleur.id)
        if not matches:
            wrong["mandat_id"] = pending.id
            raise CleRefusee(travailleur.id)
        pending.statut, pending.date_activation = StatutMandat.ACTIF, today
        pending.cle_activation_hash, pending.tentatives_echouees = None, 0
        collaborateur = accountant.utilisateur_id
        # A collaborator who obtained the mandate follows the client from now on.
        if (
            not accountant.administrateur_cabinet
            and collaborateur is not None
            and not await workspace.assigned_ids(session, collaborateur, [travailleur.id])
        ):
            session.add(
                AffectationCollaborateur(
                    utilisateur_id=collaborateur, travailleur_id=travailleur.id
                )
            )
        cabinet = await _cabinet(session, accountant.cabinet_id)
        queue_email(
            session,
            ctx.clock,
            destinataire=travailleur.courriel,
            sujet=f"{cabinet.nom} a désormais accès à votre compte",
            corps=(
                f"Bonjour {travailleur.prenom} {travailleur.nom},\n\n"
                f"Le cabinet {cabinet.nom} a saisi la clé d'activation que vous lui avez "
                "transmise : il peut désormais consulter votre compte et agir pour vous.\n"
                "Vous pouvez révoquer ce mandat à tout moment depuis votre espace.\n"
            ),
            travailleur_id=travailleur.id,
        )
        return Outcome(
            reference={"mandat_id": pending.id, "travailleur_id": travailleur.id},
            travailleur_id=travailleur.id,
        )

    outcome = await run_mutation(
        ctx, "activateMandat", action, idempotency_key=idempotency_key, audit_detail=f"nir={nir}"
    )
    if "mandat_id" in wrong:
        await _count_wrong_key(ctx, wrong["mandat_id"], today)
    return outcome


async def _count_wrong_key(ctx: Context, mandat_id: int, today: date) -> None:
    """Its own transaction: the refusal rolled the attempt back, the count must stay."""
    await in_write_transaction(ctx, lambda session: _count_in(ctx, session, mandat_id, today))


async def _count_in(ctx: Context, session: AsyncSession, mandat_id: int, today: date) -> None:
    mandat = await workspace.pending_mandat_for_update(session, mandat_id)
    if mandat is None:
        return
    mandat.tentatives_echouees += 1
    if mandat.tentatives_echouees >= TENTATIVES_MAX:
        mandat.statut, mandat.cle_activation_hash = StatutMandat.ANNULE, None
        mandat.date_revocation = today
        travailleur = await session.get(Travailleur, mandat.travailleur_id)
        cabinet = await _cabinet(session, mandat.cabinet_id)
        assert travailleur is not None
        queue_email(
            session,
            ctx.clock,
            destinataire=travailleur.courriel,
            sujet="Demande de mandat annulée",
            corps=(
                f"Bonjour {travailleur.prenom} {travailleur.nom},\n\n"
                f"{TENTATIVES_MAX} clés d'activation incorrectes ont été saisies pour la "
                f"demande de mandat du cabinet {cabinet.nom} : elle est annulée et la clé "
                "que vous avez reçue ne vaut plus rien. Le cabinet peut refaire une demande.\n"
            ),
            travailleur_id=travailleur.id,
        )


async def revoke_mandat(
    ctx: Context, worker: Principal, *, mandat_id: str, idempotency_key: str | None
) -> Outcome:
    """The worker ends a mandate (active or pending) of any cabinet."""
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        key = decode_int_id(mandat_id, "Mandat")
        mandat = None
        if key is not None and worker.travailleur_id is not None:
            mandat = await workspace.mandat_of_worker_for_update(
                session, worker.travailleur_id, key
            )
        if mandat is None:
            raise NotFound("Aucun mandat ne correspond à cet identifiant.", field="mandatId")
        if mandat.statut in (StatutMandat.REVOQUE, StatutMandat.ANNULE):
            raise DomainError(
                "Ce mandat n'est plus en vigueur : il n'y a rien à révoquer.",
                field="mandatId",
                code="MANDAT_INACTIF",
            )
        was_active = mandat.statut is StatutMandat.ACTIF
        mandat.statut, mandat.date_revocation = StatutMandat.REVOQUE, today
        mandat.cle_activation_hash = None
        members = select(Utilisateur.id).where(Utilisateur.cabinet_id == mandat.cabinet_id)
        await session.execute(
            delete(AffectationCollaborateur).where(
                AffectationCollaborateur.travailleur_id == mandat.travailleur_id,
                AffectationCollaborateur.utilisateur_id.in_(members),
            )
        )
        if was_active:
            for adresse in await workspace.cabinet_admin_addresses(session, mandat.cabinet_id):
                queue_email(
                    session,
                    ctx.clock,
                    destinataire=adresse,
                    sujet="Mandat révoqué par votre client",
                    corps=(
                        f"{worker.label} a révoqué le mandat de votre cabinet le "
                        f"{today:%d/%m/%Y} : son compte n'est plus accessible.\n"
                    ),
                )
        return Outcome(
            reference={"mandat_id": mandat.id, "travailleur_id": mandat.travailleur_id},
            travailleur_id=mandat.travailleur_id,
        )

    return await run_mutation(ctx, "revokeMandat", action, idempotency_key=idempotency_key)
