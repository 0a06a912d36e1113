"""The cabinet's calendar: the window's rows in two statements
(``gateway.db.repositories.calendrier``), then the clients and instalments of the page
through the request's loaders (one batch each)."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.calendrier_cabinet import verifier_fenetre
from domain.echeancier import NatureEcheance
from domain.errors import DomainError
from domain.nomenclatures import Role
from gateway import cursors
from gateway.context import Context
from gateway.db import models
from gateway.db.repositories import calendrier as repository
from gateway.schema.calendrier import (
    EvenementCalendrier,
    EvenementCalendrierConnection,
    TypeEvenementCalendrier,
)
from gateway.schema.compte import echeance_type
from gateway.schema.errors import bad_input_from
from gateway.schema.relay import Pagination, encode_global_id, page_info, window_from
from gateway.schema.travailleur import travailleur_type

MAX_CALENDRIER_PAGE = 500


def _libelle(ligne: repository.LigneCalendrier, row: models.Echeance | None) -> str:
    if ligne.type == repository.DECLARATION_REVENUS:
        return f"Déclaration des revenus {ligne.annee}"
    if ligne.type == repository.DECLARATION_MICRO:
        return f"Déclaration du chiffre d'affaires {ligne.periode}"
    if row is not None and row.nature is NatureEcheance.REGULARISATION:
        return f"Échéance de régularisation {ligne.annee}"
    return f"Échéance provisionnelle {ligne.annee}"


async def calendrier_cabinet(
    ctx: Context, du: date, au: date, pagination: Pagination
) -> EvenementCalendrierConnection:
    principal = ctx.require_role(Role.EXPERT_COMPTABLE)
    ordre = repository.ORDRE_CALENDRIER
    window = window_from(ordre, pagination, maximum=MAX_CALENDRIER_PAGE, default=100)
    try:
        verifier_fenetre(du, au)
    except DomainError as error:
        raise bad_input_from(error) from error
    page = await repository.page(ctx.db, principal, du, au, window)
    lignes = page.items
    travailleurs = await ctx.loaders.travailleur.load_many(
        [ligne.travailleur_id for ligne in lignes]
    )
    echeance_ids = [ligne.echeance_id for ligne in lignes if ligne.echeance_id is not None]
    echeances = dict(
        zip(
            echeance_ids,
            await ctx.loaders.by_id(models.Echeance).load_many(echeance_ids),
            strict=True,
        )
    )
    today = ctx.clock.today()
    nodes = []
    for ligne, travailleur in zip(lignes, travailleurs, strict=True):
        row = None if ligne.echeance_id is None else echeances.get(ligne.echeance_id)
        nodes.append(
            EvenementCalendrier(
                date=ligne.jour,
                type=TypeEvenementCalendrier(ligne.type),
                libelle=_libelle(ligne, row),
                annee=ligne.annee,
                periode=ligne.periode,
                travailleur_id=strawberry.ID(encode_global_id("Travailleur", ligne.travailleur_id)),
                travailleur=None if travailleur is None else travailleur_type(travailleur),
                echeance=None if row is None else echeance_type(row, today),
            )
        )
    return EvenementCalendrierConnection(
        nodes=nodes,
        page_info=page_info(
            [cursors.encode(ordre.kind, key) for key in page.keys], page.more, window
        ),
        total_count=page.total,
    )
