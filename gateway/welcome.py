"""What ``make run`` prints once the server listens: where the faces are, and who to
log in as (the demo identities of the README)."""

from __future__ import annotations

from gateway.seed.demo_identites import (
    AGENT,
    COLLABORATEUR,
    EXPERT,
    MOT_DE_PASSE_TRAVAILLEUR,
    NIR_ARTISAN,
    NIR_COMMERCANT,
    NIR_HORS_CABINET,
    NIR_MICRO,
)


def welcome(public_url: str) -> str:
    """The banner: URLs under ``public_url`` (the configured public address), then the
    demo identities with their demo-only passwords."""
    base = public_url.rstrip("/")
    identites = [
        ("Cabinet (administratrice)", EXPERT.courriel, EXPERT.mot_de_passe),
        ("Cabinet (collaborateur)", COLLABORATEUR.courriel, COLLABORATEUR.mot_de_passe),
        ("Artisan, à jour", NIR_ARTISAN, MOT_DE_PASSE_TRAVAILLEUR),
        ("Commerçant, 3 échéances en retard", NIR_COMMERCANT, MOT_DE_PASSE_TRAVAILLEUR),
        ("Micro-entrepreneur", NIR_MICRO, MOT_DE_PASSE_TRAVAILLEUR),
        ("Travailleur sans cabinet", NIR_HORS_CABINET, MOT_DE_PASSE_TRAVAILLEUR),
        ("Agent de la caisse", AGENT.courriel, AGENT.mot_de_passe),
    ]
    width = max(len(who) for who, _, _ in identites)
    lines = [
        "",
        "Mon compte indépendant est prêt :",
        f"  Tableau de bord du cabinet  {base}/#/portefeuille",
        f"  Mon compte (travailleur)    {base}/#/compte",
        f"  GraphiQL (API GraphQL)      {base}/graphql",
        f"  Vérifier une attestation    {base}/verification",
        "",
        "Identités de démonstration (mots de passe de démo uniquement) :",
        *(f"  {who:<{width}}  {ident:<24}  {password}" for who, ident, password in identites),
        "",
        "Arrêt : Ctrl-C.",
        "",
    ]
    return "\n".join(lines)
