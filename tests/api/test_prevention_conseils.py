"""Prevention advice: published by caisse agents with the news targeting (professions)
plus age and sex; each worker reads the advice for their profile, and news stay news."""

from __future__ import annotations

from typing import Any

import pytest

from domain.prevention import ProfilConseil, Sexe, profil_concerne
from gateway.global_ids import decode_global_id, encode_global_id
from tests.api.client import Api, api_for, error_codes
from tests.api.prevention_world import build_family
from tests.api.world import PASSWORD, WORKER_PASSWORD
from tests.conftest import Database

PUBLISH = """mutation($input: PublishConseilPreventionInput!) {
  publishConseilPrevention(input: $input) {
    conseil { id titre etat ciblage { professions ageMin ageMax sexe } }
    userErrors { field message code } } }"""
WITHDRAW = """mutation($input: WithdrawConseilPreventionInput!) {
  withdrawConseilPrevention(input: $input) { conseil { id etat } userErrors { field code } } }"""
CONSEILS = "{ conseilsPrevention { totalCount nodes { titre } } }"
NEWS = "{ actualites { totalCount nodes { titre } } }"


@pytest.fixture
async def setting(db: Database):
    async with api_for(db) as api:
        fam = await build_family(api)
        tokens = {
            "worker": fam.token,  # a woman of 50, boulangère
            "other": await api.login(fam.world.unassigned.nir, WORKER_PASSWORD),  # woman of 46
            "agent": await api.login("agent@idf.fr", PASSWORD),
            "admin": await api.login("admin@alpha.fr", PASSWORD),
        }
        yield api, tokens


async def publish(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await api.data(PUBLISH, {"input": fields}, token))[
        "publishConseilPrevention"
    ]
    return payload


def titres(data: dict[str, Any], field: str = "conseilsPrevention") -> list[str]:
    return [n["titre"] for n in data[field]["nodes"]]


async def test_each_worker_reads_the_advice_for_their_profession_age_and_sex(setting) -> None:
    api, tokens = setting
    agent = tokens["agent"]
    farine = await publish(
        api,
        agent,
        titre="Farine et asthme",
        contenu="Aspirez plutôt que balayer.",
        professions=["boulangere"],
    )
    assert farine == {
        "conseil": {
            "id": farine["conseil"]["id"],
            "titre": "Farine et asthme",
            "etat": "EN_LIGNE",
            "ciblage": {
                "professions": ["boulangere"],
                "ageMin": None,
                "ageMax": None,
                "sexe": None,
            },
        },
        "userErrors": [],
    }
    await publish(
        api, agent, titre="Dépistage à 50 ans", contenu="…", ageMin=50, ageMax=74, sexe="F"
    )
    await publish(api, agent, titre="Pour les hommes", contenu="…", sexe="M")
    await publish(api, agent, titre="Coiffure et dos", contenu="…", professions=["Coiffeur"])
    await publish(api, agent, titre="Demain", contenu="…", datePublication="2026-11-24")
    worker = await api.data(CONSEILS, token=tokens["worker"])
    assert titres(worker) == ["Dépistage à 50 ans", "Farine et asthme"]
    assert worker["conseilsPrevention"]["totalCount"] == 2
    assert titres(await api.data(CONSEILS, token=tokens["other"])) == ["Farine et asthme"]
    everything = await api.data(CONSEILS, token=agent)
    assert everything["conseilsPrevention"]["totalCount"] == 5
    # Advice is not news: neither feed shows it.
    assert (await api.data(NEWS, token=tokens["worker"]))["actualites"]["totalCount"] == 0
    assert (await api.data(NEWS, token=agent))["actualites"]["totalCount"] == 0
    body = await api.post(CONSEILS, token=tokens["admin"])
    assert error_codes(body) == ["FORBIDDEN"]

    withdrawn = await api.data(WITHDRAW, {"input": {"conseilId": farine["conseil"]["id"]}}, agent)
    assert withdrawn["withdrawConseilPrevention"] == {
        "conseil": {"id": farine["conseil"]["id"], "etat": "RETIREE"},
        "userErrors": [],
    }
    assert titres(await api.data(CONSEILS, token=tokens["worker"])) == ["Dépistage à 50 ans"]
    node = f'{{ node(id: "{farine["conseil"]["id"]}") {{ id }} }}'
    assert await api.data(node, token=tokens["worker"]) == {"node": None}


async def test_bad_advice_is_refused_naming_the_field(setting) -> None:
    api, tokens = setting
    agent = tokens["agent"]
    reversed_ages = await publish(api, agent, titre="T", contenu="C", ageMin=60, ageMax=50)
    assert reversed_ages == {
        "conseil": None,
        "userErrors": [
            {
                "field": ["input", "ageMax"],
                "message": "L'âge maximal précède l'âge minimal.",
                "code": "AGES_INVERSES",
            }
        ],
    }
    empty = await publish(api, agent, titre=" ", contenu="C")
    assert empty["userErrors"][0]["field"] == ["input", "titre"]
    assert (await api.data(CONSEILS, token=agent))["conseilsPrevention"]["totalCount"] == 0
    worker = await api.post(PUBLISH, {"input": {"titre": "T", "contenu": "C"}}, tokens["worker"])
    assert error_codes(worker) == ["FORBIDDEN"]


async def test_news_and_advice_are_withdrawn_each_by_its_own_mutation(setting) -> None:
    api, tokens = setting
    agent = tokens["agent"]
    conseil = (await publish(api, agent, titre="T", contenu="C"))["conseil"]["id"]
    decoded = decode_global_id(conseil)
    assert decoded is not None
    as_news = encode_global_id("Actualite", decoded[1])
    news = await api.data(
        """mutation($input: WithdrawActualiteInput!) {
          withdrawActualite(input: $input) { actualite { id } userErrors { field code } } }""",
        {"input": {"actualiteId": as_news}},
        agent,
    )
    assert news["withdrawActualite"] == {
        "actualite": None,
        "userErrors": [{"field": ["input", "actualiteId"], "code": "NOT_FOUND"}],
    }
    assert titres(await api.data(CONSEILS, token=tokens["worker"])) == ["T"]


async def test_the_database_selects_exactly_the_advice_the_profile_rule_selects(setting) -> None:
    """The SQL filter against the pure rule, on every bound around both workers' ages."""
    api, tokens = setting
    profiles = [
        ProfilConseil(age_min, age_max, sexe)
        for age_min in (None, 46, 47, 50, 51)
        for age_max in (None, 45, 46, 49, 50)
        for sexe in (None, Sexe.F, Sexe.M)
        if age_min is None or age_max is None or age_min <= age_max
    ]
    for n, profil in enumerate(profiles):
        await publish(
            api,
            tokens["agent"],
            titre=f"Conseil {n}",
            contenu="…",
            ageMin=profil.age_min,
            ageMax=profil.age_max,
            sexe=None if profil.sexe is None else profil.sexe.value,
        )
    for caller, age in (("worker", 50), ("other", 46)):
        data = await api.data(
            "{ conseilsPrevention(first: 100) { nodes { titre } } }", token=tokens[caller]
        )
        expected = {
            f"Conseil {n}" for n, p in enumerate(profiles) if profil_concerne(p, age, Sexe.F)
        }
        assert set(titres(data)) == expected, caller
