"""A cabinet's collaborators and the clients assigned to them (SPEC §10).

A cabinet administrator invites collaborators (an EXPERT_COMPTABLE login of the
cabinet with a temporary password sent by e-mail, to be changed at the first login)
and assigns clients to them: a collaborator sees only the clients assigned to them
(``gateway.auth.visibility``), and only clients with an active mandate of the cabinet
can be assigned. The resolver checks that the caller administers a cabinet.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.identifiants import check_courriel
from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.context import Context
from gateway.db.models import AffectationCollaborateur, Cabinet, Utilisateur
from gateway.db.repositories import workspace
from gateway.global_ids import decode_int_id
from gateway.services.outbox import queue_email
from gateway.services.unit_of_work import NotFound, Outcome, run_mutation

#: Most clients assigned or unassigned in one request.
MAX_CLIENTS_PAR_AFFECTATION = 500
LONGUEUR_NOM = 200


def _check_nom(nom: str) -> str:
    cleaned = " ".join(nom.split())
    if not cleaned or len(cleaned) > LONGUEUR_NOM:
        raise DomainError(
            f"Indiquez le nom du collaborateur (1 à {LONGUEUR_NOM} caractères).",
            field="nom",
            code="NOM_INVALIDE",
        )
    return cleaned


async def invite_collaborateur(
    ctx: Context, admin: Principal, *, courriel: str, nom: str, idempotency_key: str | None
) -> Outcome:
    """Create the collaborator's login and e-mail them a temporary password."""
    passwords = ctx.services.passwords

    async def action(session: AsyncSession) -> Outcome:
        adresse = check_courriel(courriel).lower()
        nom_affiche = _check_nom(nom)
        if await workspace.identifiant_taken(session, adresse):
            raise DomainError(
                "Un compte utilise déjà cette adresse : choisissez-en une autre.",
                field="courriel",
                code="COURRIEL_DEJA_UTILISE",
            )
        temporaire = secrets.token_urlsafe(12)
        user = Utilisateur(
            identifiant=adresse,
            role=Role.EXPERT_COMPTABLE,
            nom_affiche=nom_affiche,
            mot_de_passe_hash=await passwords.hash_async(temporaire),
            mot_de_passe_a_changer=True,
            cabinet_id=admin.cabinet_id,
            administrateur_cabinet=False,
            actif=True,
        )
        session.add(user)
        await session.flush()
        cabinet = await session.get(Cabinet, admin.cabinet_id)
        nom_cabinet = cabinet.nom if cabinet is not None else "votre cabinet"
        queue_email(
            session,
            ctx.clock,
            destinataire=adresse,
            sujet=f"Votre accès collaborateur — {nom_cabinet}",
            corps=(
                f"Bonjour {nom_affiche},\n\n"
                f"{admin.label} vous a ouvert un accès collaborateur du cabinet {nom_cabinet}.\n"
                f"Identifiant : {adresse}\n"
                f"Mot de passe provisoire : {temporaire}\n\n"
                "Vous devrez le remplacer à la première connexion. Vous verrez les clients "
                "que votre cabinet vous affecte.\n"
            ),
        )
        return Outcome(reference={"collaborateur_id": user.id})

    return await run_mutation(
        ctx,
        "inviteCollaborateur",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"courriel={courriel.strip()}",
    )


async def _collaborateur(session: AsyncSession, admin: Principal, global_id: str) -> Utilisateur:
    key = decode_int_id(global_id, "Collaborateur")
    user = None if key is None else await workspace.collaborateur_for_update(session, admin, key)
    if user is None:
        raise NotFound(
            "Aucun collaborateur de votre cabinet ne correspond à cet identifiant.",
            field="collaborateurId",
        )
    if user.administrateur_cabinet:
        raise DomainError(
            "Un administrateur du cabinet voit déjà tous les clients : rien à affecter.",
            field="collaborateurId",
            code="COLLABORATEUR_ADMINISTRATEUR",
        )
    return user


async def _clients(session: AsyncSession, admin: Principal, global_ids: Sequence[str]) -> list[int]:
    """The clients' ids, each one with an active mandate of the cabinet (else NOT_FOUND
    naming its position, exactly as for an unknown id)."""
    if len(global_ids) > MAX_CLIENTS_PAR_AFFECTATION:
        raise DomainError(
            f"Au plus {MAX_CLIENTS_PAR_AFFECTATION} clients par demande ({len(global_ids)} reçus).",
            field="travailleurIds",
            code="TROP_D_ELEMENTS",
        )
    decoded = [decode_int_id(g, "Travailleur") for g in global_ids]
    visible = await workspace.visible_ids(session, admin, [i for i in decoded if i is not None])
    for position, key in enumerate(decoded):
        if key is None or key not in visible:
            raise NotFound(
                "Aucun client de votre portefeuille ne correspond à cet identifiant.",
                field=f"travailleurIds.{position}",
            )
    return list(dict.fromkeys(i for i in decoded if i is not None))


async def assign_clients(
    ctx: Context,
    admin: Principal,
    *,
    collaborateur_id: str,
    travailleur_ids: Sequence[str],
    idempotency_key: str | None,
) -> Outcome:
    """Assign clients to a collaborator (already assigned ones stay as they are)."""

    async def action(session: AsyncSession) -> Outcome:
        user = await _collaborateur(session, admin, collaborateur_id)
        clients = await _clients(session, admin, travailleur_ids)
        already = await workspace.assigned_ids(session, user.id, clients)
        session.add_all(
            AffectationCollaborateur(utilisateur_id=user.id, travailleur_id=t)
            for t in clients
            if t not in already
        )
        return Outcome(reference={"collaborateur_id": user.id, "travailleur_ids": clients})

    return await run_mutation(
        ctx,
        "assignClients",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"collaborateur={collaborateur_id} clients={len(travailleur_ids)}",
    )


async def unassign_clients(
    ctx: Context,
    admin: Principal,
    *,
    collaborateur_id: str,
    travailleur_ids: Sequence[str],
    idempotency_key: str | None,
) -> Outcome:
    """Take clients back from a collaborator (clients not assigned to them are ignored)."""

    async def action(session: AsyncSession) -> Outcome:
        user = await _collaborateur(session, admin, collaborateur_id)
        clients = await _clients(session, admin, travailleur_ids)
        await session.execute(
            delete(AffectationCollaborateur).where(
                AffectationCollaborateur.utilisateur_id == user.id,
                AffectationCollaborateur.travailleur_id.in_(clients),
            )
        )
        return Outcome(reference={"collaborateur_id": user.id, "travailleur_ids": clients})

    return await run_mutation(
        ctx,
        "unassignClients",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"collaborateur={collaborateur_id} clients={len(travailleur_ids)}",
    )
