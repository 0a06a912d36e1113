"""The accountant's portfolio: the clients the principal sees, filtered, sorted, one page,
with each client's indicators and the totals of the filtered portfolio (issue 4).

Two SQL statements whatever the page size (``gateway.db.repositories.portfolio``);
the nested fields of the clients then go through the request's loaders, primed with
the page's rows.
"""

from __future__ import annotations

from domain.nomenclatures import Role
from gateway.context import Context
from gateway.db.repositories import portfolio as repository
from gateway.db.repositories.portfolio import Filtres, Indicateurs, Resume, Tri
from gateway.schema.errors import bad_user_input
from gateway.schema.portfolio import (
    IndicateursClient,
    PortfolioConnection,
    PortfolioEdge,
    PortfolioFiltre,
    PortfolioResume,
    PortfolioTri,
    SensTri,
)
from gateway.schema.relay import PageInfo, decode_int_id, encode_cursor, page_from
from gateway.schema.scalars import Money
from gateway.schema.travailleur import travailleur_type

MAX_PORTFOLIO_PAGE = 500
MAX_RECHERCHE = 100


def filtres_from(data: PortfolioFiltre | None) -> Filtres:
    """Check the filter arguments (BAD_USER_INPUT naming the field)."""
    if data is None:
        return Filtres()
    collaborateur_id = None
    if data.collaborateur_id is not None:
        collaborateur_id = decode_int_id(data.collaborateur_id, "Collaborateur")
        if collaborateur_id is None:
            raise bad_user_input(
                "filtre.collaborateurId : identifiant de collaborateur invalide.",
                "filtre.collaborateurId",
            )
    recherche = None
    if data.recherche is not None:
        recherche = data.recherche.strip() or None
        if recherche is not None and len(recherche) > MAX_RECHERCHE:
            raise bad_user_input(
                f"filtre.recherche : au plus {MAX_RECHERCHE} caractères.", "filtre.recherche"
            )
    return Filtres(
        situations=None if data.situations is None else tuple(data.situations),
        regime=data.regime,
        en_retard=data.en_retard,
        prochaine_echeance_avant=data.prochaine_echeance_avant,
        vigilance_obtenable=data.attestation_vigilance_obtenable,
        a_surveiller=data.a_surveiller,
        collaborateur_id=collaborateur_id,
        recherche=recherche,
    )


def _indicateurs(i: Indicateurs) -> IndicateursClient:
    return IndicateursClient(
        montant_en_retard=Money(i.montant_en_retard),
        du_ce_mois=Money(i.du_ce_mois),
        prochaine_echeance=i.prochaine_echeance,
        declarations_manquantes=i.declarations_manquantes,
        plan_denonce=i.plan_denonce,
        attestation_vigilance_obtenable=i.vigilance_obtenable,
        a_surveiller=i.a_surveiller,
    )


def _resume(r: Resume) -> PortfolioResume:
    return PortfolioResume(
        nombre_clients=r.nombre_clients,
        montant_en_retard=Money(r.montant_en_retard),
        du_ce_mois=Money(r.du_ce_mois),
        clients_en_retard=r.clients_en_retard,
        clients_declarations_manquantes=r.clients_declarations_manquantes,
        clients_plan_denonce=r.clients_plan_denonce,
        clients_a_surveiller=r.clients_a_surveiller,
        clients_attestation_vigilance_obtenable=r.clients_vigilance_obtenable,
    )


async def portfolio(
    ctx: Context,
    first: int | None,
    after: str | None,
    filtre: PortfolioFiltre | None = None,
    tri: PortfolioTri | None = None,
) -> PortfolioConnection:
    principal = ctx.require_role(Role.EXPERT_COMPTABLE)
    page = page_from(first, after, maximum=MAX_PORTFOLIO_PAGE, default=50)
    filtres = filtres_from(filtre)
    champ = Tri.NOM if tri is None else tri.champ
    sens = None if tri is None else tri.sens
    descending = champ is Tri.MONTANT_EN_RETARD if sens is None else sens is SensTri.DESC
    today = ctx.clock.today()
    resume = await repository.portfolio_summary(ctx.db, principal, today, filtres)
    rows = await repository.portfolio_page(
        ctx.db,
        principal,
        today,
        filtres,
        tri=champ,
        descending=descending,
        offset=page.offset,
        limit=page.limit,
    )
    edges = []
    for position, (row, indicateurs) in enumerate(rows):
        # Prime the loader: nested fields asking for the worker again cost no query.
        ctx.loaders.travailleur.prime(row.id, row)
        edges.append(
            PortfolioEdge(
                node=travailleur_type(row),
                cursor=encode_cursor(page.offset + position),
                indicateurs=_indicateurs(indicateurs),
            )
        )
    return PortfolioConnection(
        edges=edges,
        nodes=[e.node for e in edges],
        page_info=PageInfo(
            has_next_page=page.offset + len(edges) < resume.nombre_clients,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=resume.nombre_clients,
        resume=_resume(resume),
    )
