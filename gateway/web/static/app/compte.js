// The worker's "Mon compte": the sections of the service's brochure, each a sub-page
// at "#/compte/<section>". Micro-entrepreneurs see their declarations instead of the
// revenus, cotisations annuelles and échéances dues (they contribute on turnover).
import { html, useState } from "./lib.js";
import { href } from "./router.js";
import { euros, date, libelle, MOIS } from "./format.js";
import { useQuery, Alerte, Chargement, SousNavigation, Choix, Revision } from "./ui.js";
import { useEnDirect, EtatDirect } from "./live.js";
import { Revenus, Cotisations, Echeances } from "./compte_revenus.js";
import { Paiements, Prelevement, Delais } from "./compte_paiements.js";
import { Attestations, Carriere, Declarations } from "./compte_documents.js";
import { Prevention } from "./compte_prevention.js";

const MOI = `query MonCompte {
  me {
    travailleur {
      __typename id nom prenom civilite courriel regime situation
      ... on TravailleurClassique { taxationDOffice }
    }
  }
}`;

// Any change to the worker's account: the section shown is read again.
const EN_DIRECT = `subscription MonCompte($travailleurId: ID!, $depuis: String) {
  evenementsCompte(travailleurId: $travailleurId, depuis: $depuis) { sequence }
}`;

const CLASSIQUE = [
  ["synthese", "Synthèse du compte"],
  ["infos", "Informations générales"],
  ["revenus", "Revenus"],
  ["cotisations", "Cotisations"],
  ["echeances", "Échéances dues"],
  ["paiements", "Paiements"],
  ["prelevement", "Prélèvement automatique"],
  ["delais", "Délais de paiement"],
  ["attestations", "Attestations"],
  ["carriere", "Relevé de carrière"],
  ["prevention", "Ma prévention santé"],
  ["caisse", "Ma caisse"],
];
const MICRO = [
  ["synthese", "Synthèse du compte"],
  ["infos", "Informations générales"],
  ["declarations", "Déclarations"],
  ["paiements", "Paiements"],
  ["prelevement", "Prélèvement automatique"],
  ["delais", "Délais de paiement"],
  ["attestations", "Attestations"],
  ["prevention", "Ma prévention santé"],
  ["caisse", "Ma caisse"],
];

const SECTIONS = {
  synthese: Synthese,
  infos: Informations,
  revenus: Revenus,
  cotisations: Cotisations,
  echeances: Echeances,
  declarations: Declarations,
  paiements: Paiements,
  prelevement: Prelevement,
  delais: Delais,
  attestations: Attestations,
  carriere: Carriere,
  prevention: Prevention,
  caisse: Caisse,
};

export function MonCompte({ route }) {
  const { data, error, loading, reload } = useQuery(MOI, {});
  const travailleur = data && data.me && data.me.travailleur;
  const live = useEnDirect(EN_DIRECT, { travailleurId: travailleur ? travailleur.id : null }, { skip: !travailleur });
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (loading && !data) return html`<${Chargement} />`;
  if (!travailleur) return html`<p>Aucun compte de travailleur n'est rattaché à cet identifiant.</p>`;
  const micro = travailleur.__typename === "MicroEntrepreneur";
  const items = micro ? MICRO : CLASSIQUE;
  const wanted = route.params[0] || "synthese";
  const section = items.some(([key]) => key === wanted) ? wanted : "synthese";
  const Section = SECTIONS[section];
  const titre = items.find(([key]) => key === section)[1];
  return html`<div class="mon-compte">
    <div class="barre">
      <p class="bonjour">${travailleur.civilite} ${travailleur.prenom} ${travailleur.nom}${micro ? " · micro-entrepreneur" : ""}</p>
      <div class="boutons">
        <${EtatDirect} etat=${live.etat} />
        <button type="button" class="secondaire" onClick=${() => live.actualiser()}>Actualiser</button>
      </div>
    </div>
    <${SousNavigation} label="Rubriques de Mon compte" current=${section}
      items=${items.map(([key, text]) => [href("compte", key), text, key])} />
    <section aria-labelledby="titre-rubrique">
      <h1 id="titre-rubrique">${titre}</h1>
      ${live.pret
        ? html`<${Revision.Provider} value=${live.revision}><${Section} travailleur=${travailleur} micro=${micro} /></${Revision.Provider}>`
        : html`<${Chargement} />`}
    </section>
  </div>`;
}

const SYNTHESE = `query Synthese($id: ID!) {
  node(id: $id) {
    ... on Travailleur {
      compte { dateArrete solde majorationsDeRetard montantEnRetard detail { annee mois appele paye reste } }
    }
  }
}`;

function Synthese({ travailleur }) {
  const { data, error, reload } = useQuery(SYNTHESE, { id: travailleur.id });
  const [choix, setChoix] = useState(null);
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const compte = data.node.compte;
  const annees = [...new Set(compte.detail.map((p) => p.annee))].sort((a, b) => b - a);
  const an = choix || annees[0];
  const periodes = compte.detail.filter((p) => p.annee === an);
  return html`
    <p>Situation à la date de la dernière journée comptable, le ${date(compte.dateArrete)}.</p>
    <dl class="chiffres">
      <div><dt>Solde du compte</dt><dd>${euros(compte.solde)}</dd></div>
      <div><dt>Dont en retard</dt><dd>${euros(compte.montantEnRetard)}</dd></div>
      <div><dt>Majorations de retard</dt><dd>${euros(compte.majorationsDeRetard)}</dd></div>
    </dl>
    <p class="aide">Les majorations de retard sont indiquées à côté du solde, elles n'y sont pas incluses.</p>
    <h2>Détail par période</h2>
    ${annees.length > 1 && html`<${Choix} label="Année" value=${String(an)} onChange=${(v) => setChoix(Number(v))}
      options=${annees.map((a) => [String(a), String(a)])} />`}
    ${periodes.length === 0
      ? html`<p>Aucune cotisation appelée.</p>`
      : html`<div class="tableau" tabindex="0"><table>
          <caption>Cotisations ${an} appelées, payées et restant dues, par mois</caption>
          <thead><tr><th scope="col">Période</th><th scope="col" class="montant">Appelé</th><th scope="col" class="montant">Payé</th><th scope="col" class="montant">Reste dû</th></tr></thead>
          <tbody>
            ${periodes.map((p) => html`<tr class=${Number(p.reste) > 0 ? "ligne-retard" : ""}>
              <td>${MOIS[p.mois - 1]}</td>
              <td class="montant">${euros(p.appele)}</td>
              <td class="montant">${euros(p.paye)}</td>
              <td class="montant">${euros(p.reste)}</td>
            </tr>`)}
          </tbody>
        </table></div>`}`;
}

