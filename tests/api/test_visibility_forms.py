"""The visibility filter's two forms (``IN`` the visible workers, for scans of the whole
portfolio; ``EXISTS`` per row, for reads of given workers), each with the principal's
values bound or given at execution (statements built once per kind of principal), see
exactly the same workers, for every kind of principal, on a world with mandated,
assigned, revoked and unmandated workers in two caisses and two cabinets."""

from __future__ import annotations

from sqlalchemy import select

from domain.nomenclatures import Role
from gateway.auth.authenticate import principal_for
from gateway.auth.principal import Principal
from gateway.auth.visibility import (
    is_visible,
    visibility_kind,
    visibility_parameters,
    visible_to_kind,
)
from gateway.db import models
from tests.api.client import api_for
from tests.api.world import build_world
from tests.conftest import Database


async def test_both_forms_see_the_same_workers(db: Database) -> None:
    async with api_for(db) as api:
        world = await build_world(api)
        async with api.session() as session:
            users = list(await session.scalars(select(models.Utilisateur)))
            cabinets = list(await session.scalars(select(models.Cabinet.id)))
            principals: list[Principal | None] = [None, *(principal_for(u) for u in users)]
            principals += [
                Principal(
                    role=Role.EXPERT_COMPTABLE,
                    label="client OAuth2",
                    cabinet_id=cabinet,
                    oauth_client_id=f"client-{cabinet}",
                )
                for cabinet in cabinets
            ]
            roles = {p.role for p in principals if p is not None}
            assert roles == {Role.EXPERT_COMPTABLE, Role.AGENT, Role.TRAVAILLEUR}
            seen: dict[str | None, set[int]] = {}
            for principal in principals:
                forms = []
                kind, parameters = visibility_kind(principal), visibility_parameters(principal)
                for per_row in (False, True):
                    visible = select(models.Travailleur.id).where(
                        is_visible(models.Travailleur.id, principal, per_row=per_row)
                    )
                    # Also through a worker-owned table, as the nested reads use it.
                    owned = select(models.Mandat.travailleur_id).where(
                        is_visible(models.Mandat.travailleur_id, principal, per_row=per_row)
                    )
                    forms.append(
                        (set(await session.scalars(visible)), set(await session.scalars(owned)))
                    )
                    named = select(models.Travailleur.id).where(
                        visible_to_kind(models.Travailleur.id, kind, per_row=per_row)
                    )
                    named_owned = select(models.Mandat.travailleur_id).where(
                        visible_to_kind(models.Mandat.travailleur_id, kind, per_row=per_row)
                    )
                    forms.append(
                        (
                            set(await session.scalars(named, parameters)),
                            set(await session.scalars(named_owned, parameters)),
                        )
                    )
                assert all(form == forms[0] for form in forms), principal
                seen[None if principal is None else principal.identifiant] = forms[0][0]
    # Not vacuous: the admin sees both mandated workers, the collaborator the assigned
    # one only, an anonymous caller nobody.
    assert seen["admin@alpha.fr"] == {world.assigned.id, world.unassigned.id}
    assert seen["collab@alpha.fr"] == {world.assigned.id}
    assert seen[None] == set()
