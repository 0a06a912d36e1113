"""The accountant's portfolio: the clients the principal sees, filtered, sorted, one page,
with each client's indicators and the totals of the filtered portfolio (issues 4, 11).

The indicators are the stored account situations (``situation_compte``), valid for
today: two SQL statements whatever the page and the cabinet size, the totals only
when ``totalCount`` or ``resume`` is selected, the page by keyset (``gateway.cursors``)
so that it costs its own size. The nested fields of the clients then go through the
request's loaders, primed with the page's rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import get_directive_values

from domain.nomenclatures import Role
from gateway import cursors
from gateway.context import Context
from gateway.db.repositories import portfolio as repository
from gateway.db.repositories.portfolio import Filtres, Resume, Tri
from gateway.schema.errors import bad_user_input
from gateway.schema.portfolio import (
    PortfolioConnection,
    PortfolioEdge,
    PortfolioFiltre,
    PortfolioResume,
    PortfolioTri,
    SensTri,
)
from gateway.schema.relay import Pagination, decode_int_id, page_info, window_from
from gateway.schema.scalars import Money
from gateway.schema.travailleur import travailleur_type
from gateway.services import situation_compte

MAX_PORTFOLIO_PAGE = 500
DEFAULT_PAGE = 50
# What ``totalCount`` and ``resume`` would show when not selected (never computed).
EMPTY = Resume(0, Decimal(0), Decimal(0), 0, 0, 0, 0, 0)
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
    if data.updated_since is not None and data.updated_since.utcoffset() is None:
        raise bad_user_input(
            "filtre.updatedSince : indiquez le fuseau horaire (par exemple 2026-11-23T10:00:00Z).",
            "filtre.updatedSince",
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
        modifie_depuis=data.updated_since,
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


def selected(info: Any) -> frozenset[str]:
    """The field names selected directly on the connection, through fragments and
    ``@skip``/``@include``, so that work is done only for what is asked."""
    raw = info._raw_info
    names: set[str] = set()

    def walk(selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            return
        for node in selection_set.selections:
            if not isinstance(node, FieldNode | InlineFragmentNode | FragmentSpreadNode):
                continue
            skip = get_directive_values(GraphQLSkipDirective, node, raw.variable_values)
            include = get_directive_values(GraphQLIncludeDirective, node, raw.variable_values)
            if (skip and skip.get("if")) or (include and not include.get("if")):
                continue
            if isinstance(node, FieldNode):
                names.add(node.name.value)
            elif isinstance(node, InlineFragmentNode):
                walk(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                fragment = raw.fragments.get(node.name.value)
                walk(fragment.selection_set if fragment is not None else None)

    for field_node in raw.field_nodes:
        walk(field_node.selection_set)
    return frozenset(names)


async def portfolio(
    ctx: Context,
    first: int | None,
    after: str | None,
    filtre: PortfolioFiltre | None = None,
    tri: PortfolioTri | None = None,
    *,
    last: int | None = None,
    before: str | None = None,
    fields: frozenset[str] = frozenset({"totalCount", "resume", "edges", "nodes", "pageInfo"}),
) -> PortfolioConnection:
    principal = ctx.require_role(Role.EXPERT_COMPTABLE)
    filtres = filtres_from(filtre)
    champ = Tri.NOM if tri is None else tri.champ
    sens = None if tri is None else tri.sens
    descending = champ is Tri.MONTANT_EN_RETARD if sens is None else sens is SensTri.DESC
    ordre = repository.order_of(champ, descending)
    window = window_from(
        ordre,
        Pagination(first, after, last, before),
        maximum=MAX_PORTFOLIO_PAGE,
        default=DEFAULT_PAGE,
    )
    today = ctx.clock.today()
    wants_totals = bool(fields & {"totalCount", "resume"})
    wants_page = bool(fields & {"edges", "nodes", "pageInfo"})
    # Only the page's rows need to be valid today when neither the totals, the order nor
    # the filters read the others: then the page is read first, whatever their day.
    page_alone = wants_page and not wants_totals
    page_alone = page_alone and not repository.reads_indicators(champ, filtres)

    async def read_page(any_day: bool) -> repository.PageClients:
        return await repository.portfolio_page(
            ctx.db,
            principal,
            today,
            filtres,
            tri=champ,
            descending=descending,
            window=window,
            any_day=any_day,
        )

    resume: Resume | None = None
    page: repository.PageClients | None = None
    if page_alone:
        page = await read_page(any_day=True)
        if page.stale:
            await situation_compte.ensure_fresh(ctx.db, today, principal, page.stale)
            page = None
    else:
        # The totals when asked for (else only whether any visible client's row is
        # stale); stale rows are refreshed, then read again.
        for attempt in range(2):
            if wants_totals:
                resume, stale = await repository.portfolio_summary(
                    ctx.db, principal, today, filtres
                )
            else:
                stale = await repository.stale_clients(ctx.db, principal, today)
            if not stale or attempt:
                break
            await situation_compte.ensure_fresh(ctx.db, today, principal)
    if page is None and wants_page:
        page = await read_page(any_day=False)
    rows = page.clients if page is not None else []
    more = len(rows) > window.limit
    if more:
        rows = rows[1:] if window.backward else rows[: window.limit]
    edges = []
    # Without ``edges``, only the page's ends have their cursor shown (``pageInfo``).
    every_cursor = "edges" in fields
    for position, (row, indicateurs) in enumerate(rows):
        # Prime the loader: nested fields asking for the worker again cost no query.
        ctx.loaders.travailleur.prime(row.id, row)
        shown = every_cursor or position in (0, len(rows) - 1)
        edges.append(
            PortfolioEdge(
                node=travailleur_type(row),
                cursor=cursors.encode(ordre.kind, repository.key_of(champ, row, indicateurs))
                if shown
                else "",
                figures=indicateurs,
            )
        )
    total = resume.nombre_clients if resume is not None else 0
    return PortfolioConnection(
        edges=edges,
        nodes=[e.node for e in edges],
        page_info=page_info([e.cursor for e in edges], more, window),
        total_count=total,
        resume=_resume(resume if resume is not None else EMPTY),
    )