const INFOS = `query Informations($id: ID!) {
  node(id: $id) {
    ... on Travailleur {
      nir civilite nom prenom dateNaissance courriel telephone
      adresse { ligne codePostal ville }
      statut profession regime situation dateDebutActivite dateFinActivite
      etablissements { siret enseigne adresse { ligne codePostal ville } codeActivite libelleActivite principal dateOuverture }
      prelevement { actif periodicite coordonneesBancaires { ibanMasque bic titulaire referenceMandatSepa dateSignature } }
    }
  }
}`;

function Informations({ travailleur }) {
  const { data, error, reload } = useQuery(INFOS, { id: travailleur.id });
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const t = data.node;
  const banque = t.prelevement.coordonneesBancaires;
  return html`<div class="grille">
    <div class="carte">
      <h2>Données personnelles</h2>
      <dl class="fiche">
        <dt>Nom</dt><dd>${t.civilite} ${t.prenom} ${t.nom}</dd>
        <dt>N° de sécurité sociale</dt><dd>${t.nir}</dd>
        <dt>Date de naissance</dt><dd>${date(t.dateNaissance)}</dd>
        <dt>Adresse</dt><dd>${t.adresse.ligne}, ${t.adresse.codePostal} ${t.adresse.ville}</dd>
        <dt>Courriel</dt><dd>${t.courriel}</dd>
        <dt>Téléphone</dt><dd>${t.telephone || "—"}</dd>
      </dl>
    </div>
    <div class="carte">
      <h2>Informations professionnelles</h2>
      <dl class="fiche">
        <dt>Statut</dt><dd>${libelle("statut", t.statut)}</dd>
        <dt>Profession</dt><dd>${t.profession}</dd>
        <dt>Régime</dt><dd>${libelle("regime", t.regime)}</dd>
        <dt>Situation</dt><dd>${libelle("situation", t.situation)}</dd>
        <dt>Début d'activité</dt><dd>${date(t.dateDebutActivite)}</dd>
        ${t.dateFinActivite && html`<dt>Fin d'activité</dt><dd>${date(t.dateFinActivite)}</dd>`}
      </dl>
    </div>
    <div class="carte">
      <h2>Établissements</h2>
      <ul class="liste">
        ${t.etablissements.map((e) => html`<li>
          <strong>${e.enseigne}</strong>${e.principal ? " (principal)" : ""}<br />
          SIRET ${e.siret} · ${e.codeActivite} ${e.libelleActivite}<br />
          ${e.adresse.ligne}, ${e.adresse.codePostal} ${e.adresse.ville} · ouvert le ${date(e.dateOuverture)}
        </li>`)}
      </ul>
    </div>
    <div class="carte">
      <h2>Coordonnées bancaires</h2>
      ${banque
        ? html`<dl class="fiche">
            <dt>Titulaire</dt><dd>${banque.titulaire}</dd>
            <dt>IBAN</dt><dd>${banque.ibanMasque}</dd>
            <dt>BIC</dt><dd>${banque.bic}</dd>
            <dt>Mandat SEPA</dt><dd>${banque.referenceMandatSepa}, signé le ${date(banque.dateSignature)}</dd>
          </dl>`
        : html`<p>Aucune coordonnée bancaire active : vous payez sans prélèvement automatique.</p>`}
    </div>
  </div>`;
}

const CAISSE = `query MaCaisse {
  caisse { nom region adresse telephone courriel horaires }
  actualites(first: 10) { nodes { id titre contenu datePublication } }
}`;

function Caisse() {
  const { data, error, reload } = useQuery(CAISSE, {});
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const c = data.caisse;
  return html`<div class="grille">
    <div class="carte">
      <h2>Coordonnées</h2>
      ${c
        ? html`<dl class="fiche">
            <dt>Caisse</dt><dd>${c.nom} (${c.region})</dd>
            <dt>Adresse</dt><dd>${c.adresse}</dd>
            <dt>Téléphone</dt><dd>${c.telephone}</dd>
            <dt>Courriel</dt><dd>${c.courriel}</dd>
            <dt>Horaires</dt><dd>${c.horaires}</dd>
          </dl>`
        : html`<p>Caisse inconnue.</p>`}
    </div>
    <div class="carte">
      <h2>Actualités</h2>
      ${data.actualites.nodes.length === 0
        ? html`<p>Aucune actualité pour vous en ce moment.</p>`
        : html`<ul class="liste">
            ${data.actualites.nodes.map((a) => html`<li>
              <h3>${a.titre}</h3>
              <p class="aide">Publiée le ${date(a.datePublication)}</p>
              <p>${a.contenu}</p>
            </li>`)}
          </ul>`}
    </div>
  </div>`;
}
