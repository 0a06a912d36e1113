"""Opening an account, the provisional-password gate, changing and resetting a password
(issue 6 "Account creation"): neutral answers, e-mails in the outbox, exact refusals."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from gateway.auth.opaque import digest
from gateway.db import models
from gateway.db.models_access import JetonRafraichissement
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.api.client import api_for, error_codes
from tests.api.test_access_support import (
    audit,
    client_token,
    counts,
    login,
    manual_clock,
    outbox,
    provisional_login,
    register_client,
)
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database

CREATE = """mutation($nir: String!, $courriel: String!) {
  createAccount(input: {nir: $nir, courriel: $courriel}) { message userErrors { field message code } }
}"""
CHANGE = """mutation($old: String!, $new: String!) {
  changeMotDePasse(input: {ancienMotDePasse: $old, nouveauMotDePasse: $new}) {
    ok refreshToken userErrors { field message code }
  }
}"""
REQUEST = """mutation($i: String!) {
  requestPasswordReset(input: {identifiant: $i}) { message userErrors { code } }
}"""
RESET = """mutation($i: String!, $code: String!, $new: String!) {
  resetPassword(input: {identifiant: $i, code: $code, nouveauMotDePasse: $new}) {
    ok userErrors { field message code }
  }
}"""
NEUTRAL = {
    "message": "Si ce NIR correspond à un compte, un courriel a été envoyé.",
    "userErrors": [],
}
NEUTRAL_RESET = {
    "message": "Si cet identifiant correspond à un compte, un courriel a été envoyé.",
    "userErrors": [],
}
GATE = (
    "Changez d'abord votre mot de passe provisoire (changeMotDePasse) : seuls me, "
    "changeMotDePasse et logout sont permis jusque-là."
)
NEW_PASSWORD = "un nouveau mot de passe solide"


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        async with api.session() as session:
            newcomer = await builders.travailleur(
                session, caisse_id=world.caisse.id, nom="Nouveau", prenom="Léa", with_user=False
            )
            await session.commit()
        yield api, world, newcomer


async def open_account(api, newcomer) -> str:
    """Open the newcomer's account; the provisional password, read from the e-mail."""
    data = await api.data(CREATE, {"nir": newcomer.nir, "courriel": newcomer.courriel.upper()})
    assert data["createAccount"] == NEUTRAL
    _, _, body = (await outbox(api))[-1]
    return re.search(r"Mot de passe provisoire : (\S+)", body)[1]


async def test_a_known_worker_opens_an_account_and_receives_a_provisional_password(
    setting,
) -> None:
    api, _, newcomer = setting
    spaced_nir = f"{newcomer.nir[:1]} {newcomer.nir[1:5]} {newcomer.nir[5:]}"
    data = await api.data(CREATE, {"nir": spaced_nir, "courriel": f" {newcomer.courriel} "})
    assert data["createAccount"] == NEUTRAL
    [(to, subject, body)] = await outbox(api)
    assert (to, subject) == (newcomer.courriel, "Votre compte Mon compte indépendant est ouvert")
    password = re.search(r"Mot de passe provisoire : (\S+)", body)[1]
    assert len(password) == 16
    assert f"Identifiant : votre numéro de sécurité sociale ({newcomer.nir})" in body
    async with api.session() as session:
        user = await session.scalar(
            select(models.Utilisateur).where(models.Utilisateur.travailleur_id == newcomer.id)
        )
    assert (user.identifiant, user.role.value, user.nom_affiche, user.mot_de_passe_a_changer) == (
        newcomer.nir,
        "TRAVAILLEUR",
        "Léa Nouveau",
        True,
    )
    assert password not in user.mot_de_passe_hash
    payload = await provisional_login(api, newcomer.nir, password)
    assert (payload["motDePasseAChanger"], payload["userErrors"]) == (True, [])
    assert payload["me"] == {
        "role": "TRAVAILLEUR",
        "identifiant": newcomer.nir,
        "motDePasseAChanger": True,
    }
    assert (await audit(api))[0] == ("createAccount", "anonyme", "SUCCES")


@pytest.mark.parametrize("case", ["unknown NIR", "account already open", "another address"])
async def test_every_other_case_gets_the_same_neutral_answer_and_opens_nothing(
    setting, case
) -> None:
    api, world, newcomer = setting
    nir, courriel = {
        "unknown NIR": (builders.valid_nir(1, 70, 1, "13", 999999), "x@example.fr"),
        "account already open": (world.assigned.nir, "someone@example.fr"),
        "another address": (newcomer.nir, "pirate@example.fr"),
    }[case]
    before = await counts(api)
    assert (await api.data(CREATE, {"nir": nir, "courriel": courriel}))["createAccount"] == NEUTRAL
    assert await counts(api) == before


