"""Malformed keys and values (issue 9, item 13): one strict decoder for global IDs and
cursors, NUL bytes and over-long strings refused at the edge naming the field, deep
JSON refused cleanly. Nothing of it is a masked "Unexpected error." or an HTTP 500."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from gateway import cursors
from gateway.global_ids import encode_global_id
from tests.api.client import api_for, error_codes
from tests.api.world import PASSWORD, WORKER_PASSWORD, build_world
from tests.conftest import Database

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def raw_id(text: str) -> str:
    """A global ID around any key, encoded as ours are."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def malformed_keys(ident: int) -> list[str]:
    """Keys that must not name row ``ident`` (nor fail): Unicode digits of the same
    number, a superscript, signs, spaces, leading zeros, beyond the column's range."""
    digits = str(ident)
    return [
        digits.translate(ARABIC_INDIC),
        digits.translate(FULLWIDTH),
        "²",
        f"{digits}²",
        f"+{digits}",
        f"-{digits}",
        f" {digits}",
        f"0{digits}",
        str(2**31),
        str(2**63),
        str(2**64 + ident),
        "9" * 400,
    ]


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        world = await build_world(api)
        yield api, world


async def test_node_resolves_only_the_canonical_ascii_key(setting) -> None:
    api, world = setting
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    ident = world.assigned.id
    ids = [encode_global_id("Travailleur", ident)] + [
        raw_id(f"Travailleur:{key}") for key in malformed_keys(ident)
    ]
    body = await api.post(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, token=token
    )
    assert "errors" not in body
    assert body["data"]["nodes"] == [{"id": ids[0]}] + [None] * (len(ids) - 1)
    # Keys of composite IDs too (a cotisation is "worker:year").
    cotisation = raw_id(f"Cotisation:{ident}:２０２６")
    body = await api.post(
        "query($id: ID!) { node(id: $id) { id } }", {"id": cotisation}, token=token
    )
    assert body["data"] == {"node": None} and "errors" not in body


async def test_mutations_answer_not_found_for_malformed_worker_ids(setting) -> None:
    api, world = setting
    worker = await api.login(world.assigned.nir, WORKER_PASSWORD)
    agent = await api.login("agent@idf.fr", PASSWORD)
    admin = await api.login("admin@alpha.fr", PASSWORD)
    mutations = [
        (worker, "updateContact", '{travailleurId: $id, telephone: "0612345678"}'),
        (
            agent,
            "recordPaiement",
            '{travailleurId: $id, montant: "10", datePaiement: "2026-11-02", mode: VIREMENT}',
        ),
        (admin, "setPrelevementPeriodicite", "{travailleurId: $id, periodicite: TRIMESTRIEL}"),
        (admin, "generateAttestation", "{travailleurId: $id, type: VIGILANCE}"),
    ]
    for token, name, arguments in mutations:
        query = (
            f"mutation($id: ID!) {{ {name}(input: {arguments}) {{ userErrors {{ field code }} }} }}"
        )
        for key in malformed_keys(world.assigned.id):
            body = await api.post(query, {"id": raw_id(f"Travailleur:{key}")}, token=token)
            assert body["data"] == {
                name: {"userErrors": [{"field": ["input", "travailleurId"], "code": "NOT_FOUND"}]}
            }, (name, key, body)


