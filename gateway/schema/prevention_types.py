"""« Ma prévention santé »: the types of the worker's prevention and screening file."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.actualites import EtatActualite
from domain.prevention import Action, LienAyantDroit, Nature, Programme, Sexe, Statut
from gateway.schema.described_enum import described_enum
from gateway.schema.errors import UserError
from gateway.schema.relay import Node

IDEMPOTENCY = (
    "Any unique string: a retry with the same key by the same caller returns the first "
    "result and changes nothing more."
)

SexeEnum = described_enum(
    Sexe,
    description="Sex, as on the NIR.",
    values={"F": "Female (NIR starting with 2).", "M": "Male (NIR starting with 1)."},
)
LienAyantDroitEnum = described_enum(
    LienAyantDroit,
    description="How an ayant droit is related to the worker.",
    values={
        "CONJOINT": "Spouse, PACS or concubin partner.",
        "ENFANT": "Child.",
    },
)
NaturePreventionEnum = described_enum(
    Nature,
    name="NaturePrevention",
    description="Kind of prevention action.",
    values={"VACCINATION": "A vaccine dose.", "DEPISTAGE": "A cancer screening."},
)
ProgrammePreventionEnum = described_enum(
    Programme,
    name="ProgrammePrevention",
    description=(
        "A recommended action of the national programmes: the organised cancer screenings "
        "(dépistages organisés) and the vaccination schedule (calendrier des vaccinations)."
    ),
    values={
        "DEPISTAGE_CANCER_SEIN": (
            "Breast cancer screening: mammography, women 50–74, every 2 years."
        ),
        "DEPISTAGE_CANCER_COLORECTAL": (
            "Colorectal cancer screening: immunological test, 50–74, every 2 years."
        ),
        "DEPISTAGE_COL_UTERUS_CYTOLOGIE": (
            "Cervical cancer screening by cytology: women 25–29, the first two 1 year apart, "
            "then every 3 years."
        ),
        "DEPISTAGE_COL_UTERUS_TEST_HPV": (
            "Cervical cancer screening by HPV test: women 30–65, 3 years after the last "
            "cytology (or at 30 without one), then every 5 years."
        ),
        "RAPPEL_DTP_ADULTE": (
            "Adult diphtheria-tetanus-polio booster (with pertussis at 25): at 25, 45, 65, "
            "then every 10 years."
        ),
        "GRIPPE_SAISONNIERE": "Seasonal flu: from 65, one dose per season (1 October – 31 March).",
        "NOURRISSON_DTCAP_HIB_HEPB": (
            "Infant hexavalent vaccine (DTCaP-Hib-HepB): at 2, 4 and 11 months."
        ),
        "NOURRISSON_PNEUMOCOQUE": "Infant pneumococcal vaccine: at 2, 4 and 11 months.",
        "ROR": "Measles-mumps-rubella: at 12 and 16 months.",
        "RAPPEL_DTCAP_POLIO_6_ANS": "DTCaP-polio booster at 6.",
        "RAPPEL_DTCAP_POLIO_11_13_ANS": "DTCaP-polio booster from 11 to 13.",
        "VACCINATION_HPV": (
            "HPV vaccination, 11–19: 2 doses 6 months apart when started before 15, else 3 "
            "doses at 0, 2 and 6 months."
        ),
    },
)
StatutPreventionEnum = described_enum(
    Statut,
    name="StatutPrevention",
    description="Where a person stands on a recommended action, on the clock's today.",
    values={
        "A_JOUR": "Next due date after today, or the series is complete.",
        "A_FAIRE": "Due: never done, or late by less than 180 days.",
        "EN_RETARD": "Done before and late by 180 days or more.",
    },
)


@strawberry.type(description="A recommended action for a person today.")
class ActionPrevention:
    programme: Programme = strawberry.field(description="The programme.")
    nature: Nature = strawberry.field(description="Vaccination or screening.")
    libelle: str = strawberry.field(description="Its name, in French.")
    statut: Statut = strawberry.field(description="Where it stands today.")
    date_prochaine: date | None = strawberry.field(
        description=(
            "When it is next due: the last one recorded plus the interval, or the age it "
            "starts at when none was recorded; null when a vaccine series is complete."
        )
    )
    derniere_realisation: date | None = strawberry.field(
        description="The last one recorded (null: never)."
    )
    nombre_realisations: int = strawberry.field(description="How many were recorded.")

    @staticmethod
    def from_domain(action: Action) -> ActionPrevention:
        return ActionPrevention(
            programme=action.programme.code,
            nature=action.programme.nature,
            libelle=action.programme.libelle,
            statut=action.statut,
            date_prochaine=action.date_prochaine,
            derniere_realisation=action.derniere_realisation,
            nombre_realisations=action.realisations,
        )


@strawberry.type(description="A vaccination or screening recorded.")
class RealisationPrevention:
    programme: Programme = strawberry.field(description="The programme.")
    nature: Nature = strawberry.field(description="Vaccination or screening.")
    date_realisation: date = strawberry.field(name="date", description="When it was done.")
    numero_lot: str | None = strawberry.field(
        description="Batch number of the vaccine (numéro de lot), when given."
    )


@strawberry.type(
    description=(
        "The prevention file of one person: the actions recommended for their age and sex "
        "today (the others are not listed) and what was recorded."
    )
)
class DossierPrevention:
    prenom: str = strawberry.field(description="First name.")
    date_naissance: date = strawberry.field(description="Birth date.")
    sexe: Sexe = strawberry.field(description="Sex.")
    age: int = strawberry.field(
        description=(
            "Age in whole years today (born on 29 February: a year older on 1 March in "
            "common years)."
        )
    )
    actions: list[ActionPrevention] = strawberry.field(
        description="The recommended actions, each with its status and next due date."
    )
    realisations: list[RealisationPrevention] = strawberry.field(
        description="Vaccinations and screenings recorded, most recent first."
    )


@strawberry.type(
    description="A family member the worker declared (ayant droit): spouse or partner, child."
)
class AyantDroit(Node):
    prenom: str = strawberry.field(description="First name.")
    date_naissance: date = strawberry.field(description="Birth date.")
    sexe: Sexe = strawberry.field(description="Sex.")
    lien: LienAyantDroit = strawberry.field(description="Link to the worker.")
    dossier: DossierPrevention = strawberry.field(description="Their prevention file.")


@strawberry.type(
    description=(
        "« Ma prévention santé »: the prevention and screening file of the worker and their "
        "ayants droit. Visible to the worker only."
    )
)
class MaPrevention:
    titulaire: DossierPrevention = strawberry.field(description="The worker's own file.")
    ayants_droit: list[AyantDroit] = strawberry.field(
        description="The family members declared, oldest first, each with their file."
    )
    rappels_actifs: bool = strawberry.field(
        description=(
            "Reminder e-mails are on: 30 days before an action is due, an e-mail without "
            "any health detail invites you to open your file."
        )
    )


@strawberry.type(description="Who prevention advice is for; empty or null means everyone.")
class CiblageConseil:
    professions: list[str] = strawberry.field(description="Professions targeted.")
    age_min: int | None = strawberry.field(description="From this age (years).")
    age_max: int | None = strawberry.field(description="Up to this age (years, included).")
    sexe: Sexe | None = strawberry.field(description="Sex targeted.")


@strawberry.type(
    description=(
        "Prevention advice of the caisse (conseil de prévention), targeted by profession, "
        "age and sex."
    )
)
class ConseilPrevention(Node):
    titre: str = strawberry.field(description="Title.")
    contenu: str = strawberry.field(description="Text of the advice.")
    date_publication: date = strawberry.field(description="Shown from this day on.")
    date_fin: date | None = strawberry.field(
        description="Last day it is shown (null: until withdrawn)."
    )
    etat: EtatActualite = strawberry.field(description="Where the advice stands today.")
    date_retrait: date | None = strawberry.field(
        description="When an agent withdrew it (null while not withdrawn)."
    )
    ciblage: CiblageConseil = strawberry.field(description="Who it is for.")


# --- inputs and payloads -----------------------------------------------------------------


@strawberry.input(description="A family member to declare.")
class AddAyantDroitInput:
    prenom: str = strawberry.field(description="First name, required, at most 100 characters.")
    date_naissance: date = strawberry.field(description="Birth date, not in the future.")
    sexe: Sexe = strawberry.field(description="Sex.")
    lien: LienAyantDroit = strawberry.field(description="Link to you.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="Change a family member: only the fields given change.")
class UpdateAyantDroitInput:
    ayant_droit_id: strawberry.ID = strawberry.field(description="Global ID of the ayant droit.")
    prenom: str | None = strawberry.field(default=None, description="New first name.")
    date_naissance: date | None = strawberry.field(
        default=None,
        description="New birth date: not in the future, nor after a recorded action.",
    )
    sexe: Sexe | None = strawberry.field(
        default=None, description="New sex: refused when a recorded screening would not fit."
    )
    lien: LienAyantDroit | None = strawberry.field(default=None, description="New link.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="Remove a family member and their prevention file.")
class RemoveAyantDroitInput:
    ayant_droit_id: strawberry.ID = strawberry.field(description="Global ID of the ayant droit.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of declaring or changing a family member.")
class AyantDroitPayload:
    ayant_droit: AyantDroit | None = strawberry.field(
        description="The ayant droit after the change (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of removing a family member.")
class RemoveAyantDroitPayload:
    ayant_droit_id: strawberry.ID | None = strawberry.field(
        description="Global ID of the ayant droit removed (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.input(description="A vaccine dose given to you or a family member.")
class RecordVaccinationInput:
    ayant_droit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the ayant droit; null: yourself."
    )
    vaccin: Programme = strawberry.field(description="The vaccination programme.")
    date_realisation: date = strawberry.field(
        name="date", description="When it was given: not in the future, nor before birth."
    )
    numero_lot: str | None = strawberry.field(
        default=None, description="Batch number on the vaccine (optional, at most 40 characters)."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="A screening done by you or a family member.")
class RecordDepistageInput:
    ayant_droit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the ayant droit; null: yourself."
    )
    depistage: Programme = strawberry.field(description="The screening programme.")
    date_realisation: date = strawberry.field(
        name="date", description="When it was done: not in the future, nor before birth."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of recording a vaccination or a screening.")
class RecordPreventionPayload:
    dossier: DossierPrevention | None = strawberry.field(
        description="The person's file after the record (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.input(description="Turn the reminder e-mails of your prevention file on or off.")
class SetRappelsPreventionInput:
    actifs: bool = strawberry.field(description="True: send reminders; false: stop them.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of changing the reminder setting.")
class SetRappelsPreventionPayload:
    rappels_actifs: bool | None = strawberry.field(
        description="The setting now (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.input(
    description="Prevention advice an agent publishes for the workers of their caisse."
)
class PublishConseilPreventionInput:
    titre: str = strawberry.field(description="Title, required, at most 200 characters.")
    contenu: str = strawberry.field(description="Text, required.")
    date_publication: date | None = strawberry.field(
        default=None, description="First day shown: today (the default) or later."
    )
    date_fin: date | None = strawberry.field(
        default=None,
        description="Last day shown, not before the publication date; null: until withdrawn.",
    )
    professions: list[str] = strawberry.field(
        default_factory=list,
        description=(
            "Professions targeted, as workers' profiles name them (« Coiffeur »; case, "
            "accents and hyphens are ignored). Empty: every profession."
        ),
    )
    age_min: int | None = strawberry.field(
        default=None, description="From this age, 0 to 120 (null: no lower bound)."
    )
    age_max: int | None = strawberry.field(
        default=None, description="Up to this age included, 0 to 120 (null: no upper bound)."
    )
    sexe: Sexe | None = strawberry.field(default=None, description="Sex targeted (null: both).")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="Withdraw prevention advice of your caisse.")
class WithdrawConseilPreventionInput:
    conseil_id: strawberry.ID = strawberry.field(description="Global ID of the advice.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(description="Result of publishing or withdrawing prevention advice.")
class ConseilPreventionPayload:
    conseil: ConseilPrevention | None = strawberry.field(
        description="The advice (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")