async def test_the_owner_of_an_open_account_is_told_by_e_mail_when_it_is_asked_again(
    setting,
) -> None:
    api, world, _ = setting
    before = await counts(api)
    data = await api.data(CREATE, {"nir": world.assigned.nir, "courriel": world.assigned.courriel})
    assert data["createAccount"] == NEUTRAL
    [(to, subject, body)] = await outbox(api)
    assert (to, subject) == (world.assigned.courriel, "Votre compte existe déjà")
    assert "demandez sa réinitialisation" in body
    assert await counts(api) == before | {"courriels": 1}


@pytest.mark.parametrize(
    ("nir", "courriel", "error"),
    [
        (
            "184127510804232",
            "a@example.fr",
            {
                "field": ["input", "nir"],
                "message": "NIR invalide : la clé de contrôle ne correspond pas.",
                "code": "NIR_INVALIDE",
            },
        ),
        (
            "184127510804231",
            "pas-une-adresse",
            {
                "field": ["input", "courriel"],
                "message": "Adresse électronique invalide : An email address must have an @-sign.",
                "code": "COURRIEL_INVALIDE",
            },
        ),
    ],
)
async def test_malformed_input_is_refused_naming_the_field(setting, nir, courriel, error) -> None:
    api, _, _ = setting
    before = await counts(api)
    data = await api.data(CREATE, {"nir": nir, "courriel": courriel})
    assert data["createAccount"] == {"message": None, "userErrors": [error]}
    assert await counts(api) == before


async def test_a_provisional_password_allows_only_me_and_changing_it(setting) -> None:
    api, _, newcomer = setting
    password = await open_account(api, newcomer)
    token = (await provisional_login(api, newcomer.nir, password))["accessToken"]
    me = await api.data("{ me { role identifiant motDePasseAChanger } }", token=token)
    assert me == {
        "me": {"role": "TRAVAILLEUR", "identifiant": newcomer.nir, "motDePasseAChanger": True}
    }
    gid = encode_global_id("Travailleur", newcomer.id)
    for query in (
        f'{{ node(id: "{gid}") {{ id }} }}',
        "{ me { role } ...F } fragment F on Query { nodes(ids: []) { id } }",
        f'mutation {{ updateContact(input: {{travailleurId: "{gid}", telephone: "0611223344"}}) {{ userErrors {{ code }} }} }}',
        'mutation { requestPasswordReset(input: {identifiant: "x"}) { message } }',
    ):
        body = await api.post(query, token=token)
        assert (body["data"], body["errors"]) == (
            None,
            [{"message": GATE, "extensions": {"code": "FORBIDDEN"}}],
        )
    changed = (await api.data(CHANGE, {"old": password, "new": NEW_PASSWORD}, token))[
        "changeMotDePasse"
    ]
    assert changed["ok"] is True and changed["userErrors"] == []
    assert (await api.data(f'{{ node(id: "{gid}") {{ id }} }}', token=token)) == {
        "node": {"id": gid}
    }
    assert (await login(api, newcomer.nir, NEW_PASSWORD))["motDePasseAChanger"] is False
    me = await api.data("{ me { nomAffiche travailleur { nom } } }", token=token)
    assert me == {"me": {"nomAffiche": "Léa Nouveau", "travailleur": {"nom": "Nouveau"}}}


PROVISIONAL_ME_GATE = (
    "Changez d'abord votre mot de passe provisoire (changeMotDePasse) : seuls role, "
    "identifiant et motDePasseAChanger sont lisibles jusque-là."
)
ME_FIELDS = {
    "nomAffiche": "nomAffiche",
    "administrateurCabinet": "administrateurCabinet",
    "scopes": "scopes",
    "travailleur": "travailleur { nom compte { solde } }",
    "cabinet": "cabinet { nom }",
    "caisse": "caisse { nom }",
}


