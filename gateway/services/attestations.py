"""Issuing attestations and checking them publicly — SPEC §6.

Each type's condition is checked on the locked account; the figures the document
prints (identity, SIRET, caisse, dates, amounts) are frozen in ``Attestation.contenu``
so the PDF and the public verification say the same thing whenever they are asked.
Vigilance and formation professionnelle carry a random verification code (100 bits,
``secrets``): anyone holding the document can check it with ``verifyAttestation``,
nobody can guess one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import attestations as rules
from domain import compte as compte_rules
from domain.carriere import paid_on_line
from domain.cotisations import CotisationCode
from domain.echeancier import Instalment
from domain.errors import DomainError
from domain.micro import TypePeriode
from domain.nomenclatures import (
    NatureCotisation,
    PeriodiciteDeclaration,
    Regime,
    TypeAttestation,
)
from domain.suivi_delais import as_of
from domain.vigilance import premiere_annee_periodes
from gateway.auth.principal import Scope
from gateway.context import Context
from gateway.db import models
from gateway.db.engine import RequestSession
from gateway.db.repositories import account
from gateway.db.repositories import delais as repository
from gateway.services.accounts import travailleur_for_update
from gateway.services.carriere import paid_on_line_by_year, year_lines
from gateway.services.documents import caisse_json, entreprise_json, entreprise_of, identite_json
from gateway.services.situation import (
    annees_non_declarees,
    follow,
    observe_plans,
    paiement_of,
)
from gateway.services.unit_of_work import Outcome, run_mutation

LIBELLES = {
    TypeAttestation.VIGILANCE: "de vigilance",
    TypeAttestation.MARCHE_PUBLIC: "marché public",
    TypeAttestation.CSG_CRDS: "CSG-CRDS",
    TypeAttestation.FORMATION_PROFESSIONNELLE: "de formation professionnelle",
}


# --- the account as the conditions see it -------------------------------------------


def micro_dues(
    declarations: list[models.DeclarationMicro], paiements: list[compte_rules.Paiement]
) -> tuple[list[Instalment], dict[int, compte_rules.DuMicro]]:
    """A micro-entrepreneur's dues and what was paid on them (``domain.compte.micro_dues``)."""
    return compte_rules.micro_dues(declaration_dues(declarations), paiements)


def declaration_dues(
    declarations: list[models.DeclarationMicro],
) -> list[compte_rules.DeclarationDue]:
    return [
        compte_rules.DeclarationDue(
            d.periode, d.date_exigibilite, d.cotisations, d.formation_professionnelle
        )
        for d in declarations
    ]


async def _regularite(
    session: AsyncSession, travailleur: models.Travailleur, jour: date, today: date
) -> bool:
    """The vigilance condition on ``jour`` (today, or 31 December for marché public);
    True when the worker is up to date thanks to a respected payment plan."""
    paiements = [
        paiement_of(p)
        for p in await account.payments(session, travailleur.id)
        if p.date_paiement <= jour
    ]
    if travailleur.regime is Regime.MICRO:
        declarations = await repository.declarations_micro(session, travailleur.id)
        dues, _ = micro_dues(declarations, paiements)
        type_periode = (
            TypePeriode.TRIMESTRE
            if travailleur.periodicite_declaration is PeriodiciteDeclaration.TRIMESTRIELLE
            else TypePeriode.MOIS
        )
        faites = rules.declared_before(
            ((d.periode, d.date_declaration) for d in declarations), jour
        )
        attendues = rules.periodes_a_declarer(
            jour,
            travailleur.date_debut_activite,
            travailleur.date_fin_activite,
            type_periode,
            premiere_annee_periodes(jour),
        )
        return rules.check_regularite(
            jour=jour,
            non_declares=[p for p in attendues if p not in faites],
            echeances=dues,
            couvertes=(),
        )
    etat, _, echeances = await observe_plans(session, travailleur.id, today)
    instalments = [
        Instalment(e.id, e.date_echeance, e.montant, Decimal(0), e.nature) for e in echeances
    ]
    paye = compte_rules.paid_by_instalment(instalments, paiements, jour)
    a_la_date = [
        Instalment(i.id, i.date_echeance, i.montant, paye[i.id], i.nature) for i in instalments
    ]
    if jour != today:
        plans = [p for p in (as_of(plan, jour) for plan in etat.plans.values()) if p is not None]
        etat = follow(plans, a_la_date, paiements, jour)
    revenus = await account.revenus(session, travailleur.id)
    return rules.check_regularite(
        jour=jour,
        non_declares=[str(a) for a in annees_non_declarees(travailleur, revenus, jour)],
        echeances=a_la_date,
        couvertes=etat.exemptes,
    )


