"""The one documented enum of the codes a `UserError` carries.

Business rules raise their refusals with a stable code (a plain string, so the domain
imports no framework); the schema shows it as a `UserErrorCode` value. A test reads
every code the sources raise and checks that it is listed here.
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(
    description=(
        "Why a mutation was refused: a stable, machine-readable reason. Nothing changed; "
        "`message` says the same for people, in French."
    )
)
class UserErrorCode(Enum):
    INVALID = strawberry.enum_value(
        "INVALID",
        description=("A business rule refused the request (generic; the message says which)."),
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND",
        description=("The object is unknown or not visible to the caller (the same answer)."),
    )
    THROTTLED = strawberry.enum_value(
        "THROTTLED",
        description=("Too many attempts: wait before trying again (the message says how long)."),
    )
    INVALID_CREDENTIALS = strawberry.enum_value(
        "INVALID_CREDENTIALS",
        description=("Unknown identifiant or wrong password (one answer for both)."),
    )
    INVALID_REFRESH_TOKEN = strawberry.enum_value(
        "INVALID_REFRESH_TOKEN",
        description=("The refresh token is unknown, expired, revoked or already used."),
    )
    INVALID_RESET_CODE = strawberry.enum_value(
        "INVALID_RESET_CODE",
        description=("The password reset code is wrong or expired."),
    )
    MOT_DE_PASSE_TROP_COURT = strawberry.enum_value(
        "MOT_DE_PASSE_TROP_COURT",
        description=("The new password is too short."),
    )
    MOT_DE_PASSE_TROP_LONG = strawberry.enum_value(
        "MOT_DE_PASSE_TROP_LONG",
        description=("The new password is too long."),
    )
    MOT_DE_PASSE_IDENTIFIANT = strawberry.enum_value(
        "MOT_DE_PASSE_IDENTIFIANT",
        description=("The new password is the identifiant."),
    )
    MOT_DE_PASSE_INCHANGE = strawberry.enum_value(
        "MOT_DE_PASSE_INCHANGE",
        description=("The new password equals the current one."),
    )
    COURRIEL_INVALIDE = strawberry.enum_value(
        "COURRIEL_INVALIDE",
        description=("The e-mail address is not valid."),
    )
    COURRIEL_DEJA_UTILISE = strawberry.enum_value(
        "COURRIEL_DEJA_UTILISE",
        description=("Another account already uses this e-mail address."),
    )
    TELEPHONE_INVALIDE = strawberry.enum_value(
        "TELEPHONE_INVALIDE",
        description=("The phone number is not a French number."),
    )
    AUCUNE_MODIFICATION = strawberry.enum_value(
        "AUCUNE_MODIFICATION",
        description=("Neither an e-mail address nor a phone number was given."),
    )
    NOM_INVALIDE = strawberry.enum_value(
        "NOM_INVALIDE",
        description=("The name is empty or too long."),
    )
    PRENOM_VIDE = strawberry.enum_value("PRENOM_VIDE", description="The first name is missing.")
    PRENOM_TROP_LONG = strawberry.enum_value(
        "PRENOM_TROP_LONG",
        description=("The first name is too long."),
    )
    TITULAIRE_INVALIDE = strawberry.enum_value(
        "TITULAIRE_INVALIDE",
        description=("The bank account holder is missing or too long."),
    )
    NIR_INVALIDE = strawberry.enum_value(
        "NIR_INVALIDE",
        description=("The NIR (social security number) is malformed or its key is wrong."),
    )
    SIRET_INVALIDE = strawberry.enum_value(
        "SIRET_INVALIDE",
        description=("The SIRET is malformed or fails its check digit."),
    )
    IBAN_INVALIDE = strawberry.enum_value(
        "IBAN_INVALIDE",
        description=("The IBAN is malformed or fails its check digits (ISO 13616)."),
    )
    BIC_INVALIDE = strawberry.enum_value(
        "BIC_INVALIDE",
        description=("The BIC is malformed."),
    )
    AGENT_SANS_CAISSE = strawberry.enum_value(
        "AGENT_SANS_CAISSE",
        description=("The agent's account is attached to no caisse."),
    )
    MONTANT_INVALIDE = strawberry.enum_value(
        "MONTANT_INVALIDE",
        description=("The amount is not a finite decimal number."),
    )
    MONTANT_INVRAISEMBLABLE = strawberry.enum_value(
        "MONTANT_INVRAISEMBLABLE",
        description=("The amount exceeds 100 000 000 € in absolute value."),
    )
    MONTANT_NEGATIF = strawberry.enum_value(
        "MONTANT_NEGATIF",
        description=("The amount cannot be negative."),
    )
    MONTANT_NUL = strawberry.enum_value("MONTANT_NUL", description="A payment must be positive.")
    MODE_INVALIDE = strawberry.enum_value(
        "MODE_INVALIDE",
        description=("CREDIT is reserved to the credits the caisse computes."),
    )
    DATE_ANTERIEURE_ACTIVITE = strawberry.enum_value(
        "DATE_ANTERIEURE_ACTIVITE",
        description=("A payment cannot precede the start of the activity."),
    )
    BAREME_INTROUVABLE = strawberry.enum_value(
        "BAREME_INTROUVABLE",
        description=("No contribution parameters (barème) exist for that year."),
    )
    ANNEE_NON_COURANTE = strawberry.enum_value(
        "ANNEE_NON_COURANTE",
        description=("An income estimate is for the current year only."),
    )
    ANNEE_NON_CLOSE = strawberry.enum_value(
        "ANNEE_NON_CLOSE",
        description=("The year is not over: its income cannot be declared yet."),
    )
    ANNEE_NON_COUVERTE = strawberry.enum_value(
        "ANNEE_NON_COUVERTE",
        description=("The year precedes the years of activity the service covers."),
    )
    DEJA_DECLARE = strawberry.enum_value(
        "DEJA_DECLARE",
        description=("The income of that year is already declared."),
    )
    INFORMATION_NON_CONFIRMEE = strawberry.enum_value(
        "INFORMATION_NON_CONFIRMEE",
        description=(
            "The « J'ai été informé(e) » box (an under-estimate is regularised) was not ticked."
        ),
    )
    TRAVAILLEUR_RADIE = strawberry.enum_value(
        "TRAVAILLEUR_RADIE",
        description=("The activity is struck off (radiée): no instalment is to come."),
    )
    DEJA_RADIE = strawberry.enum_value(
        "DEJA_RADIE",
        description=("The worker is already struck off: a radiation is recorded once."),
    )
    PRELEVEMENT_INACTIF = strawberry.enum_value(
        "PRELEVEMENT_INACTIF",
        description=(
            "No direct debit: payment is quarterly; record bank details first to choose a "
            "monthly periodicity."
        ),
    )
    PERIODICITE_DEJA_MODIFIEE = strawberry.enum_value(
        "PERIODICITE_DEJA_MODIFIEE",
        description=("The periodicity can be changed once per calendar year."),
    )
    ECHEANCE_NON_REJETABLE = strawberry.enum_value(
        "ECHEANCE_NON_REJETABLE",
        description=("This instalment has no direct debit that can be rejected."),
    )
    REGIME_CLASSIQUE = strawberry.enum_value(
        "REGIME_CLASSIQUE",
        description=(
            "Turnover declarations are for micro-entrepreneurs; a régime classique worker "
            "declares a yearly income."
        ),
    )
    REGIME_MICRO = strawberry.enum_value(
        "REGIME_MICRO",
        description=(
            "Not available to micro-entrepreneurs (they have no contribution instalments)."
        ),
    )
    PERIODE_INVALIDE = strawberry.enum_value(
        "PERIODE_INVALIDE",
        description=("The period is not YYYY-MM (a month) or YYYY-Tn (a quarter)."),
    )
    PERIODICITE_INCORRECTE = strawberry.enum_value(
        "PERIODICITE_INCORRECTE",
        description=("The period does not match the worker's declaration periodicity."),
    )
    PERIODE_EN_COURS = strawberry.enum_value(
        "PERIODE_EN_COURS",
        description=("The period is not over yet: it is declared once ended."),
    )
    PERIODE_FUTURE = strawberry.enum_value(
        "PERIODE_FUTURE",
        description=("The period has not started."),
    )
    AVANT_DEBUT_ACTIVITE = strawberry.enum_value(
        "AVANT_DEBUT_ACTIVITE",
        description=("The period precedes the start of the activity."),
    )
    APRES_FIN_ACTIVITE = strawberry.enum_value(
        "APRES_FIN_ACTIVITE",
        description=("The period follows the end of the activity."),
    )
    DEJA_DECLAREE = strawberry.enum_value(
        "DEJA_DECLAREE",
        description=("The period is already declared: a period is declared once."),
    )
    AUCUNE_ACTIVITE = strawberry.enum_value(
        "AUCUNE_ACTIVITE",
        description=("No turnover given for any activity (give 0 when nothing was earned)."),
    )
    ACTIVITE_EN_DOUBLE = strawberry.enum_value(
        "ACTIVITE_EN_DOUBLE",
        description=("The same activity appears twice: one line per activity."),
    )
    AUCUNE_ECHEANCE = strawberry.enum_value(
        "AUCUNE_ECHEANCE",
        description=("A payment plan must cover at least one overdue instalment."),
    )
    ECHEANCE_NON_EXIGIBLE = strawberry.enum_value(
        "ECHEANCE_NON_EXIGIBLE",
        description=("Only overdue, unpaid instalments can be covered by a plan."),
    )
    NOMBRE_ECHEANCES_INVALIDE = strawberry.enum_value(
        "NOMBRE_ECHEANCES_INVALIDE",
        description=("A plan has at least one instalment."),
    )
    NOMBRE_ECHEANCES_TROP_ELEVE = strawberry.enum_value(
        "NOMBRE_ECHEANCES_TROP_ELEVE",
        description=("A plan has at most 24 instalments."),
    )
    PREMIERE_ECHEANCE_PASSEE = strawberry.enum_value(
        "PREMIERE_ECHEANCE_PASSEE",
        description=("The first instalment of a plan cannot be in the past."),
    )
    PREMIERE_ECHEANCE_TROP_LOINTAINE = strawberry.enum_value(
        "PREMIERE_ECHEANCE_TROP_LOINTAINE",
        description=("The first instalment of a plan must fall within 60 days of the request."),
    )
    MOTIF_REQUIS = strawberry.enum_value("MOTIF_REQUIS", description="A reason is required.")
    MOTIF_TROP_LONG = strawberry.enum_value(
        "MOTIF_TROP_LONG",
        description=("The reason is too long."),
    )
    REVENUS_NON_DECLARES = strawberry.enum_value(
        "REVENUS_NON_DECLARES",
        description=("Every past income must be declared before asking for a plan."),
    )
    TAXATION_OFFICE = strawberry.enum_value(
        "TAXATION_OFFICE",
        description=(
            "Contributions are assessed by the caisse (taxation d'office) for want of "
            "declarations: declare the past incomes first."
        ),
    )
    DELAI_EN_COURS = strawberry.enum_value(
        "DELAI_EN_COURS",
        description=("Another payment plan is in progress: renegotiate it instead."),
    )
    DELAI_DENONCE_RECENT = strawberry.enum_value(
        "DELAI_DENONCE_RECENT",
        description=("A plan was denounced in the last 24 months."),
    )
    DELAI_NON_RENEGOCIABLE = strawberry.enum_value(
        "DELAI_NON_RENEGOCIABLE",
        description=("Only an accepted payment plan can be renegotiated."),
    )
    DELAI_DEJA_DECIDE = strawberry.enum_value(
        "DELAI_DEJA_DECIDE",
        description=("Only a pending request can be decided."),
    )
    TRANSITION_INTERDITE = strawberry.enum_value(
        "TRANSITION_INTERDITE",
        description=("A plan in this state cannot move to the requested state."),
    )
    ANNEE_REQUISE = strawberry.enum_value(
        "ANNEE_REQUISE",
        description=("This kind of attestation needs a year."),
    )
    ANNEE_INVALIDE = strawberry.enum_value(
        "ANNEE_INVALIDE",
        description=("This kind of attestation cannot be asked for that year."),
    )
    DECLARATIONS_MANQUANTES = strawberry.enum_value(
        "DECLARATIONS_MANQUANTES",
        description=("Some declarations are missing: the attestation is refused."),
    )
    COTISATIONS_IMPAYEES = strawberry.enum_value(
        "COTISATIONS_IMPAYEES",
        description=(
            "Contributions are overdue outside an accepted, respected payment plan: the "
            "attestation is refused."
        ),
    )
    COTISATIONS_DEFINITIVES_ABSENTES = strawberry.enum_value(
        "COTISATIONS_DEFINITIVES_ABSENTES",
        description=(
            "The year's definitive contributions are not computed yet (declare the income)."
        ),
    )
    CFP_NON_PAYEE = strawberry.enum_value(
        "CFP_NON_PAYEE",
        description=("No vocational-training contribution (CFP) was paid for that year."),
    )
    CLE_MANQUANTE = strawberry.enum_value(
        "CLE_MANQUANTE",
        description=("The activation key is missing."),
    )
    CLE_INVALIDE = strawberry.enum_value(
        "CLE_INVALIDE",
        description=(
            "The activation key is wrong, expired or unknown (one answer for every case)."
        ),
    )
    MANDAT_DEJA_ACTIF = strawberry.enum_value(
        "MANDAT_DEJA_ACTIF",
        description=("The cabinet already holds an active mandate for this worker."),
    )
    MANDAT_INACTIF = strawberry.enum_value(
        "MANDAT_INACTIF",
        description=("The mandate is no longer in force: nothing to revoke."),
    )
    COLLABORATEUR_ADMINISTRATEUR = strawberry.enum_value(
        "COLLABORATEUR_ADMINISTRATEUR",
        description=("A cabinet administrator already sees every client: nothing to assign."),
    )
    TROP_D_ELEMENTS = strawberry.enum_value(
        "TROP_D_ELEMENTS",
        description=("Too many items in one request."),
    )
    SCOPES_MANQUANTS = strawberry.enum_value(
        "SCOPES_MANQUANTS",
        description=("At least one OAuth scope is required."),
    )
    SCOPE_INCONNU = strawberry.enum_value("SCOPE_INCONNU", description="An OAuth scope is unknown.")
    CLIENT_DEJA_REVOQUE = strawberry.enum_value(
        "CLIENT_DEJA_REVOQUE",
        description=("The OAuth client is already revoked."),
    )
    TITRE_VIDE = strawberry.enum_value("TITRE_VIDE", description="The title is missing.")
    TITRE_TROP_LONG = strawberry.enum_value("TITRE_TROP_LONG", description="The title is too long.")
    CONTENU_VIDE = strawberry.enum_value("CONTENU_VIDE", description="The text is missing.")
    CONTENU_TROP_LONG = strawberry.enum_value(
        "CONTENU_TROP_LONG",
        description=("The text is too long."),
    )
    DATE_PUBLICATION_PASSEE = strawberry.enum_value(
        "DATE_PUBLICATION_PASSEE",
        description=("The publication date is in the past."),
    )
    DATE_FIN_AVANT_PUBLICATION = strawberry.enum_value(
        "DATE_FIN_AVANT_PUBLICATION",
        description=("The end date precedes the publication date."),
    )
    CIBLAGE_TROP_LARGE = strawberry.enum_value(
        "CIBLAGE_TROP_LARGE",
        description=("Too many values in a targeting list."),
    )
    REGION_INCONNUE = strawberry.enum_value(
        "REGION_INCONNUE",
        description=("The region is not one of the 18 French regions."),
    )
    STATUT_INCONNU = strawberry.enum_value(
        "STATUT_INCONNU",
        description=("The reader category is not ARTISAN, COMMERCANT, MICRO or RETRAITE."),
    )
    DEJA_RETIREE = strawberry.enum_value(
        "DEJA_RETIREE",
        description=("The item is already withdrawn."),
    )
    PROFESSION_VIDE = strawberry.enum_value(
        "PROFESSION_VIDE",
        description=("A profession in the list is empty."),
    )
    PROFESSION_TROP_LONGUE = strawberry.enum_value(
        "PROFESSION_TROP_LONGUE",
        description=("A profession is too long."),
    )
    AGE_INVALIDE = strawberry.enum_value("AGE_INVALIDE", description="The age is out of range.")
    AGES_INVERSES = strawberry.enum_value(
        "AGES_INVERSES",
        description=("The maximum age precedes the minimum age."),
    )
    DATE_FUTURE = strawberry.enum_value(
        "DATE_FUTURE",
        description=("The date cannot be in the future."),
    )
    DATE_NAISSANCE_INVRAISEMBLABLE = strawberry.enum_value(
        "DATE_NAISSANCE_INVRAISEMBLABLE",
        description=("The date of birth is too far in the past."),
    )
    DATE_AVANT_NAISSANCE = strawberry.enum_value(
        "DATE_AVANT_NAISSANCE",
        description=("The date precedes the person's birth."),
    )
    DATE_APRES_REALISATION = strawberry.enum_value(
        "DATE_APRES_REALISATION",
        description=("A vaccination or screening already recorded precedes this date of birth."),
    )
    PROGRAMME_INADAPTE = strawberry.enum_value(
        "PROGRAMME_INADAPTE",
        description=("The programme does not apply to this kind of record."),
    )
    TROP_D_AYANTS_DROIT = strawberry.enum_value(
        "TROP_D_AYANTS_DROIT",
        description=("Too many ayants droit on one account."),
    )
    NUMERO_LOT_TROP_LONG = strawberry.enum_value(
        "NUMERO_LOT_TROP_LONG",
        description=("The vaccine batch number is too long."),
    )
    IDEMPOTENCY_KEY_REUSED = strawberry.enum_value(
        "IDEMPOTENCY_KEY_REUSED",
        description="The idempotency key was already used for another operation or input.",
    )
    ERREUR_INTERNE = strawberry.enum_value(
        "ERREUR_INTERNE",
        description="This item of a batch failed on an unexpected error; nothing of it changed.",
    )
    URL_INVALIDE = strawberry.enum_value(
        "URL_INVALIDE",
        description=("The webhook URL is malformed, names no host, or carries credentials."),
    )
    URL_NON_HTTPS = strawberry.enum_value(
        "URL_NON_HTTPS",
        description=("The webhook URL must be https (http only in development)."),
    )
    URL_ADRESSE_INTERDITE = strawberry.enum_value(
        "URL_ADRESSE_INTERDITE",
        description=(
            "The webhook URL's host is a private, loopback, link-local or reserved address."
        ),
    )
    URL_HOTE_INCONNU = strawberry.enum_value(
        "URL_HOTE_INCONNU",
        description=("The webhook URL's host name does not resolve."),
    )
    TROP_DE_WEBHOOKS = strawberry.enum_value(
        "TROP_DE_WEBHOOKS",
        description=("The cabinet already has the most webhook endpoints allowed."),
    )
    DESCRIPTION_TROP_LONGUE = strawberry.enum_value(
        "DESCRIPTION_TROP_LONGUE",
        description=("The description is longer than allowed."),
    )


def user_error_code(code: str) -> UserErrorCode:
    """The enum value of a raised code; an unlisted code is a programming error."""
    return UserErrorCode(code)
