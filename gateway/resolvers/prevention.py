"""« Ma prévention santé » resolvers: the worker's file, built from three statements
(the worker, their ayants droit, every recorded action) and the pure rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import strawberry

from domain.actualites import Axe, etat
from domain.nomenclatures import Role
from domain.prevention import DEFINITIONS, Nature, Personne, Programme, Sexe, age_le, dossier
from gateway.context import Context
from gateway.db.keyset import EMPTY
from gateway.db.models import Travailleur
from gateway.db.models_caisse import Actualite
from gateway.db.models_prevention import ActePrevention
from gateway.db.models_prevention import AyantDroit as AyantDroitRow
from gateway.db.models_prevention import ConseilPrevention as ConseilRow
from gateway.db.repositories import actualites as actualites_repository
from gateway.db.repositories import prevention as repository
from gateway.global_ids import encode_global_id, parse_key
from gateway.resolvers.payloads import user_errors
from gateway.schema.caisse import fil_of
from gateway.schema.prevention_types import (
    ActionPrevention,
    AddAyantDroitInput,
    AyantDroit,
    AyantDroitPayload,
    CiblageConseil,
    ConseilPrevention,
    ConseilPreventionPayload,
    DossierPrevention,
    MaPrevention,
    PublishConseilPreventionInput,
    RealisationPrevention,
    RecordDepistageInput,
    RecordPreventionPayload,
    RecordVaccinationInput,
    RemoveAyantDroitInput,
    RemoveAyantDroitPayload,
    SetRappelsPreventionInput,
    SetRappelsPreventionPayload,
    UpdateAyantDroitInput,
    WithdrawConseilPreventionInput,
)
from gateway.schema.relay import Connection, Pagination, connection, window_from
from gateway.services import prevention as service
from gateway.services.unit_of_work import Outcome


@dataclass(frozen=True, slots=True)
class Famille:
    titulaire: Travailleur
    ayants_droit: list[AyantDroitRow]
    actes: list[ActePrevention]
    rappels_actifs: bool


async def _famille(ctx: Context) -> Famille | None:
    """The principal's own family and records, read once per request (none for anyone
    but a worker: the owner-only filter of the repository)."""

    async def batch(keys: list[str]) -> list[Famille | None]:
        db, principal = ctx.loaders.db, ctx.principal
        titulaire = await repository.titulaire(db, principal)
        famille = None
        if titulaire is not None:
            famille = Famille(
                titulaire,
                await repository.ayants_droit(db, principal),
                await repository.actes(db, principal),
                await repository.rappels_actifs(db, principal),
            )
        return [famille for _ in keys]

    famille: Famille | None = await ctx.loaders.custom("prevention.famille", batch).load("moi")
    return famille


def _dossier(
    prenom: str, personne: Personne, actes: Sequence[ActePrevention], today: date
) -> DossierPrevention:
    faits = [(a.programme, a.date_realisation) for a in actes]  # actes: this person's only
    recents = sorted(actes, key=lambda a: (a.date_realisation, a.id), reverse=True)
    return DossierPrevention(
        prenom=prenom,
        date_naissance=personne.date_naissance,
        sexe=personne.sexe,
        age=age_le(personne.date_naissance, today),
        actions=[ActionPrevention.from_domain(a) for a in dossier(personne, faits, today)],
        realisations=[
            RealisationPrevention(
                programme=a.programme,
                nature=_nature(a),
                date_realisation=a.date_realisation,
                numero_lot=a.numero_lot,
            )
            for a in recents
        ],
    )


def _nature(acte: ActePrevention) -> Nature:
    return DEFINITIONS[acte.programme].nature


def _titulaire_dossier(famille: Famille, today: date) -> DossierPrevention:
    row = famille.titulaire
    actes = [a for a in famille.actes if a.ayant_droit_id is None]
    return _dossier(row.prenom, repository.personne_of(row), actes, today)


def _ayant_droit(famille: Famille, row: AyantDroitRow, today: date) -> AyantDroit:
    actes = [a for a in famille.actes if a.ayant_droit_id == row.id]
    personne = repository.personne_of(row)
    return AyantDroit(
        id=strawberry.ID(encode_global_id("AyantDroit", row.id)),
        prenom=row.prenom,
        date_naissance=row.date_naissance,
        sexe=row.sexe,
        lien=row.lien,
        dossier=_dossier(row.prenom, personne, actes, today),
    )


async def ma_prevention(ctx: Context) -> MaPrevention:
    """The worker's file; any other role is refused (FORBIDDEN) before anything is read."""
    ctx.require_role(Role.TRAVAILLEUR)
    famille = await _famille(ctx)
    if famille is None:  # a worker login without an account row: a data error
        raise RuntimeError("worker principal without a worker row")
    today = ctx.clock.today()
    return MaPrevention(
        titulaire=_titulaire_dossier(famille, today),
        ayants_droit=[_ayant_droit(famille, r, today) for r in famille.ayants_droit],
        rappels_actifs=famille.rappels_actifs,
    )


