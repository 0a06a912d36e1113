"""Collaborators: invitation, list, assignment of clients (SPEC §10)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.nomenclatures import Role
from gateway.db import models
from gateway.schema.relay import encode_global_id
from tests.api.client import api_for, error_codes
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database

INVITE = """mutation($courriel: String!, $nom: String!) {
  inviteCollaborateur(input: {courriel: $courriel, nom: $nom}) {
    collaborateur { nom courriel administrateur actif motDePasseAChanger clients { totalCount } }
    userErrors { field message code }
  }
}"""
LIST = """{ collaborateurs {
  totalCount
  nodes { id nom courriel administrateur clients { totalCount nodes { nom } } }
} }"""
ASSIGN = """mutation($c: ID!, $t: [ID!]!) {
  assignClients(input: {collaborateurId: $c, travailleurIds: $t}) {
    collaborateur { nom clients { nodes { nom } } }
    userErrors { field message code }
  }
}"""
UNASSIGN = ASSIGN.replace("assignClients", "unassignClients")
PORTFOLIO = "{ portfolio { nodes { nom } } }"


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        admin = await api.login("admin@alpha.fr", PASSWORD)
        async with api.session() as session:
            users = {u.identifiant: u.id for u in await session.scalars(select(models.Utilisateur))}
        yield api, world, admin, users


def gid(kind: str, key: int) -> str:
    return encode_global_id(kind, key)


async def assignments(api) -> list[tuple[int, int]]:
    async with api.session() as session:
        rows = await session.execute(
            select(
                models.AffectationCollaborateur.utilisateur_id,
                models.AffectationCollaborateur.travailleur_id,
            ).order_by(
                models.AffectationCollaborateur.utilisateur_id,
                models.AffectationCollaborateur.travailleur_id,
            )
        )
        return [tuple(r) for r in rows]


async def users_and_mail(api) -> tuple[list, list]:
    async with api.session() as session:
        users = (
            await session.execute(
                select(models.Utilisateur.identifiant).order_by(models.Utilisateur.id)
            )
        ).all()
        mails = (
            await session.execute(
                select(models.CourrielSortant.destinataire, models.CourrielSortant.sujet)
            )
        ).all()
        return users, mails


async def test_an_admin_invites_a_collaborator_with_a_temporary_password(setting) -> None:
    api, _, admin, _ = setting
    data = await api.data(INVITE, {"courriel": " Lea.Roy@Alpha.fr ", "nom": "Léa  Roy"}, admin)
    assert data["inviteCollaborateur"] == {
        "collaborateur": {
            "nom": "Léa Roy",
            "courriel": "lea.roy@alpha.fr",
            "administrateur": False,
            "actif": True,
            "motDePasseAChanger": True,
            "clients": {"totalCount": 0},
        },
        "userErrors": [],
    }
    async with api.session() as session:
        user = await session.scalar(
            select(models.Utilisateur).where(models.Utilisateur.identifiant == "lea.roy@alpha.fr")
        )
        mail = await session.scalar(select(models.CourrielSortant))
        alpha = await session.scalar(
            select(models.Utilisateur.cabinet_id).where(
                models.Utilisateur.identifiant == "admin@alpha.fr"
            )
        )
    assert (user.role, user.cabinet_id, user.mot_de_passe_a_changer) == (
        Role.EXPERT_COMPTABLE,
        alpha,
        True,
    )
    assert mail.destinataire == "lea.roy@alpha.fr"
    assert mail.sujet == "Votre accès collaborateur — Cabinet Alpha"
    temporary = mail.corps.split("Mot de passe provisoire : ")[1].split("\n")[0]
    assert len(temporary) >= 16 and temporary not in user.mot_de_passe_hash
    assert api.services.passwords.verify(user.mot_de_passe_hash, temporary)


@pytest.mark.parametrize(
    ("courriel", "nom", "error"),
    [
        (
            "collab@alpha.fr",
            "Doublon",
            {
                "field": ["input", "courriel"],
                "message": "Un compte utilise déjà cette adresse : choisissez-en une autre.",
                "code": "COURRIEL_DEJA_UTILISE",
            },
        ),
        ("pas-une-adresse", "X", {"field": ["input", "courriel"], "code": "COURRIEL_INVALIDE"}),
        (
            "new@alpha.fr",
            "   ",
            {
                "field": ["input", "nom"],
                "message": "Indiquez le nom du collaborateur (1 à 200 caractères).",
                "code": "NOM_INVALIDE",
            },
        ),
    ],
)
async def test_a_refused_invitation_changes_nothing(setting, courriel, nom, error) -> None:
    api, _, admin, _ = setting
    before = await users_and_mail(api)
    data = await api.data(INVITE, {"courriel": courriel, "nom": nom}, admin)
    assert data["inviteCollaborateur"]["collaborateur"] is None
    [got] = data["inviteCollaborateur"]["userErrors"]
    assert {k: got[k] for k in error} == error
    assert await users_and_mail(api) == before


async def test_an_admin_lists_the_members_of_the_cabinet_with_their_clients(setting) -> None:
    api, _, admin, users = setting
    assert await api.data(LIST, {}, admin) == {
        "collaborateurs": {
            "totalCount": 2,
            "nodes": [
                {
                    "id": gid("Collaborateur", users["admin@alpha.fr"]),
                    "nom": "admin",
                    "courriel": "admin@alpha.fr",
                    "administrateur": True,
                    "clients": {"totalCount": 0, "nodes": []},
                },
                {
                    "id": gid("Collaborateur", users["collab@alpha.fr"]),
                    "nom": "collab",
                    "courriel": "collab@alpha.fr",
                    "administrateur": False,
                    "clients": {"totalCount": 1, "nodes": [{"nom": "Bernard"}]},
                },
            ],
        }
    }


async def test_assigned_clients_become_visible_to_the_collaborator_and_back(setting) -> None:
    api, world, admin, users = setting
    collab = await api.login("collab@alpha.fr", PASSWORD)
    c = gid("Collaborateur", users["collab@alpha.fr"])
    both = [gid("Travailleur", world.unassigned.id), gid("Travailleur", world.assigned.id)]
    data = await api.data(ASSIGN, {"c": c, "t": both}, admin)
    assert data["assignClients"] == {
        "collaborateur": {
            "nom": "collab",
            "clients": {"nodes": [{"nom": "Bernard"}, {"nom": "Dubois"}]},
        },
        "userErrors": [],
    }
    assert await api.data(PORTFOLIO, {}, collab) == {
        "portfolio": {"nodes": [{"nom": "Bernard"}, {"nom": "Dubois"}]}
    }
    data = await api.data(UNASSIGN, {"c": c, "t": [both[1]]}, admin)
    assert data["unassignClients"]["collaborateur"]["clients"] == {"nodes": [{"nom": "Dubois"}]}
    assert await api.data(PORTFOLIO, {}, collab) == {"portfolio": {"nodes": [{"nom": "Dubois"}]}}
    assert await assignments(api) == [(users["collab@alpha.fr"], world.unassigned.id)]


@pytest.mark.parametrize(
    ("client", "reason"), [("unmandated", "no mandate"), ("revoked", "mandate revoked")]
)
async def test_only_clients_with_an_active_mandate_can_be_assigned_all_or_nothing(
    setting, client, reason
) -> None:
    api, world, admin, users = setting
    before = await assignments(api)
    ids = [gid("Travailleur", world.unassigned.id), gid("Travailleur", getattr(world, client).id)]
    data = await api.data(
        ASSIGN, {"c": gid("Collaborateur", users["collab@alpha.fr"]), "t": ids}, admin
    )
    assert data["assignClients"] == {
        "collaborateur": None,
        "userErrors": [
            {
                "field": ["input", "travailleurIds", "1"],
                "message": "Aucun client de votre portefeuille ne correspond à cet identifiant.",
                "code": "NOT_FOUND",
            }
        ],
    }, reason
    assert await assignments(api) == before


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("admin@beta.fr", "NOT_FOUND"),
        ("admin@alpha.fr", "COLLABORATEUR_ADMINISTRATEUR"),
        ("agent@idf.fr", "NOT_FOUND"),
    ],
)
async def test_assignments_are_for_collaborators_of_the_cabinet(setting, target, code) -> None:
    api, world, admin, users = setting
    before = await assignments(api)
    variables = {
        "c": gid("Collaborateur", users[target]),
        "t": [gid("Travailleur", world.unassigned.id)],
    }
    data = await api.data(ASSIGN, variables, admin)
    assert data["assignClients"]["collaborateur"] is None
    [error] = data["assignClients"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "collaborateurId"], code)
    assert await assignments(api) == before


async def test_assigning_twice_keeps_one_assignment(setting) -> None:
    api, world, admin, users = setting
    variables = {
        "c": gid("Collaborateur", users["collab@alpha.fr"]),
        "t": [gid("Travailleur", world.assigned.id)] * 2,
    }
    await api.data(ASSIGN, variables, admin)
    assert await assignments(api) == [(users["collab@alpha.fr"], world.assigned.id)]


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (None, "UNAUTHENTICATED"),
        ("collab@alpha.fr", "FORBIDDEN"),
        ("agent@idf.fr", "FORBIDDEN"),
        ("worker", "FORBIDDEN"),
    ],
)
@pytest.mark.parametrize("operation", ["list", "invite", "assign", "unassign"])
async def test_only_cabinet_admins_manage_collaborators(setting, who, code, operation) -> None:
    api, world, _, users = setting
    if who is None:
        token = None
    elif who == "worker":
        token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    else:
        token = await api.login(who, PASSWORD)
    before = (await assignments(api), await users_and_mail(api))
    query, variables = {
        "list": (LIST, {}),
        "invite": (INVITE, {"courriel": "x@alpha.fr", "nom": "X"}),
        "assign": (
            ASSIGN,
            {
                "c": gid("Collaborateur", users["collab@alpha.fr"]),
                "t": [gid("Travailleur", world.unassigned.id)],
            },
        ),
        "unassign": (
            UNASSIGN,
            {
                "c": gid("Collaborateur", users["collab@alpha.fr"]),
                "t": [gid("Travailleur", world.assigned.id)],
            },
        ),
    }[operation]
    body = await api.post(query, variables, token)
    assert error_codes(body) == [code]
    if code == "FORBIDDEN":
        assert body["errors"][0]["message"] in {
            "Opération réservée aux administrateurs du cabinet.",
            "Opération réservée aux rôles : EXPERT_COMPTABLE.",
        }
    assert (await assignments(api), await users_and_mail(api)) == before


async def test_a_collaborator_is_a_node_for_the_admins_and_for_themselves_only(setting) -> None:
    api, world, admin, users = setting
    query = "query($id: ID!) { node(id: $id) { ... on Collaborateur { nom administrateur } } }"
    collab_id = gid("Collaborateur", users["collab@alpha.fr"])
    seen = {"node": {"nom": "collab", "administrateur": False}}
    assert await api.data(query, {"id": collab_id}, admin) == seen
    assert (
        await api.data(query, {"id": collab_id}, await api.login("collab@alpha.fr", PASSWORD))
        == seen
    )
    admin_id = gid("Collaborateur", users["admin@alpha.fr"])
    collab = await api.login("collab@alpha.fr", PASSWORD)
    assert await api.data(query, {"id": admin_id}, collab) == {"node": None}
    for who in ("admin@beta.fr", "agent@idf.fr"):
        assert await api.data(query, {"id": collab_id}, await api.login(who, PASSWORD)) == {
            "node": None
        }
    worker = await api.login(world.assigned.nir, WORKER_PASSWORD)
    assert await api.data(query, {"id": collab_id}, worker) == {"node": None}