async def test_a_document_with_a_malformed_id_is_not_found(setting) -> None:
    api, world = setting
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    for key in malformed_keys(1):
        for type_name in ("AvisAppel", "Attestation"):
            response = await api.http.get(
                f"/documents/{raw_id(f'{type_name}:{key}')}.pdf",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 404, (type_name, key, response.text)
            assert response.json()["error"] == "NOT_FOUND"
    for opaque in ("%00", "x" * 5000, "@@@", "=="):
        response = await api.http.get(
            f"/documents/{opaque}.pdf", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 404, opaque


async def test_cursors_are_decoded_as_strictly_as_ids(setting) -> None:
    api, world = setting
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    query = """query($after: String) { me { travailleur {
        paiements(first: 1, after: $after) { totalCount nodes { montant }
          pageInfo { endCursor } } } } }"""
    first = await api.data(query, {"after": None}, token)
    page = first["me"]["travailleur"]["paiements"]
    assert len(page["nodes"]) == 1 and page["totalCount"] == 2
    second = await api.data(query, {"after": page["pageInfo"]["endCursor"]}, token)
    assert len(second["me"]["travailleur"]["paiements"]["nodes"]) == 1
    # A key beyond every row gives an empty page, not an error.
    beyond = cursors.encode("paiements", [date(2100, 12, 31), 2**31 - 1])
    last = await api.data(query, {"after": beyond}, token)
    assert last["me"]["travailleur"]["paiements"]["nodes"] == []

    def refused(message: str) -> list[dict[str, object]]:
        return [
            {
                "message": message,
                "locations": [{"line": 2, "column": 9}],
                "path": ["me", "travailleur", "paiements"],
                "extensions": {"code": "BAD_USER_INPUT", "field": "after"},
            }
        ]

    invalid = refused("after : curseur invalide (ou d'une autre liste).")
    malformed = [
        *(cursors.encode("paiements", ["2026-01-01", key]) for key in malformed_keys(0)),
        cursors.encode("paiements", ["2026-01-01", 2**31]),
        cursors.encode("paiements", ["2026-02-30", 1]),
        cursors.encode("paiements", ["2026-1-01", 1]),
        cursors.encode("paiements", ["2026-01-01"]),
        cursors.encode("paiements", ["2026-01-01", 1, 1]),
        cursors.encode("echeances", ["2026-01-01", 1]),  # another list's
        cursors.encode("paiements", ["2026-01-01", 1]) + "=",  # not canonical
        "%%%",
        "x" * 5000,
    ]
    for cursor in malformed:
        body = await api.post(query, {"after": cursor}, token)
        assert body["errors"] == invalid, (cursor, body)
    # A cursor of an earlier version (a position) is refused with its own message.
    for key in (0, 7, 2**31 - 1):
        body = await api.post(query, {"after": raw_id(f"offset:{key}")}, token)
        assert body["errors"] == refused(
            "after : curseur de position d'une version précédente, qui n'est plus accepté ; "
            "reprenez depuis la première page."
        ), (key, body)


NUL = "ab\x00cd"


async def test_nul_bytes_are_refused_naming_the_field_even_anonymously(setting) -> None:
    api, world = setting
    cases = [
        (
            "mutation($i: String!) { requestPasswordReset(input: {identifiant: $i}) { ok } }",
            {"i": NUL},
            "input.identifiant",
        ),
        (
            "mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { ok } }",
            {"input": {"identifiant": "x@y.fr", "code": NUL, "nouveauMotDePasse": "a" * 12}},
            "input.code",
        ),
        (
            'mutation { login(input: {identifiant: "x\\u0000", motDePasse: "y"}) { accessToken } }',
            {},
            "input.identifiant",
        ),
    ]
    for query, variables, field in cases:
        body = await api.post(query.replace("{ ok }", "{ userErrors { code } }"), variables)
        assert body["data"] is None
        assert body["errors"] == [
            {
                "message": f"{field} : caractère NUL interdit.",
                "extensions": {"code": "BAD_USER_INPUT", "field": field},
            }
        ]
    # Authenticated mutations too, and nothing changed.
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    worker_id = encode_global_id("Travailleur", world.assigned.id)
    body = await api.post(
        "mutation($t: String) { updateContact(input: {travailleurId: "
        f'"{worker_id}", telephone: $t}}) {{ userErrors {{ code }} }} }}',
        {"t": "06\x0012"},
        token,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "input.telephone"
    me = await api.data("{ me { travailleur { telephone } } }", token=token)
    assert me == {"me": {"travailleur": {"telephone": "0601020304"}}}


async def test_an_idempotency_key_over_200_characters_is_refused(setting) -> None:
    api, world = setting
    token = await api.login(world.assigned.nir, WORKER_PASSWORD)
    worker_id = encode_global_id("Travailleur", world.assigned.id)
    query = """mutation($id: ID!, $key: String) { updateContact(input: {
        travailleurId: $id, telephone: "0699999999", idempotencyKey: $key}) {
        userErrors { code } } }"""
    body = await api.post(query, {"id": worker_id, "key": "k" * 201}, token)
    assert body["errors"] == [
        {
            "message": "input.idempotencyKey : au plus 200 caractères (reçu 201).",
            "extensions": {"code": "BAD_USER_INPUT", "field": "input.idempotencyKey"},
        }
    ]
    me = await api.data("{ me { travailleur { telephone } } }", token=token)
    assert me == {"me": {"travailleur": {"telephone": "0601020304"}}}
    body = await api.post(query, {"id": worker_id, "key": "k" * 200}, token)
    assert body["data"] == {"updateContact": {"userErrors": []}}


async def test_every_string_is_bounded_and_variables_are_bounded_in_depth(setting) -> None:
    api, _ = setting
    body = await api.post(
        "mutation($i: String!) { login(input: {identifiant: $i, motDePasse: $i}) { accessToken } }",
        {"i": "x" * 201},
    )
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.identifiant",
    }
    deep: object = "x"
    for _ in range(30):
        deep = [deep]
    body = await api.post("query($v: [ID!]!) { nodes(ids: $v) { id } }", {"v": deep})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"].endswith("valeur trop imbriquée (au plus 20 niveaux).")


async def test_json_nested_5000_deep_is_a_clean_400(setting) -> None:
    api, _ = setting
    body = '{"query": "{ __typename }", "variables": {"v": ' + "[" * 5000 + "]" * 5000 + "}}"
    response = await api.http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "imbriqué" in response.text
