"""Accounts and passwords: opening an account, changing and resetting the password
(issue 6 "Account creation"; SPEC §9–§10).

Nothing here tells a caller whether a NIR or an identifier exists: creation and reset
requests always get the same neutral answer, and take about as long (an argon2 hash is
computed either way). What happened is told by e-mail, to the address on file.
Both are throttled (``gateway.auth.throttling``) whether or not the account exists, so
the THROTTLED refusal is neutral too.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.identifiants import check_courriel, check_nir
from domain.nomenclatures import Role
from gateway.auth import opaque, records
from gateway.auth.throttling import (
    CREATE_ACCOUNT_PER_ADRESSE,
    CREATE_ACCOUNT_PER_NIR,
    RESET_PER_ADRESSE,
    RESET_PER_IDENTIFIANT,
    client_address,
)
from gateway.context import Context
from gateway.db.models import Travailleur, Utilisateur
from gateway.db.models_access import CodeReinitialisation
from gateway.services.authentication import (
    InvalidCredentials,
    claim_attempt,
    normalize_identifiant,
    refuse_if_throttled,
    start_refresh_family,
)
from gateway.services.outbox import queue_email
from gateway.services.unit_of_work import Outcome, run_mutation

NEUTRE_CREATION = "Si ce NIR correspond à un compte, un courriel a été envoyé."
NEUTRE_REINITIALISATION = "Si cet identifiant correspond à un compte, un courriel a été envoyé."
RESET_TTL = timedelta(hours=1)
LONGUEUR_MIN = 12
LONGUEUR_MAX = 128
SIGNATURE = "\n\nL'équipe Mon compte indépendant\n(message automatique, merci de ne pas répondre)"


def check_new_password(password: str, identifiant: str, field: str = "nouveauMotDePasse") -> None:
    """The password rules, each refusal naming the field."""
    if len(password) < LONGUEUR_MIN:
        raise DomainError(
            f"Le mot de passe doit contenir au moins {LONGUEUR_MIN} caractères "
            f"({len(password)} saisis).",
            field=field,
            code="MOT_DE_PASSE_TROP_COURT",
        )
    if len(password) > LONGUEUR_MAX:
        raise DomainError(
            f"Le mot de passe ne peut dépasser {LONGUEUR_MAX} caractères.",
            field=field,
            code="MOT_DE_PASSE_TROP_LONG",
        )
    if normalize_identifiant(password) == normalize_identifiant(identifiant):
        raise DomainError(
            "Le mot de passe ne peut pas être votre identifiant.",
            field=field,
            code="MOT_DE_PASSE_IDENTIFIANT",
        )


async def create_account(ctx: Context, nir: str, courriel: str) -> tuple[Outcome, int | None]:
    """Open the login of a worker known to the caisse; the provisional password goes
    by e-mail to the address on file, and must be changed at the first login.
    Returns the outcome and, when THROTTLED, the seconds to wait."""
    passwords = ctx.services.passwords
    claim = await claim_attempt(
        ctx,
        (CREATE_ACCOUNT_PER_ADRESSE, client_address(ctx.request)),
        (CREATE_ACCOUNT_PER_NIR, nir.replace(" ", "").upper()),
    )

    async def action(session: AsyncSession) -> Outcome:
        refuse_if_throttled(claim, field=None)
        numero = check_nir(nir.replace(" ", ""))
        adresse = check_courriel(courriel)
        password = opaque.provisional_password()
        password_hash = await passwords.hash_async(password)  # computed in every case: same timing
        travailleur = await session.scalar(select(Travailleur).where(Travailleur.nir == numero))
        if travailleur is None or travailleur.courriel.casefold() != adresse.casefold():
            return Outcome(reference={"message": NEUTRE_CREATION})
        existing = await session.scalar(
            select(Utilisateur.id).where(
                (Utilisateur.travailleur_id == travailleur.id) | (Utilisateur.identifiant == numero)
            )
        )
        if existing is not None:
            queue_email(
                session,
                ctx.clock,
                destinataire=travailleur.courriel,
                sujet="Votre compte existe déjà",
                corps=(
                    f"Bonjour {travailleur.prenom} {travailleur.nom},\n\n"
                    "Une ouverture de compte a été demandée pour votre numéro de sécurité "
                    "sociale, mais votre compte existe déjà. Si vous avez oublié votre mot de "
                    "passe, demandez sa réinitialisation depuis la page de connexion. Si vous "
                    "n'êtes pas à l'origine de cette demande, ignorez ce message." + SIGNATURE
                ),
                travailleur_id=travailleur.id,
            )
            return Outcome(reference={"message": NEUTRE_CREATION}, travailleur_id=travailleur.id)
        session.add(
            Utilisateur(
                identifiant=numero,
                role=Role.TRAVAILLEUR,
                nom_affiche=f"{travailleur.prenom} {travailleur.nom}",
                mot_de_passe_hash=password_hash,
                mot_de_passe_a_changer=True,
                travailleur_id=travailleur.id,
                administrateur_cabinet=False,
                actif=True,
            )
        )
        queue_email(
            session,
            ctx.clock,
            destinataire=travailleur.courriel,
            sujet="Votre compte Mon compte indépendant est ouvert",
            corps=(
                f"Bonjour {travailleur.prenom} {travailleur.nom},\n\n"
                "Votre compte est ouvert.\n"
                f"Identifiant : votre numéro de sécurité sociale ({numero})\n"
                f"Mot de passe provisoire : {password}\n\n"
                "À votre première connexion, vous devrez choisir un nouveau mot de passe "
                f"d'au moins {LONGUEUR_MIN} caractères." + SIGNATURE
            ),
            travailleur_id=travailleur.id,
        )
        return Outcome(reference={"message": NEUTRE_CREATION}, travailleur_id=travailleur.id)

    outcome = await run_mutation(ctx, "createAccount", action)
    return outcome, None if claim.allowed else claim.retry_after


async def change_password(ctx: Context, ancien: str, nouveau: str) -> tuple[Outcome, str | None]:
    """Change one's password (required after a provisional one). Every refresh token
    of the user is revoked; this session gets a new one, returned with the outcome."""
    principal = ctx.require_principal()
    issued: dict[str, str] = {}

    async def action(session: AsyncSession) -> Outcome:
        user = await records.active_user_for_update(session, id=principal.utilisateur_id)
        if user is None or not await ctx.services.passwords.verify_async(
            user.mot_de_passe_hash, ancien
        ):
            raise InvalidCredentials("Mot de passe actuel incorrect.", field="ancienMotDePasse")
        check_new_password(nouveau, user.identifiant)
        if nouveau == ancien:
            raise DomainError(
                "Le nouveau mot de passe doit être différent de l'actuel.",
                field="nouveauMotDePasse",
                code="MOT_DE_PASSE_INCHANGE",
            )
        user.mot_de_passe_hash = await ctx.services.passwords.hash_async(nouveau)
        user.mot_de_passe_a_changer = False
        now = ctx.clock.now()
        await records.revoke_refresh_tokens(session, now, "MOT_DE_PASSE", utilisateur_id=user.id)
        issued["refresh"] = start_refresh_family(session, ctx, user.id)
        return Outcome(reference={"utilisateur_id": user.id}, travailleur_id=user.travailleur_id)

    outcome = await run_mutation(ctx, "changeMotDePasse", action)
    return outcome, issued.get("refresh") if outcome.ok else None


def _reset_address(user: Utilisateur, travailleur: Travailleur | None) -> str:
    """Workers receive mail at their contact address; others log in with their e-mail."""
    return travailleur.courriel if travailleur is not None else user.identifiant


async def request_password_reset(ctx: Context, identifiant: str) -> tuple[Outcome, int | None]:
    """Send a single-use code valid one hour; earlier codes stop working. Returns the
    outcome and, when THROTTLED, the seconds to wait."""
    identifiant = normalize_identifiant(identifiant)
    claim = await claim_attempt(
        ctx,
        (RESET_PER_IDENTIFIANT, identifiant),
        (RESET_PER_ADRESSE, client_address(ctx.request)),
    )

    async def action(session: AsyncSession) -> Outcome:
        refuse_if_throttled(claim, field="identifiant")
        code = opaque.reset_code()
        user = await records.active_user_for_update(session, identifiant=identifiant)
        if user is None:
            return Outcome(reference={"message": NEUTRE_REINITIALISATION})
        now = ctx.clock.now()
        await records.retire_reset_codes(session, user.id, now)
        session.add(
            CodeReinitialisation(
                utilisateur_id=user.id,
                empreinte=opaque.digest(opaque.normalize_code(code)),
                cree_le=now,
                expire_le=now + RESET_TTL,
            )
        )
        travailleur = (
            await session.get(Travailleur, user.travailleur_id) if user.travailleur_id else None
        )
        queue_email(
            session,
            ctx.clock,
            destinataire=_reset_address(user, travailleur),
            sujet="Réinitialisation de votre mot de passe",
            corps=(
                f"Bonjour {user.nom_affiche},\n\n"
                f"Code de réinitialisation : {code}\n"
                "Il est valable une heure et ne sert qu'une fois. Si vous n'avez pas demandé "
                "à réinitialiser votre mot de passe, ignorez ce message : votre mot de passe "
                "actuel reste valable." + SIGNATURE
            ),
            travailleur_id=user.travailleur_id,
        )
        return Outcome(
            reference={"message": NEUTRE_REINITIALISATION}, travailleur_id=user.travailleur_id
        )

    outcome = await run_mutation(
        ctx, "requestPasswordReset", action, audit_detail=f"identifiant={identifiant}"
    )
    return outcome, None if claim.allowed else claim.retry_after


async def reset_password(ctx: Context, identifiant: str, code: str, nouveau: str) -> Outcome:
    """Set a new password with a valid code; every refresh token of the user is revoked."""
    identifiant = normalize_identifiant(identifiant)

    async def action(session: AsyncSession) -> Outcome:
        now = ctx.clock.now()
        user = await records.active_user_for_update(session, identifiant=identifiant)
        row = (
            await records.usable_reset_code(
                session, user.id, opaque.digest(opaque.normalize_code(code)), now
            )
            if user is not None
            else None
        )
        if user is None or row is None:
            raise DomainError(
                "Code de réinitialisation invalide ou expiré : demandez-en un nouveau.",
                field="code",
                code="INVALID_RESET_CODE",
            )
        check_new_password(nouveau, user.identifiant)
        user.mot_de_passe_hash = await ctx.services.passwords.hash_async(nouveau)
        user.mot_de_passe_a_changer = False
        await records.retire_reset_codes(session, user.id, now)
        await records.revoke_refresh_tokens(session, now, "MOT_DE_PASSE", utilisateur_id=user.id)
        return Outcome(reference={"utilisateur_id": user.id}, travailleur_id=user.travailleur_id)

    return await run_mutation(
        ctx, "resetPassword", action, audit_detail=f"identifiant={identifiant}"
    )
