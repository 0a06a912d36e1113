"""Direct debit: its periodicity, the SEPA mandate, and their effect on the schedule (SPEC §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.echeancier import (
    Instalment,
    NatureEcheance,
    Periodicite,
    decide_periodicity_change,
    move_to_periodicity,
)
from domain.errors import DomainError
from domain.identifiants import check_bic, check_iban
from domain.money import ZERO
from domain.nomenclatures import Regime, Situation
from gateway.auth.principal import Scope
from gateway.context import Context
from gateway.db.models import CoordonneesBancaires, Echeance, Travailleur
from gateway.db.repositories import account
from gateway.services.accounts import travailleur_for_update
from gateway.services.ledger import apply_schedule_change, reallocate_payments
from gateway.services.unit_of_work import Outcome, run_mutation


def _refuse_unless_schedule(travailleur: Travailleur) -> None:
    if travailleur.regime is Regime.MICRO:
        raise DomainError(
            "Les micro-entrepreneurs n'ont pas d'échéancier de cotisations provisionnelles.",
            field="travailleurId",
            code="REGIME_MICRO",
        )
    if travailleur.situation is Situation.RADIE:
        raise DomainError(
            "Activité radiée : plus d'échéance à venir.",
            field="travailleurId",
            code="TRAVAILLEUR_RADIE",
        )


async def apply_periodicity(
    session: AsyncSession, travailleur: Travailleur, demandee: Periodicite | None, today: date
) -> bool:
    """Decide and apply; True when the schedule changed. ``demandee=None`` forces
    TRIMESTRIEL without counting toward the yearly limit (direct debit removed, or two
    rejected debits in a row)."""
    counted = (
        [travailleur.date_changement_periodicite] if travailleur.date_changement_periodicite else []
    )
    decision = decide_periodicity_change(travailleur.periodicite, demandee, today, counted)
    if not decision.modifiee:
        return False
    travailleur.periodicite = decision.periodicite
    if decision.compte:
        travailleur.date_changement_periodicite = today
    # A periodicity change is a recomputation of the year (SPEC §4): the year's credit,
    # if any, is now dated on it (its amount stays: moving instalments changes no total).
    credit = await account.year_credit(session, travailleur.id, today.year)
    if credit is not None:
        credit.date_paiement = today
    await session.flush()
    await move_open_instalments(session, travailleur, decision.periodicite, today)
    return True


async def move_open_instalments(
    session: AsyncSession, travailleur: Travailleur, periodicite: Periodicite, today: date
) -> None:
    """Every open instalment — provisional and REGULARISATION, of every year — onto the
    dates of ``periodicite``, each (year, nature) split again on its own (SPEC §4).

    An amount carried in from a rejected debit is not split with the rest: it stays
    whole and travels with the first open instalment of the new dates, so a second
    rejection can still give it back to its own instalment.
    """
    rows = await account.instalments(session, travailleur.id)
    carried_in: dict[int, Decimal] = {}
    for row in rows:
        if row.report_vers_id is not None:
            carried_in[row.report_vers_id] = (
                carried_in.get(row.report_vers_id, ZERO) + row.montant_reporte
            )
    groupes: dict[tuple[int, NatureEcheance], list[Echeance]] = {}
    for row in rows:
        groupes.setdefault((row.annee, row.nature), []).append(row)
    ouvertes: dict[int, tuple[int, NatureEcheance]] = {}  # receiving open instalment → group
    anciennes = {row.id for row in rows}  # minus those reused below: not on the new dates
    for groupe, membres in groupes.items():
        change = move_to_periodicity(
            groupe[0],
            [
                Instalment(
                    r.id,
                    r.date_echeance,
                    r.montant - carried_in.get(r.id, ZERO),
                    r.montant_paye,
                    r.nature,
                )
                for r in membres
            ],
            periodicite,
            today,
            date_creation=travailleur.date_debut_activite,
        )
        apply_schedule_change(session, travailleur.id, groupe[0], membres, change)
        ouvertes.update({i: groupe for i in (*change.update, *change.cancel) if i in carried_in})
        anciennes -= set(change.update)
    await session.flush()
    if ouvertes:
        await _carry_to_the_new_dates(session, travailleur.id, ouvertes, carried_in, anciennes)
    await reallocate_payments(session, travailleur.id)


async def _carry_to_the_new_dates(
    session: AsyncSession,
    travailleur_id: int,
    ouvertes: dict[int, tuple[int, NatureEcheance]],
    carried_in: dict[int, Decimal],
    hors_nouvelles_dates: set[int],
) -> None:
    """Put each carried amount whose instalment moved on the first open instalment of
    its year and nature on the new dates, and point the rejected instalments at it."""
    rows = await account.instalments(session, travailleur_id)
    for ancien, groupe in ouvertes.items():
        nouvelles = [
            r for r in rows if (r.annee, r.nature) == groupe and r.id not in hors_nouvelles_dates
        ]
        cible = min(nouvelles, key=lambda r: (r.date_echeance, r.id), default=None)
        if cible is None:
            # No open date left for the group: the instalment keeps just the carried amount.
            cible = await session.get_one(Echeance, ancien)
            cible.annulee, cible.montant = False, ZERO
        cible.montant += carried_in[ancien]
        for row in rows:
            if row.report_vers_id == ancien:
                row.report_vers_id = cible.id


async def set_periodicite(
    ctx: Context, *, travailleur_id: str, periodicite: Periodicite, idempotency_key: str | None
) -> Outcome:
    principal = ctx.require_scope(Scope.PRELEVEMENT_WRITE)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        _refuse_unless_schedule(travailleur)
        if periodicite is not Periodicite.TRIMESTRIEL and not await account.active_bank_details(
            session, travailleur.id
        ):
            raise DomainError(
                "Sans prélèvement automatique, le paiement est trimestriel : enregistrez d'abord "
                "vos coordonnées bancaires (setPrelevementAutomatique).",
                field="periodicite",
                code="PRELEVEMENT_INACTIF",
            )
        changed = await apply_periodicity(session, travailleur, periodicite, today)
        return Outcome(
            reference={"travailleur_id": travailleur.id, "modifiee": changed},
            travailleur_id=travailleur.id,
        )

    return await run_mutation(
        ctx,
        "setPrelevementPeriodicite",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"periodicite={periodicite}",
    )


async def set_prelevement_automatique(
    ctx: Context,
    *,
    travailleur_id: str,
    iban: str,
    bic: str,
    titulaire: str,
    idempotency_key: str | None,
) -> Outcome:
    principal = ctx.require_scope(Scope.PRELEVEMENT_WRITE)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        clean_iban, clean_bic = check_iban(iban), check_bic(bic)
        holder = titulaire.strip()
        if not 2 <= len(holder) <= 200:
            raise DomainError(
                "Indiquez le titulaire du compte (2 à 200 caractères).",
                field="titulaire",
                code="TITULAIRE_INVALIDE",
            )
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        _refuse_unless_schedule(travailleur)
        sequence = await account.bank_details_count(session, travailleur.id) + 1
        for row in await account.active_bank_details(session, travailleur.id):
            row.actif, row.date_fin = False, today
        mandate = CoordonneesBancaires(
            travailleur_id=travailleur.id,
            iban=clean_iban,
            bic=clean_bic,
            titulaire=holder,
            # Unique mandate reference (RUM): the caisse's prefix, the account, a sequence.
            reference_mandat_sepa=f"RUM-SSI-{travailleur.id:08d}-{sequence:03d}-{today:%Y%m%d}",
            date_signature=today,
            actif=True,
        )
        session.add(mandate)
        return Outcome(reference={"travailleur_id": travailleur.id}, travailleur_id=travailleur.id)

    return await run_mutation(
        ctx, "setPrelevementAutomatique", action, idempotency_key=idempotency_key
    )


async def remove_prelevement_automatique(
    ctx: Context, *, travailleur_id: str, idempotency_key: str | None
) -> Outcome:
    principal = ctx.require_scope(Scope.PRELEVEMENT_WRITE)
    today = ctx.clock.today()

    async def action(session: AsyncSession) -> Outcome:
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        _refuse_unless_schedule(travailleur)
        active = await account.active_bank_details(session, travailleur.id)
        if not active:
            raise DomainError(
                "Aucun prélèvement automatique n'est en place.",
                field="travailleurId",
                code="PRELEVEMENT_INACTIF",
            )
        for row in active:
            row.actif, row.date_fin = False, today
        # Removing the direct debit forces TRIMESTRIEL; it does not count toward the yearly limit.
        await apply_periodicity(session, travailleur, None, today)
        return Outcome(reference={"travailleur_id": travailleur.id}, travailleur_id=travailleur.id)

    return await run_mutation(
        ctx, "removePrelevementAutomatique", action, idempotency_key=idempotency_key
    )
