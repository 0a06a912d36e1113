"""The public simulator: input checked by the engine, refusals as BAD_USER_INPUT."""

from __future__ import annotations

from domain import cotisations as engine
from domain.errors import DomainError
from gateway.schema.errors import bad_input_from
from gateway.schema.simulation import Simulation, SimulationInput, simulation_type


def simulate(data: SimulationInput) -> Simulation:
    try:
        resultat = engine.compute_cotisations(
            data.annee, data.nature, data.revenu_professionnel, data.date_creation
        )
        forfait = None
        if data.date_creation is not None and data.date_creation.year == data.annee:
            forfait = engine.compute_forfait_debut_activite(data.annee, data.nature, data.date_creation)
    except DomainError as error:
        raise bad_input_from(error) from error
    return simulation_type(resultat, forfait)
