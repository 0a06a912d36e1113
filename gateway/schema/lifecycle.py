"""Inputs and payloads of the account lifecycle: revenus, direct debit, payments (SPEC §4)."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.echeancier import NatureEcheance, Periodicite
from domain.nomenclatures import ModePaiement
from gateway.schema.compte import Echeance, Paiement
from gateway.schema.cotisations import LigneCotisation
from gateway.schema.errors import UserError
from gateway.schema.relay import Node
from gateway.schema.scalars import Money
from gateway.schema.travailleur import Prelevement, Travailleur

IDEMPOTENCY = (
    "Any unique string: a retry with the same key by the same caller returns the first "
    "result and changes nothing more."
)


@strawberry.type(description="Avis d'appel rectificatif issued after an income estimate, as a PDF.")
class AvisAppel(Node):
    annee: int = strawberry.field(description="Year of the recomputed contributions.")
    date_emission: date = strawberry.field(description="Issue date.")
    revenu_estime: Money = strawberry.field(description="Estimated income the notice is based on.")
    url: str = strawberry.field(
        description=(
            "Download link of the PDF (send your bearer token; "
            "only those who may see the worker can)."
        )
    )


@strawberry.type(description="One instalment of a recomputed schedule.")
class LigneEcheancier:
    date_echeance: date = strawberry.field(description="Due date.")
    montant: Money = strawberry.field(description="Amount due.")
    montant_paye: Money = strawberry.field(description="Amount already paid.")
    nature: NatureEcheance = strawberry.field(description="Provisional or régularisation.")


@strawberry.input(
    description=(
        'The online income estimate: "Vos revenus sont à la hausse ou à la baisse ? Adaptez '
        'le montant de vos cotisations provisionnelles."'
    )
)
class EstimateRevenueInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    annee: int = strawberry.field(
        description="The current year (the only one that can be estimated)."
    )
    montant: Money = strawberry.field(description="Estimated professional income of the year, ≥ 0.")
    courriel: str = strawberry.field(
        description="Address for the acknowledgment (does not replace the contact address on file)."
    )
    jai_ete_informe: bool = strawberry.field(
        description=(
            "Tick to confirm: an under-estimate will be claimed at regularisation. Required."
        )
    )
    previsualisation: bool = strawberry.field(
        default=False,
        description="True: compute and show the new contributions and schedule, write nothing.",
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of an income estimate (or of its preview).")
class EstimateRevenuePayload:
    travailleur: Travailleur | None = strawberry.field(description="The worker.")
    previsualisation: bool = strawberry.field(description="True when nothing was written.")
    base_calcul: str | None = strawberry.field(
        description="What the contributions were computed on."
    )
    cotisations: list[LigneCotisation] | None = strawberry.field(
        description="The recomputed provisional contributions of the year, per line."
    )
    total_cotisations: Money | None = strawberry.field(description="Their total.")
    echeancier: list[LigneEcheancier] | None = strawberry.field(
        description=(
            "The year's schedule after the change (instalments due within 15 days unchanged)."
        )
    )
    credit: Money | None = strawberry.field(
        description="Credit of the year when instalments already due exceed the new total."
    )
    avertissement: str | None = strawberry.field(description="The under-estimation warning.")
    avis_appel: AvisAppel | None = strawberry.field(
        description="The avis d'appel rectificatif (null in a preview)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why the estimate was refused.")


@strawberry.input(description="Declaration of the professional income of a past year.")
class DeclareRevenuInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    annee: int = strawberry.field(
        description=(
            "The year declared: N-1, or an earlier covered year (2023 onwards, within the "
            "activity) not yet declared."
        )
    )
    montant: Money = strawberry.field(description="Professional income; negative for a loss.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of an income declaration.")
class DeclareRevenuPayload:
    travailleur: Travailleur | None = strawberry.field(description="The worker.")
    regularisation: Money | None = strawberry.field(
        description=(
            "Definitive − provisional contributions of the year: positive is spread over the "
            "open instalments of the current year, negative is a credit set against debts."
        )
    )
    user_errors: list[UserError] = strawberry.field(description="Why the declaration was refused.")


@strawberry.input(description="New periodicity of the direct debit (at most one change a year).")
class SetPrelevementPeriodiciteInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    periodicite: Periodicite = strawberry.field(description="MENSUEL_5, MENSUEL_20 or TRIMESTRIEL.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of a periodicity change.")
class SetPrelevementPeriodicitePayload:
    travailleur: Travailleur | None = strawberry.field(description="The worker.")
    modifiee: bool = strawberry.field(
        description="False when the periodicity was already the one asked."
    )
    echeancier: list[Echeance] | None = strawberry.field(
        description=(
            "The current year's instalments after the change (those within 30 days "
            "unchanged). Null (FORBIDDEN) for an OAuth2 client without the `read` scope."
        )
    )
    user_errors: list[UserError] = strawberry.field(description="Why the change was refused.")


@strawberry.input(description="Bank details for the SEPA direct debit.")
class SetPrelevementAutomatiqueInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    iban: str = strawberry.field(description="IBAN (spaces allowed).")
    bic: str = strawberry.field(description="BIC of the bank (8 or 11 characters).")
    titulaire: str = strawberry.field(description="Account holder.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="Stop the direct debit: payment becomes quarterly.")
class RemovePrelevementAutomatiqueInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of a change to the direct debit.")
class PrelevementPayload:
    travailleur: Travailleur | None = strawberry.field(description="The worker.")
    prelevement: Prelevement | None = strawberry.field(
        description="The direct debit after the change."
    )
    user_errors: list[UserError] = strawberry.field(description="Why the change was refused.")


@strawberry.input(description="A payment received by the caisse (agents only).")
class RecordPaiementInput:
    travailleur_id: strawberry.ID = strawberry.field(description="Global ID of the worker.")
    montant: Money = strawberry.field(description="Amount received, > 0.")
    date_paiement: date = strawberry.field(description="Date received (not in the future).")
    mode: ModePaiement = strawberry.field(description="VIREMENT, CHEQUE, CARTE or PRELEVEMENT.")
    reference: str = strawberry.field(default="", description="Bank or cheque reference.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of recording a payment.")
class RecordPaiementPayload:
    travailleur: Travailleur | None = strawberry.field(description="The worker.")
    paiement: Paiement | None = strawberry.field(
        description="The payment, allocated to the oldest unpaid instalments."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.input(description="A direct debit rejected by the bank (agents only).")
class RecordPrelevementRejeteInput:
    echeance_id: strawberry.ID = strawberry.field(
        description="Global ID of the instalment whose debit was rejected."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of recording a rejected direct debit.")
class RecordPrelevementRejetePayload:
    travailleur: Travailleur | None = strawberry.field(description="The worker.")
    reporte_sur: Echeance | None = strawberry.field(
        description="First rejection: the instalment the amount was carried to."
    )
    passage_trimestriel: bool = strawberry.field(
        description="Second rejection in a row: payment became quarterly and majorations apply."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")