async def _csg_crds(
    session: AsyncSession, travailleur: models.Travailleur, annee: int
) -> dict[str, Any]:
    if travailleur.regime is Regime.MICRO:
        raise DomainError(
            "Les micro-entrepreneurs n'ont pas de cotisations définitives annuelles : "
            "l'attestation CSG-CRDS ne les concerne pas.",
            field="type",
            code="REGIME_MICRO",
        )
    lignes = {
        c.code: c.montant
        for c in await account.cotisations(
            session, travailleur.id, annee, NatureCotisation.DEFINITIVE
        )
    }
    if not lignes:
        raise DomainError(
            f"Les cotisations définitives {annee} ne sont pas calculées : déclarez d'abord "
            f"votre revenu {annee}.",
            field="annee",
            code="COTISATIONS_DEFINITIVES_ABSENTES",
        )
    return {
        "annee": annee,
        "csg_deductible": str(lignes.get(CotisationCode.CSG_CRDS_DEDUCTIBLE, Decimal(0))),
        "csg_crds_non_deductible": str(
            lignes.get(CotisationCode.CSG_CRDS_NON_DEDUCTIBLE, Decimal(0))
        ),
    }


async def _cfp(
    session: AsyncSession, travailleur: models.Travailleur, annee: int
) -> tuple[Decimal, Decimal]:
    """The CFP due for ``annee`` and what was paid of it: each instalment's (or micro
    due's) paid amount attributed pro rata to its lines (§4), at most the CFP due."""
    if travailleur.regime is Regime.MICRO:
        paiements = [paiement_of(p) for p in await account.payments(session, travailleur.id)]
        declarations = await repository.declarations_micro(session, travailleur.id)
        dues, detail = micro_dues(declarations, paiements)
        due, paid = Decimal(0), Decimal(0)
        for du_micro in dues:
            du = detail[du_micro.id]
            if du.periode.startswith(f"{annee}-"):
                lignes = {"COTISATIONS": du.cotisations, "CFP": du.cfp}
                due += du.cfp
                paid += paid_on_line([du_micro.montant_paye], lignes, "CFP")
        return due, paid
    code = CotisationCode.FORMATION_PROFESSIONNELLE
    lignes_annee = await repository.cotisations(session, travailleur.id)
    echeances = await account.instalments(session, travailleur.id)
    paye = paid_on_line_by_year(lignes_annee, echeances, code)
    due = year_lines(lignes_annee, annee).get(code.value, Decimal(0))
    return due, paye.get(annee, Decimal(0))


# --- generateAttestation ----------------------------------------------------------------


