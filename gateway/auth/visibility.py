"""Which workers a principal may see, as SQL (SPEC §10).

Every repository query that returns account data filters with
``is_visible(travailleur_id, principal)``: authorization is enforced where data is
read, and an invisible worker looks exactly like a missing one.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, literal, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from domain.nomenclatures import Role, StatutMandat
from gateway.auth.principal import Principal
from gateway.db.models import AffectationCollaborateur, Mandat, Travailleur


def visible_travailleur_ids(principal: Principal | None) -> Select[int]:
    """A subquery of the ids of the workers the principal may see."""
    if principal is None:
        return select(Travailleur.id).where(false())
    if principal.role is Role.TRAVAILLEUR:
        return select(literal(principal.travailleur_id or -1))
    if principal.role is Role.AGENT:
        return select(Travailleur.id).where(Travailleur.caisse_id == principal.caisse_id)
    mandated = select(Mandat.travailleur_id).where(
        Mandat.cabinet_id == principal.cabinet_id, Mandat.statut == StatutMandat.ACTIF
    )
    if principal.sees_whole_cabinet:
        return mandated
    return mandated.where(
        Mandat.travailleur_id.in_(
            select(AffectationCollaborateur.travailleur_id).where(
                AffectationCollaborateur.utilisateur_id == principal.utilisateur_id
            )
        )
    )


def is_visible(
    column: ColumnElement[int] | InstrumentedAttribute[int], principal: Principal | None
) -> ColumnElement[bool]:
    """The worker of ``column`` is visible: the filter every account query carries.

    Written as ``EXISTS`` on the worker's own mandate (or caisse) rather than ``IN`` the
    list of visible workers: for the rows of a few hundred workers SQLite then looks up
    each worker's mandate by index instead of building the cabinet's whole list first
    (half of a 500-client page's nested reads at 10 000 clients); PostgreSQL plans both
    as the same semi-join. The tables are aliased so that the subquery never correlates
    with a ``mandat`` or ``travailleur`` of the enclosing query."""
    if principal is None:
        return false()
    if principal.role is Role.TRAVAILLEUR:
        return column == (principal.travailleur_id or -1)
    if principal.role is Role.AGENT:
        worker = aliased(Travailleur)
        return exists().where(worker.id == column, worker.caisse_id == principal.caisse_id)
    mandat = aliased(Mandat)
    mandated = exists().where(
        mandat.travailleur_id == column,
        mandat.cabinet_id == principal.cabinet_id,
        mandat.statut == StatutMandat.ACTIF,
    )
    if principal.sees_whole_cabinet:
        return mandated
    affectation = aliased(AffectationCollaborateur)
    assigned = exists().where(
        affectation.travailleur_id == column,
        affectation.utilisateur_id == principal.utilisateur_id,
    )
    return and_(mandated, assigned)
