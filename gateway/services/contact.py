"""Updating a worker's contact details (personal data of the "Mon compte" portal)."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.identifiants import check_courriel
from gateway.context import Context
from gateway.services.accounts import travailleur_for_update
from gateway.services.outbox import queue_email
from gateway.services.unit_of_work import Outcome, run_mutation

# French numbers: 10 digits starting with 0, or +33 followed by 9 digits.
PHONE = re.compile(r"^(?:0\d{9}|\+33\d{9})$")


def check_telephone(value: str) -> str:
    compact = re.sub(r"[\s.\-]", "", value)
    if not PHONE.match(compact):
        raise DomainError(
            "Numéro de téléphone invalide : 10 chiffres commençant par 0, "
            "ou +33 suivi de 9 chiffres.",
            field="telephone",
            code="TELEPHONE_INVALIDE",
        )
    return compact


async def update_contact(
    ctx: Context,
    travailleur_id: str,
    courriel: str | None,
    telephone: str | None,
    idempotency_key: str | None,
) -> Outcome:
    principal = ctx.require_principal()

    async def action(session: AsyncSession) -> Outcome:
        # Check every input before touching anything: a refusal changes nothing.
        new_email = check_courriel(courriel) if courriel is not None else None
        new_phone = check_telephone(telephone) if telephone is not None else None
        if new_email is None and new_phone is None:
            raise DomainError(
                "Indiquez au moins un courriel ou un téléphone.",
                field="courriel",
                code="AUCUNE_MODIFICATION",
            )
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        previous_email = travailleur.courriel
        if new_email is not None:
            travailleur.courriel = new_email
        if new_phone is not None:
            travailleur.telephone = new_phone
        # Tell the previous address too: a takeover of the account would not go unnoticed.
        for address in sorted({previous_email, travailleur.courriel}):
            queue_email(
                session,
                ctx.clock,
                destinataire=address,
                sujet="Vos coordonnées ont été modifiées",
                corps=(
                    f"Bonjour {travailleur.prenom} {travailleur.nom},\n\n"
                    f"Les coordonnées de votre compte ont été modifiées par {principal.label}.\n"
                    f"Courriel : {travailleur.courriel}\n"
                    f"Téléphone : {travailleur.telephone or '-'}\n\n"
                    "Si vous n'êtes pas à l'origine de cette modification, contactez votre caisse."
                ),
                travailleur_id=travailleur.id,
            )
        return Outcome(reference={"travailleur_id": travailleur.id}, travailleur_id=travailleur.id)

    return await run_mutation(ctx, "updateContact", action, idempotency_key=idempotency_key)