async def ayant_droit_node(ctx: Context, key: str) -> AyantDroit | None:
    """``node(id)`` of an ayant droit: the worker's own only; null for anyone else."""
    ident = parse_key(key)
    famille = await _famille(ctx) if ident is not None else None
    if famille is None:
        return None
    row = next((r for r in famille.ayants_droit if r.id == ident), None)
    return None if row is None else _ayant_droit(famille, row, ctx.clock.today())


# --- mutations ---------------------------------------------------------------------------


async def _payload_ayant_droit(ctx: Context, ayant_droit_id: object) -> AyantDroit | None:
    if ayant_droit_id is None:
        return None
    return await ayant_droit_node(ctx, str(ayant_droit_id))


async def _ayant_droit_payload(ctx: Context, outcome: Outcome) -> AyantDroitPayload:
    """The payload of an add or a change: the member as the worker now sees it."""
    return AyantDroitPayload(
        ayant_droit=await _payload_ayant_droit(ctx, outcome.reference.get("ayant_droit_id")),
        user_errors=user_errors(outcome),
    )


async def add_ayant_droit(ctx: Context, data: AddAyantDroitInput) -> AyantDroitPayload:
    outcome = await service.add_ayant_droit(
        ctx,
        prenom=data.prenom,
        date_naissance=data.date_naissance,
        sexe=data.sexe,
        lien=data.lien,
        idempotency_key=data.idempotency_key,
    )
    return await _ayant_droit_payload(ctx, outcome)


async def update_ayant_droit(ctx: Context, data: UpdateAyantDroitInput) -> AyantDroitPayload:
    outcome = await service.update_ayant_droit(
        ctx,
        ayant_droit_id=data.ayant_droit_id,
        prenom=data.prenom,
        date_naissance=data.date_naissance,
        sexe=data.sexe,
        lien=data.lien,
        idempotency_key=data.idempotency_key,
    )
    return await _ayant_droit_payload(ctx, outcome)


async def remove_ayant_droit(ctx: Context, data: RemoveAyantDroitInput) -> RemoveAyantDroitPayload:
    outcome = await service.remove_ayant_droit(
        ctx, ayant_droit_id=data.ayant_droit_id, idempotency_key=data.idempotency_key
    )
    return RemoveAyantDroitPayload(
        ayant_droit_id=data.ayant_droit_id if outcome.ok else None,
        user_errors=user_errors(outcome),
    )


async def _record_payload(
    ctx: Context, ok: bool, ayant_droit_id: object
) -> DossierPrevention | None:
    if not ok:
        return None
    if ayant_droit_id is not None:
        membre = await ayant_droit_node(ctx, str(ayant_droit_id))
        return None if membre is None else membre.dossier
    famille = await _famille(ctx)
    return None if famille is None else _titulaire_dossier(famille, ctx.clock.today())


async def record_vaccination(ctx: Context, data: RecordVaccinationInput) -> RecordPreventionPayload:
    return await _record(
        ctx, "recordVaccination", Nature.VACCINATION, "vaccin", data, data.vaccin, data.numero_lot
    )


async def record_depistage(ctx: Context, data: RecordDepistageInput) -> RecordPreventionPayload:
    return await _record(
        ctx, "recordDepistage", Nature.DEPISTAGE, "depistage", data, data.depistage, None
    )


async def _record(
    ctx: Context,
    operation: str,
    nature: Nature,
    champ: str,
    data: RecordVaccinationInput | RecordDepistageInput,
    programme: Programme,
    numero_lot: str | None,
) -> RecordPreventionPayload:
    outcome = await service.record_realisation(
        ctx,
        operation=operation,
        nature=nature,
        champ=champ,
        ayant_droit_id=data.ayant_droit_id,
        programme=programme,
        quand=data.date_realisation,
        numero_lot=numero_lot,
        idempotency_key=data.idempotency_key,
    )
    return RecordPreventionPayload(
        dossier=await _record_payload(ctx, outcome.ok, outcome.reference.get("ayant_droit_id")),
        user_errors=user_errors(outcome),
    )