@pytest.mark.parametrize("field", sorted(ME_FIELDS))
async def test_a_provisional_password_reads_nothing_else_of_me(setting, field) -> None:
    api, _, newcomer = setting
    password = await open_account(api, newcomer)
    token = (await provisional_login(api, newcomer.nir, password))["accessToken"]
    forbidden = {
        "message": PROVISIONAL_ME_GATE,
        "locations": [{"line": 1, "column": 13}],
        "extensions": {"code": "FORBIDDEN"},
    }
    body = await api.post(f"{{ me {{ role {ME_FIELDS[field]} }} }}", token=token)
    assert body == {
        "data": {"me": {"role": "TRAVAILLEUR", field: None}},
        "errors": [forbidden | {"path": ["me", field]}],
        "extensions": body["extensions"],
    }
    # The login payload's own `me` is held to the same rule.
    query = (
        "mutation($i: String!, $m: String!) { login(input: {identifiant: $i, motDePasse: $m})"
        f" {{ accessToken me {{ role {ME_FIELDS[field]} }} }} }}"
    )
    body = await api.post(query, {"i": newcomer.nir, "m": password})
    assert body["data"]["login"]["me"] == {"role": "TRAVAILLEUR", field: None}
    assert body["data"]["login"]["accessToken"]
    assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
        (["login", "me", field], {"code": "FORBIDDEN"})
    ]


async def test_an_invited_collaborator_with_a_provisional_password_is_gated_too(setting) -> None:
    api, _, _ = setting
    async with api.session() as session:
        await session.execute(
            update(models.Utilisateur)
            .where(models.Utilisateur.identifiant == "collab@alpha.fr")
            .values(mot_de_passe_a_changer=True)
        )
        await session.commit()
    payload = await provisional_login(api, "collab@alpha.fr", PASSWORD)
    assert payload["motDePasseAChanger"] is True
    body = await api.post("{ portfolio { totalCount } }", token=payload["accessToken"])
    assert (error_codes(body), body["errors"][0]["message"]) == (["FORBIDDEN"], GATE)


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            "wrong-password",
            NEW_PASSWORD,
            {
                "field": ["input", "ancienMotDePasse"],
                "message": "Mot de passe actuel incorrect.",
                "code": "INVALID_CREDENTIALS",
            },
        ),
        (
            PASSWORD,
            "court",
            {
                "field": ["input", "nouveauMotDePasse"],
                "message": "Le mot de passe doit contenir au moins 12 caractères (5 saisis).",
                "code": "MOT_DE_PASSE_TROP_COURT",
            },
        ),
        (
            PASSWORD,
            "x" * 129,
            {
                "field": ["input", "nouveauMotDePasse"],
                "message": "Le mot de passe ne peut dépasser 128 caractères.",
                "code": "MOT_DE_PASSE_TROP_LONG",
            },
        ),
        (
            PASSWORD,
            "ADMIN@alpha.fr",
            {
                "field": ["input", "nouveauMotDePasse"],
                "message": "Le mot de passe ne peut pas être votre identifiant.",
                "code": "MOT_DE_PASSE_IDENTIFIANT",
            },
        ),
        (
            PASSWORD,
            PASSWORD,
            {
                "field": ["input", "nouveauMotDePasse"],
                "message": "Le nouveau mot de passe doit être différent de l'actuel.",
                "code": "MOT_DE_PASSE_INCHANGE",
            },
        ),
    ],
)
async def test_a_bad_password_change_is_refused_and_changes_nothing(
    setting, old, new, error
) -> None:
    api, _, _ = setting
    token = await api.login("admin@alpha.fr", PASSWORD)
    before = await counts(api)
    data = await api.data(CHANGE, {"old": old, "new": new}, token)
    assert data["changeMotDePasse"] == {"ok": False, "refreshToken": None, "userErrors": [error]}
    assert await counts(api) == before
    assert (await login(api, "admin@alpha.fr", PASSWORD))["userErrors"] == []


async def test_a_password_change_ends_the_other_logins(setting) -> None:
    api, _, _ = setting
    other = (await login(api, "admin@alpha.fr", PASSWORD))["refreshToken"]
    token = await api.login("admin@alpha.fr", PASSWORD)
    changed = (await api.data(CHANGE, {"old": PASSWORD, "new": NEW_PASSWORD}, token))[
        "changeMotDePasse"
    ]
    refresh = (
        "mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { userErrors { code } } }"
    )
    assert (await api.data(refresh, {"t": other}))["refreshToken"]["userErrors"] == [
        {"code": "INVALID_REFRESH_TOKEN"}
    ]
    assert (await api.data(refresh, {"t": changed["refreshToken"]}))["refreshToken"] == {
        "userErrors": []
    }


async def test_only_users_change_a_password(setting) -> None:
    api, _, _ = setting
    variables = {"old": PASSWORD, "new": NEW_PASSWORD}
    assert error_codes(await api.post(CHANGE, variables)) == ["UNAUTHENTICATED"]
    admin = await api.login("admin@alpha.fr", PASSWORD)
    client_id, secret = await register_client(api, admin, ["read"])
    body = await api.post(CHANGE, variables, await client_token(api, client_id, secret))
    assert (error_codes(body), body["errors"][0]["message"]) == (
        ["FORBIDDEN"],
        "Un client OAuth2 n'a pas de mot de passe.",
    )


