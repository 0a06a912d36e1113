"""The public simulator: input checked by the engine, refusals as BAD_USER_INPUT."""

from __future__ import annotations

from domain import cotisations as engine
from domain import micro
from domain.errors import DomainError
from gateway.schema.errors import bad_input_from
from gateway.schema.simulation import (
    Simulation,
    SimulationInput,
    SimulationMicro,
    SimulationMicroInput,
    simulation_micro_type,
    simulation_type,
)


def simulate(data: SimulationInput) -> Simulation:
    try:
        resultat = engine.compute_cotisations(
            data.annee, data.nature, data.revenu_professionnel, data.date_creation
        )
        forfait = None
        if data.date_creation is not None and data.date_creation.year == data.annee:
            forfait = engine.compute_forfait_debut_activite(
                data.annee, data.nature, data.date_creation
            )
    except DomainError as error:
        raise bad_input_from(error) from error
    return simulation_type(resultat, forfait)


def simulate_micro(data: SimulationMicroInput) -> SimulationMicro:
    activites = [m.activite for m in data.montants]
    if len(set(activites)) != len(activites):
        raise bad_input_from(
            DomainError("Chaque activité ne peut figurer qu'une fois.", field="montants")
        )
    try:
        resultat = micro.compute_cotisations_micro(
            data.periode, data.nature, {m.activite: m.montant for m in data.montants}
        )
    except DomainError as error:
        raise bad_input_from(error) from error
    return simulation_micro_type(resultat)