async def generate_attestation(
    ctx: Context,
    *,
    travailleur_id: str,
    type_attestation: TypeAttestation,
    annee: int | None,
    idempotency_key: str | None,
) -> Outcome:
    """Issue an attestation to anyone who may see the worker (the worker, a mandated
    accountant, an agent of the caisse); OAuth clients need attestations:write."""
    principal = ctx.require_scope(Scope.ATTESTATIONS_WRITE)
    today = ctx.clock.today()
    url = ctx.services.settings.verification_url

    async def action(session: AsyncSession) -> Outcome:
        travailleur = await travailleur_for_update(session, principal, travailleur_id)
        libelle = LIBELLES[type_attestation]
        contenu: dict[str, Any] = {}
        fin_validite: date | None = None
        code: str | None = None
        match type_attestation:
            case TypeAttestation.VIGILANCE:
                # Valid 6 months from today, not tied to a year.
                rules.check_annee_implicite(annee, today.year, libelle)
                annee_retenue: int | None = None
                sous_plan = await _regularite(session, travailleur, today, today)
                fin_validite = rules.fin_validite_vigilance(today)
                contenu = {
                    "valide_du": today.isoformat(),
                    "valide_au": fin_validite.isoformat(),
                    "sous_plan_apurement": sous_plan,
                }
            case TypeAttestation.MARCHE_PUBLIC:
                situation = rules.situation_marche_public(today)
                annee_retenue = rules.check_annee_implicite(annee, situation.year, libelle)
                sous_plan = await _regularite(session, travailleur, situation, today)
                contenu = {"situation_au": situation.isoformat(), "sous_plan_apurement": sous_plan}
            case TypeAttestation.CSG_CRDS:
                annee_retenue = rules.check_annee_close(annee, today, libelle)
                contenu = await _csg_crds(session, travailleur, annee_retenue)
            case TypeAttestation.FORMATION_PROFESSIONNELLE:
                annee_retenue = rules.check_annee_close(annee, today, libelle)
                cfp_due, cfp = await _cfp(session, travailleur, annee_retenue)
                if cfp <= 0:
                    raise DomainError(
                        f"Aucune contribution à la formation professionnelle n'a été payée au "
                        f"titre de {annee_retenue}.",
                        field="annee",
                        code="CFP_NON_PAYEE",
                    )
                contenu = {
                    "annee": annee_retenue,
                    "cfp_due": str(cfp_due),
                    "cfp_payee": str(cfp),
                }
        if type_attestation in (
            TypeAttestation.VIGILANCE,
            TypeAttestation.FORMATION_PROFESSIONNELLE,
        ):
            code = await _unused_code(session)
            contenu["url_verification"] = url
        caisse = (
            await session.scalars(
                select(models.Caisse).where(models.Caisse.id == travailleur.caisse_id)
            )
        ).one()
        etablissement = await repository.principal_etablissement(session, travailleur.id)
        # Vigilance and marché public go to client companies: the business only, no NIR.
        if type_attestation not in (TypeAttestation.VIGILANCE, TypeAttestation.MARCHE_PUBLIC):
            siret = None if etablissement is None else etablissement.siret
            contenu["identite"] = identite_json(travailleur, siret)
        row = models.Attestation(
            travailleur_id=travailleur.id,
            type=type_attestation,
            annee=annee_retenue,
            date_emission=today,
            date_fin_validite=fin_validite,
            code_verification=code,
            contenu={
                **contenu,
                "caisse": caisse_json(caisse),
                "entreprise": entreprise_json(travailleur, etablissement),
            },
        )
        session.add(row)
        await session.flush()
        return Outcome(
            reference={"travailleur_id": travailleur.id, "attestation_id": row.id},
            travailleur_id=travailleur.id,
        )

    return await run_mutation(
        ctx,
        "generateAttestation",
        action,
        idempotency_key=idempotency_key,
        audit_detail=f"type={type_attestation.value} annee={annee}",
    )


async def _unused_code(session: AsyncSession) -> str:
    """A fresh random code; a collision (2^-100) is simply drawn again."""
    while True:
        code = rules.new_verification_code()
        taken = await session.scalar(
            select(models.Attestation.id).where(models.Attestation.code_verification == code)
        )
        if taken is None:
            return code


# --- verifyAttestation ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    """What the public verification shows: nothing else of the worker's account."""

    type: TypeAttestation
    nom: str
    prenom: str
    siret: str | None
    #: The business as printed on the attestation (its enseigne, else the
    #: entrepreneur's name) and its SIREN.
    entreprise: str
    siren: str | None
    date_emission: date
    date_fin_validite: date | None
    valide: bool


async def verify(
    db: RequestSession, code: str, today: date, siren: str | None = None
) -> Verification | None:
    """The attestation carrying ``code`` (case, spaces and dashes ignored); None for a
    code that matches none, and — the same answer — when a ``siren`` is given that is
    not the attestation's."""
    normalise = rules.normalize_code(code)
    row = None if normalise is None else await repository.attestation_by_code(db, normalise)
    if row is None:
        return None
    entreprise = entreprise_of(row.contenu)
    if siren is not None and siren != entreprise.siren:
        return None
    # The entrepreneur's names: recorded with the business, or with the worker's
    # identity on attestations issued before the business was.
    noms = row.contenu.get("entreprise") or row.contenu["identite"]
    return Verification(
        type=row.type,
        nom=noms["nom"],
        prenom=noms["prenom"],
        siret=entreprise.siret,
        entreprise=entreprise.denomination,
        siren=entreprise.siren,
        date_emission=row.date_emission,
        date_fin_validite=row.date_fin_validite,
        valide=rules.is_valid_on(row.date_fin_validite, today),
    )
