"""Which workers a principal may see, as SQL (SPEC §10).

Every repository query that returns account data filters on
``travailleur_id IN visible_travailleur_ids(principal)``: authorization is enforced
where data is read, and an invisible worker looks exactly like a missing one.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, literal, select
from sqlalchemy.orm import InstrumentedAttribute

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
    """``column IN (visible workers)``, the filter every account query carries."""
    if principal is not None and principal.role is Role.TRAVAILLEUR:
        return column == (principal.travailleur_id or -1)
    return column.in_(visible_travailleur_ids(principal))