async def set_rappels(ctx: Context, data: SetRappelsPreventionInput) -> SetRappelsPreventionPayload:
    outcome = await service.set_rappels(
        ctx, actifs=data.actifs, idempotency_key=data.idempotency_key
    )
    famille = await _famille(ctx) if outcome.ok else None
    return SetRappelsPreventionPayload(
        rappels_actifs=None if famille is None else famille.rappels_actifs,
        user_errors=user_errors(outcome),
    )


# --- advice ------------------------------------------------------------------------------


async def _profil(ctx: Context) -> tuple[int, Sexe] | None:
    """A worker's age and sex today (what advice is targeted on); None for an agent."""
    famille = await _famille(ctx)
    if famille is None:
        return None
    personne = repository.personne_of(famille.titulaire)
    return age_le(personne.date_naissance, ctx.clock.today()), personne.sexe


async def _conseils(
    ctx: Context, pairs: Sequence[tuple[Actualite, ConseilRow]]
) -> list[ConseilPrevention]:
    fil = await fil_of(ctx)
    cibles = await actualites_repository.cibles(ctx.loaders.db, fil, [a.id for a, _ in pairs])
    today = ctx.clock.today()
    return [
        ConseilPrevention(
            id=strawberry.ID(encode_global_id("ConseilPrevention", item.id)),
            titre=item.titre,
            contenu=item.contenu,
            date_publication=item.date_publication,
            date_fin=item.date_fin,
            etat=etat(item.date_publication, item.date_fin, item.date_retrait, today),
            date_retrait=item.date_retrait,
            ciblage=CiblageConseil(
                professions=[c.valeur for c in cibles.get(item.id, []) if c.axe is Axe.PROFESSION],
                age_min=conseil.age_min,
                age_max=conseil.age_max,
                sexe=conseil.sexe,
            ),
        )
        for item, conseil in pairs
    ]


async def conseils_page(ctx: Context, pagination: Pagination) -> Connection[ConseilPrevention]:
    """A worker's advice (online, for their profession, age and sex), or an agent's
    whole list; other roles are refused."""
    ctx.require_role(Role.TRAVAILLEUR, Role.AGENT)
    ordre = repository.ORDRE_CONSEILS
    window = window_from(ordre, pagination)
    fil = await fil_of(ctx)
    if fil is None:
        return connection([], EMPTY, window, ordre)
    page = await repository.conseils_page(ctx.loaders.db, fil, await _profil(ctx), window)
    return connection(await _conseils(ctx, page.items), page, window, ordre)


async def conseil_node(ctx: Context, key: str) -> ConseilPrevention | None:
    ident = parse_key(key)
    if ident is None:
        return None
    found = await repository.conseils_by_ids(
        ctx.loaders.db, await fil_of(ctx), await _profil(ctx), [ident]
    )
    pair = found.get(ident)
    return None if pair is None else (await _conseils(ctx, [pair]))[0]


async def _payload_conseil(ctx: Context, actualite_id: object) -> ConseilPrevention | None:
    if actualite_id is None:
        return None
    found = await repository.conseils_by_ids(
        ctx.loaders.db, await fil_of(ctx), None, [int(str(actualite_id))]
    )
    pair = found.get(int(str(actualite_id)))
    return None if pair is None else (await _conseils(ctx, [pair]))[0]


async def publish_conseil(
    ctx: Context, data: PublishConseilPreventionInput
) -> ConseilPreventionPayload:
    outcome = await service.publish_conseil(
        ctx,
        titre=data.titre,
        contenu=data.contenu,
        date_publication=data.date_publication,
        date_fin=data.date_fin,
        professions=list(data.professions),
        age_min=data.age_min,
        age_max=data.age_max,
        sexe=data.sexe,
        idempotency_key=data.idempotency_key,
    )
    return ConseilPreventionPayload(
        conseil=await _payload_conseil(ctx, outcome.reference.get("actualite_id")),
        user_errors=user_errors(outcome),
    )


async def withdraw_conseil(
    ctx: Context, data: WithdrawConseilPreventionInput
) -> ConseilPreventionPayload:
    outcome = await service.withdraw_conseil(
        ctx, conseil_id=data.conseil_id, idempotency_key=data.idempotency_key
    )
    return ConseilPreventionPayload(
        conseil=await _payload_conseil(ctx, outcome.reference.get("actualite_id")),
        user_errors=user_errors(outcome),
    )