# --- Password reset --------------------------------------------------------------------


async def reset_code(api) -> str:
    return re.search(r"Code de réinitialisation : (\S+)", (await outbox(api))[-1][2])[1]


@pytest.mark.parametrize(
    ("identifiant", "address"),
    [("admin@alpha.fr", "admin@alpha.fr"), ("worker", "worker's contact address")],
)
async def test_a_reset_code_is_e_mailed_and_sets_a_new_password_once(
    setting, identifiant, address
) -> None:
    api, world, _ = setting
    if identifiant == "worker":
        identifiant, address = world.assigned.nir, world.assigned.courriel
    assert (await api.data(REQUEST, {"i": identifiant}))["requestPasswordReset"] == NEUTRAL_RESET
    [(to, subject, _)] = await outbox(api)
    assert (to, subject) == (address, "Réinitialisation de votre mot de passe")
    code = await reset_code(api)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    refresh = (await login(api, identifiant, PASSWORD if "@" in identifiant else WORKER_PASSWORD))[
        "refreshToken"
    ]
    typed = code.lower().replace("-", " ")
    data = await api.data(RESET, {"i": identifiant, "code": typed, "new": NEW_PASSWORD})
    assert data["resetPassword"] == {"ok": True, "userErrors": []}
    assert (await login(api, identifiant, NEW_PASSWORD))["userErrors"] == []
    assert (await login(api, identifiant, PASSWORD))["userErrors"][0]["code"] == (
        "INVALID_CREDENTIALS"
    )
    async with api.session() as session:
        motif = await session.scalar(
            select(JetonRafraichissement.motif_revocation).where(
                JetonRafraichissement.empreinte == digest(refresh)
            )
        )
    assert motif == "MOT_DE_PASSE"
    again = await api.data(RESET, {"i": identifiant, "code": code, "new": "encore un autre mot"})
    assert again["resetPassword"]["userErrors"][0]["code"] == "INVALID_RESET_CODE"


async def test_an_unknown_identifier_gets_the_same_answer_and_no_e_mail(setting) -> None:
    api, _, _ = setting
    before = await counts(api)
    data = await api.data(REQUEST, {"i": "personne@example.fr"})
    assert data["requestPasswordReset"] == NEUTRAL_RESET
    assert await counts(api) == before


@pytest.mark.parametrize("case", ["expired", "replaced", "wrong code", "other identifier"])
async def test_an_unusable_code_is_refused_and_changes_nothing(setting, case) -> None:
    api, _, _ = setting
    clock = manual_clock(api)
    await api.data(REQUEST, {"i": "admin@alpha.fr"})
    code = await reset_code(api)
    identifiant = "admin@alpha.fr"
    if case == "expired":
        clock.advance(hours=1)
    elif case == "replaced":
        await api.data(REQUEST, {"i": "admin@alpha.fr"})
    elif case == "wrong code":
        code = "AAAA-AAAA-AAAA"
    else:
        identifiant = "collab@alpha.fr"
    before = await counts(api)
    data = await api.data(RESET, {"i": identifiant, "code": code, "new": NEW_PASSWORD})
    assert data["resetPassword"] == {
        "ok": False,
        "userErrors": [
            {
                "field": ["input", "code"],
                "message": "Code de réinitialisation invalide ou expiré : demandez-en un nouveau.",
                "code": "INVALID_RESET_CODE",
            }
        ],
    }
    assert await counts(api) == before
    assert (await login(api, identifiant, PASSWORD))["userErrors"] == []


async def test_a_new_password_breaking_the_rules_keeps_the_code_usable(setting) -> None:
    api, _, _ = setting
    await api.data(REQUEST, {"i": "admin@alpha.fr"})
    code = await reset_code(api)
    data = await api.data(RESET, {"i": "admin@alpha.fr", "code": code, "new": "admin@alpha.fr"})
    assert data["resetPassword"]["userErrors"] == [
        {
            "field": ["input", "nouveauMotDePasse"],
            "message": "Le mot de passe ne peut pas être votre identifiant.",
            "code": "MOT_DE_PASSE_IDENTIFIANT",
        }
    ]
    data = await api.data(RESET, {"i": "admin@alpha.fr", "code": code, "new": NEW_PASSWORD})
    assert data["resetPassword"] == {"ok": True, "userErrors": []}
