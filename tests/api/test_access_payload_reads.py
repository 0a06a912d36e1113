"""A write scope lets an OAuth2 client act, not read: every account object reached from
a mutation payload needs ``read`` (null with FORBIDDEN at its path, the write kept)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    OperationType,
    get_named_type,
    is_non_null_type,
)

from domain.nomenclatures import Role
from gateway.auth.principal import Principal, Scope
from gateway.context import Context
from gateway.schema.assembly import build_schema
from gateway.schema.errors import ApiError
from gateway.schema.field_access import PAYLOAD_READ_REFUSED
from tests.api.test_access_oauth_scopes import account_setting, inputs, token_with  # noqa: F401

WRITE_ONLY = Principal(
    role=Role.EXPERT_COMPTABLE,
    label="Outil",
    cabinet_id=1,
    oauth_client_id="cli_x",
    scopes=frozenset(Scope.ALL - {Scope.READ}),
)


def account_fields_of_payloads() -> list[tuple[str, str, Any, Any]]:
    """Every (type, field) leading from a mutation payload, at any depth, to a Node;
    with the field that must refuse it (itself, or the one leading to its type when
    it cannot be null)."""
    schema = build_schema()._schema
    node = schema.get_type("Node")
    found: list[tuple[str, str, Any, Any]] = []
    seen: set[str] = set()

    def is_account(t: Any) -> bool:
        return isinstance(t, GraphQLObjectType | GraphQLInterfaceType) and (
            t is node or node in t.interfaces
        )

    def visit(parent: Any, t: Any) -> None:
        named = get_named_type(t)
        if not isinstance(named, GraphQLObjectType) or is_account(named) or named.name in seen:
            return
        seen.add(named.name)
        for name, field in named.fields.items():
            if is_account(get_named_type(field.type)):
                guard = parent if is_non_null_type(field.type) else field
                found.append((named.name, name, field, guard))
            else:
                visit(field, field.type)

    for field in schema.mutation_type.fields.values():
        visit(field, field.type)
    return found


FIELDS = account_fields_of_payloads()


def test_payloads_lead_to_account_objects_in_many_places() -> None:
    names = {f"{owner}.{name}" for owner, name, _, _ in FIELDS}
    assert {
        "SetPrelevementPeriodicitePayload.travailleur",
        "SetPrelevementPeriodicitePayload.echeancier",
        "RecordPaiementPayload.paiement",
        "EstimateRevenueResult.travailleur",
        "DeclarationChiffreAffaires.lignes",
        "Me.travailleur",
    } <= names
    assert len(FIELDS) >= 25


@pytest.mark.parametrize(("owner", "name", "field", "guard"), FIELDS, ids=lambda v: str(v))
def test_every_account_object_of_every_payload_needs_read(owner, name, field, guard) -> None:
    info = SimpleNamespace(
        operation=SimpleNamespace(operation=OperationType.MUTATION),
        context=Context(None, None, None, WRITE_ONLY, "test"),  # type: ignore[arg-type]
    )
    assert not is_non_null_type(guard.type), f"{owner}.{name} cannot be refused"
    with pytest.raises(ApiError) as refused:
        guard.resolve(SimpleNamespace(), info)
    assert (refused.value.message, refused.value.extensions) == (
        PAYLOAD_READ_REFUSED,
        {"code": "FORBIDDEN", "scope": "read"},
    )


# --- Through the API, on an account where the writes succeed ----------------------------

ACCOUNT = "travailleur { nir courriel telephone compte { solde } paiements { totalCount } }"
MUTATIONS = {
    "periodicite": (
        "setPrelevementPeriodicite",
        "SetPrelevementPeriodiciteInput",
        f"modifiee {ACCOUNT} echeancier {{ montant }}",
        ["travailleur", "echeancier"],
    ),
    "estimate": (
        "estimateRevenue",
        "EstimateRevenueInput",
        f"totalCotisations {ACCOUNT} avisAppel {{ id }}",
        ["travailleur", "avisAppel"],
    ),
    "automatique": (
        "setPrelevementAutomatique",
        "SetPrelevementAutomatiqueInput",
        ACCOUNT,
        ["travailleur"],
    ),
    "remove": (
        "removePrelevementAutomatique",
        "RemovePrelevementAutomatiqueInput",
        ACCOUNT,
        ["travailleur"],
    ),
}


@pytest.mark.parametrize("key", sorted(MUTATIONS))
async def test_a_write_only_client_writes_but_reads_nothing_of_the_account(
    account_setting,  # noqa: F811
    key,
) -> None:
    api, worker, admin = account_setting
    mutation, input_type, selection, refused = MUTATIONS[key]
    query = (
        f"mutation($input: {input_type}!) {{ {mutation}(input: $input) "
        f"{{ {selection} userErrors {{ code }} }} }}"
    )
    data_input = inputs(worker)[key] | ({"previsualisation": False} if key == "estimate" else {})
    if key == "remove":
        setup = await token_with(api, admin, ["prelevement:write"])
        automatique = MUTATIONS["automatique"]
        await api.post(
            f"mutation($input: {automatique[1]}!) {{ {automatique[0]}(input: $input) "
            "{ userErrors { code } } }",
            {"input": inputs(worker)["automatique"]},
            token=setup,
        )
    write_only = await token_with(api, admin, ["revenus:write", "prelevement:write"])
    body = await api.post(query, {"input": data_input}, token=write_only)
    payload = body["data"][mutation]
    assert payload["userErrors"] == []
    assert {field: payload[field] for field in refused} == dict.fromkeys(refused)
    assert sorted(
        (e["path"], e["extensions"]["code"], e["extensions"]["scope"]) for e in body["errors"]
    ) == sorted(([mutation, field], "FORBIDDEN", "read") for field in refused)
    if key == "remove":
        return  # a second removal is refused: nothing more to show
    # With read too, the same payload shows the account.
    reader = await token_with(api, admin, ["read", "revenus:write", "prelevement:write"])
    body = await api.post(query, {"input": data_input}, token=reader)
    assert "errors" not in body, body["errors"]
    assert body["data"][mutation]["travailleur"]["nir"] == worker.nir
