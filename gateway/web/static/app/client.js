// A client's page for the cabinet: account summary, the year's échéances as a
// calendar, payments, cotisations (three tabs), plans, documents, journal, actions.
import { html, useState } from "./lib.js";
import { euros, date, dateHeure, libelle, MOIS, pourcentage } from "./format.js";
import { href } from "./router.js";
import { useQuery, Alerte, Chargement, Telecharger, SousNavigation } from "./ui.js";
import { Actions } from "./actions.js";
import { useEnDirect, EtatDirect } from "./live.js";

// Any change to this client's account: the page's one query is read again (every
// section comes from it; the burst's events as one read).
const EN_DIRECT = `subscription Client($travailleurId: ID!, $depuis: String) {
  evenementsCompte(travailleurId: $travailleurId, depuis: $depuis) { sequence }
}`;

const ECHEANCE = `id annee nature dateEcheance montant montantPaye montantReporte resteDu statut majorations`;
const LIGNE = `code libelle montant assiette taux explication`;

export const CLIENT = `query Client($id: ID!, $du: Date!, $au: Date!) {
  node(id: $id) {
    __typename
    ... on Travailleur {
      id nir civilite nom prenom dateNaissance courriel telephone statut profession regime situation
      dateDebutActivite dateFinActivite
      adresse { ligne codePostal ville }
      etablissements { siret enseigne libelleActivite principal adresse { ligne codePostal ville } }
      prelevement { actif periodicite coordonneesBancaires { ibanMasque bic titulaire referenceMandatSepa dateSignature } }
      compte { dateArrete solde majorationsDeRetard montantEnRetard }
      paiements(first: 100) { totalCount nodes { id datePaiement montant mode reference } }
      delaisPaiement { id dateDemande montant nombreEcheances premiereEcheance motif statut dateDecision motifDecision
        montantPaye echeances { numero dateEcheance montant montantPaye } }
      attestations(first: 50) { nodes { id type annee dateEmission dateFinValidite codeVerification url valide } }
      journal(first: 50) { totalCount nodes { id horodatage acteur role operation issue detail motifRefus } }
    }
    ... on TravailleurClassique {
      taxationDOffice
      revenus { annee montant nature }
      avisAppel { id annee dateEmission revenuEstime url }
      echeances(first: 100, du: $du, au: $au) { totalCount nodes { ${ECHEANCE} } }
      enRetard: echeances(first: 100, statut: EN_RETARD) { nodes { ${ECHEANCE} } }
      cotisations { id annee baseProvisionnelle totalProvisionnel totalDefinitif regularisation
        provisionnelles { ${LIGNE} } definitives { ${LIGNE} }
        ecarts { code libelle provisionnel definitif regularisation } }
    }
    ... on MicroEntrepreneur {
      declarations(first: 24) { nodes { id periode libelle chiffreAffaires cotisations formationProfessionnelle dateExigibilite } }
    }
  }
}`;

/** The year the server is in: the day after its last accounting day (a weekday before today). */
export function anneeCourante(compte) {
  if (!compte) return new Date().getFullYear();
  const next = new Date(`${compte.dateArrete}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.getUTCFullYear();
}

function Synthese({ t }) {
  const principal = t.etablissements.find((e) => e.principal) || t.etablissements[0];
  return html`<div>
    <dl class="chiffres" aria-label="Synthèse du compte">
      <div><dt>Solde au ${date(t.compte.dateArrete)}</dt><dd>${euros(t.compte.solde)}</dd></div>
      <div><dt>Montant en retard</dt><dd>${euros(t.compte.montantEnRetard)}</dd></div>
      <div><dt>Majorations de retard</dt><dd>${euros(t.compte.majorationsDeRetard)}</dd></div>
      <div><dt>Prélèvement</dt><dd>${t.prelevement.actif ? libelle("periodicite", t.prelevement.periodicite) : "Aucun (trimestriel)"}</dd></div>
    </dl>
    <div class="grille">
      <div class="carte">
        <h2>Informations générales</h2>
        <dl class="fiche">
          <dt>NIR</dt><dd>${t.nir}</dd>
          <dt>Né(e) le</dt><dd>${date(t.dateNaissance)}</dd>
          <dt>Statut</dt><dd>${libelle("statut", t.statut)} · ${t.profession}</dd>
          <dt>Régime</dt><dd>${libelle("regime", t.regime)}${t.taxationDOffice ? " · taxation d'office" : ""}</dd>
          <dt>Situation</dt><dd>${libelle("situation", t.situation)} depuis le ${date(t.dateFinActivite || t.dateDebutActivite)}</dd>
          <dt>Courriel</dt><dd>${t.courriel}</dd>
          <dt>Téléphone</dt><dd>${t.telephone || "—"}</dd>
          <dt>Adresse</dt><dd>${t.adresse.ligne}, ${t.adresse.codePostal} ${t.adresse.ville}</dd>
        </dl>
      </div>
      <div class="carte">
        <h2>Établissements</h2>
        ${t.etablissements.map((e) => html`<p key=${e.siret}><strong>${e.enseigne}</strong>${e.principal ? " (principal)" : ""}<br />
          SIRET ${e.siret} · ${e.libelleActivite}<br />${e.adresse.ligne}, ${e.adresse.codePostal} ${e.adresse.ville}</p>`)}
        <h2>Coordonnées bancaires</h2>
        ${t.prelevement.coordonneesBancaires ? html`<dl class="fiche">
          <dt>IBAN</dt><dd>${t.prelevement.coordonneesBancaires.ibanMasque}</dd>
          <dt>BIC</dt><dd>${t.prelevement.coordonneesBancaires.bic}</dd>
          <dt>Titulaire</dt><dd>${t.prelevement.coordonneesBancaires.titulaire}</dd>
          <dt>Mandat SEPA</dt><dd>${t.prelevement.coordonneesBancaires.referenceMandatSepa}, signé le ${date(t.prelevement.coordonneesBancaires.dateSignature)}</dd>
        </dl>` : html`<p>Aucun prélèvement automatique.</p>`}
      </div>
    </div>
  </div>`;
}

function badgeStatut(statut) {
  const couleur = { EN_RETARD: "rouge", REJETE: "rouge", PAYEE: "vert", A_VENIR: "gris", ANNULEE: "gris" }[statut];
  return html`<span class=${`badge ${couleur}`}>${libelle("statutEcheance", statut)}</span>`;
}

function Calendrier({ t, annee, setAnnee }) {
  if (!t.echeances) return html`<p>Un micro-entrepreneur n'a pas d'échéancier : ses cotisations suivent ses déclarations de chiffre d'affaires.</p>`;
  const parMois = MOIS.map(() => []);
  for (const e of t.echeances.nodes) parMois[Number(e.dateEcheance.slice(5, 7)) - 1].push(e);
  return html`<div>
    <div class="barre">
      <h2>Échéances de ${annee}</h2>
      <div class="boutons">
        <button type="button" class="secondaire" onClick=${() => setAnnee(annee - 1)}>Année précédente</button>
        <button type="button" class="secondaire" onClick=${() => setAnnee(annee + 1)}>Année suivante</button>
      </div>
    </div>
    <div class="calendrier">
      ${parMois.map((items, m) => html`<section class="mois" key=${m} aria-label=${`${MOIS[m]} ${annee}`}>
        <h3>${MOIS[m]}</h3>
        ${items.length ? html`<ul>${items.map((e) => html`<li key=${e.id}>
          ${date(e.dateEcheance).slice(0, 5)} · <strong>${euros(e.montant)}</strong> ${badgeStatut(e.statut)}<br />
          <span class="explication">${libelle("natureEcheance", e.nature)} ${e.annee}${Number(e.resteDu) > 0 && e.statut !== "A_VENIR" ? ` · reste ${euros(e.resteDu)}` : ""}${Number(e.majorations) > 0 ? ` · majorations ${euros(e.majorations)}` : ""}</span>
        </li>`)}</ul>` : html`<p class="vide">Aucune échéance</p>`}
      </section>`)}
    </div>
  </div>`;
}

function Paiements({ t }) {
  return html`<div class="tableau" tabindex="0"><table>
    <caption>Paiements (${t.paiements.totalCount})</caption>
    <thead><tr><th scope="col">Date</th><th scope="col" class="montant">Montant</th><th scope="col">Mode</th><th scope="col">Référence</th></tr></thead>
    <tbody>${t.paiements.nodes.map((p) => html`<tr key=${p.id}><td>${date(p.datePaiement)}</td><td class="montant">${euros(p.montant)}</td>
      <td>${libelle("modePaiement", p.mode)}</td><td>${p.reference}</td></tr>`)}</tbody>
  </table></div>`;
}

function Lignes({ lignes, total, caption }) {
  return html`<div class="tableau" tabindex="0"><table>
    <caption>${caption}</caption>
    <thead><tr><th scope="col">Cotisation et explication</th><th scope="col" class="montant">Assiette</th><th scope="col" class="montant">Taux</th>
      <th scope="col" class="montant">Montant</th></tr></thead>
    <tbody>${lignes.map((l) => html`<tr key=${l.code}><td class="ligne-cotisation"><strong>${l.libelle}</strong><br />
      <span class="explication">${l.explication}</span></td><td class="montant">${euros(l.assiette)}</td>
      <td class="montant">${pourcentage(l.taux)}</td><td class="montant">${euros(l.montant)}</td></tr>`)}</tbody>
    <tfoot><tr><th scope="row" colspan="3">Total</th><td class="montant"><strong>${euros(total)}</strong></td></tr></tfoot>
  </table></div>`;
}

export function Cotisations({ cotisations }) {
  const annees = [...cotisations].sort((a, b) => b.annee - a.annee);
  const [annee, setAnnee] = useState(annees.length ? annees[0].annee : null);
  const [onglet, setOnglet] = useState("provisionnelles");
  const c = annees.find((x) => x.annee === annee);
  if (!c) return html`<p>Aucune cotisation.</p>`;
  const onglets = [["provisionnelles", "Provisionnelles"], ["definitives", "Définitives"], ["recapitulatif", "Récapitulatif"]];
  return html`<div>
    <div class="boutons" role="group" aria-label="Année des cotisations">
      ${annees.map((x) => html`<button type="button" class=${x.annee === annee ? "" : "secondaire"} aria-pressed=${x.annee === annee ? "true" : "false"}
        onClick=${() => setAnnee(x.annee)}>${x.annee}</button>`)}
    </div>
    <h2>Cotisations ${c.annee}</h2>
    <div role="tablist" aria-label=${`Cotisations ${c.annee}`}>
      ${onglets.map(([key, label]) => html`<button type="button" role="tab" id=${`cot-${key}`} aria-controls="cot-panneau"
        aria-selected=${onglet === key ? "true" : "false"} onClick=${() => setOnglet(key)}>${label}</button>`)}
    </div>
    <div role="tabpanel" id="cot-panneau" aria-labelledby=${`cot-${onglet}`}>
      ${onglet === "provisionnelles" && html`${c.baseProvisionnelle && html`<p class="aide">Base : ${c.baseProvisionnelle}</p>`}
        <${Lignes} lignes=${c.provisionnelles} total=${c.totalProvisionnel} caption="Cotisations provisionnelles" />`}
      ${onglet === "definitives" && (c.definitives ? html`<${Lignes} lignes=${c.definitives} total=${c.totalDefinitif} caption="Cotisations définitives" />`
        : html`<p>Les cotisations définitives de ${c.annee} seront calculées quand le revenu de l'année sera déclaré.</p>`)}
      ${onglet === "recapitulatif" && (c.ecarts ? html`<div class="tableau" tabindex="0"><table>
          <caption>Récapitulatif ${c.annee}</caption>
          <thead><tr><th scope="col">Cotisation</th><th scope="col" class="montant">Provisionnel</th><th scope="col" class="montant">Définitif</th><th scope="col" class="montant">Régularisation</th></tr></thead>
          <tbody>${c.ecarts.map((e) => html`<tr key=${e.code}><td>${e.libelle}</td><td class="montant">${euros(e.provisionnel)}</td>
            <td class="montant">${euros(e.definitif)}</td><td class="montant">${euros(e.regularisation)}</td></tr>`)}</tbody>
          <tfoot><tr><th scope="row">Total</th><td class="montant">${euros(c.totalProvisionnel)}</td><td class="montant">${euros(c.totalDefinitif)}</td>
            <td class="montant"><strong>${euros(c.regularisation)}</strong></td></tr></tfoot>
        </table></div>` : html`<p>Pas encore de régularisation pour ${c.annee} : le revenu définitif n'est pas déclaré.</p>`)}
    </div>
  </div>`;
}

function Declarations({ t }) {
  return html`<div class="tableau" tabindex="0"><table>
    <caption>Déclarations de chiffre d'affaires</caption>
    <thead><tr><th scope="col">Période</th><th scope="col">Activité</th><th scope="col" class="montant">Chiffre d'affaires</th>
      <th scope="col" class="montant">Cotisations</th><th scope="col" class="montant">Formation</th><th scope="col">Exigible le</th></tr></thead>
    <tbody>${t.declarations.nodes.map((d) => html`<tr key=${d.id}><td>${d.periode}</td><td>${d.libelle}</td>
      <td class="montant">${euros(d.chiffreAffaires)}</td><td class="montant">${euros(d.cotisations)}</td>
      <td class="montant">${euros(d.formationProfessionnelle)}</td><td>${date(d.dateExigibilite)}</td></tr>`)}</tbody>
  </table></div>`;
}

function Plans({ t }) {
  if (!t.delaisPaiement.length) return html`<p>Aucun délai de paiement.</p>`;
  return html`${t.delaisPaiement.map((d) => html`<div class="carte" key=${d.id}>
    <h2>Délai demandé le ${date(d.dateDemande)} · ${libelle("statutDelai", d.statut)}</h2>
    <p>${euros(d.montant)} en ${d.nombreEcheances} échéance${d.nombreEcheances > 1 ? "s" : ""} à partir du ${date(d.premiereEcheance)} ·
      payé ${euros(d.montantPaye)}${d.motifDecision ? ` · ${d.motifDecision}` : ""}</p>
    <p class="explication">Motif : ${d.motif}</p>
    <div class="tableau" tabindex="0"><table>
      <caption>Échéances du plan</caption>
      <thead><tr><th scope="col">N°</th><th scope="col">Date</th><th scope="col" class="montant">Montant</th><th scope="col" class="montant">Payé</th></tr></thead>
      <tbody>${d.echeances.map((e) => html`<tr key=${e.numero}><td>${e.numero}</td><td>${date(e.dateEcheance)}</td>
        <td class="montant">${euros(e.montant)}</td><td class="montant">${euros(e.montantPaye)}</td></tr>`)}</tbody>
    </table></div>
  </div>`)}`;
}

function Documents({ t }) {
  const avis = t.avisAppel || [];
  return html`<div class="grille">
    <div class="carte">
      <h2>Attestations</h2>
      ${t.attestations.nodes.length ? html`<ul>${t.attestations.nodes.map((a) => html`<li key=${a.id}>
        ${libelle("typeAttestation", a.type)}${a.annee ? ` ${a.annee}` : ""} du ${date(a.dateEmission)}
        ${a.dateFinValidite ? ` (valable jusqu'au ${date(a.dateFinValidite)})` : ""}${a.valide ? "" : " · plus valable"}
        ${a.codeVerification ? html` · code <code>${a.codeVerification}</code>` : ""}
        <${Telecharger} url=${a.url}>Télécharger<span class="visually-hidden"> l'attestation du ${date(a.dateEmission)}</span></${Telecharger}>
      </li>`)}</ul>` : html`<p>Aucune attestation : générez-en une depuis les actions.</p>`}
    </div>
    <div class="carte">
      <h2>Avis d'appel</h2>
      ${avis.length ? html`<ul>${avis.map((a) => html`<li key=${a.id}>${a.annee}, émis le ${date(a.dateEmission)} sur ${euros(a.revenuEstime)}
        <${Telecharger} url=${a.url}>Télécharger<span class="visually-hidden"> l'avis du ${date(a.dateEmission)}</span></${Telecharger}></li>`)}</ul>`
        : html`<p>Aucun avis d'appel rectificatif.</p>`}
    </div>
  </div>`;
}

function Journal({ t }) {
  return html`<div class="tableau" tabindex="0"><table>
    <caption>Journal (${t.journal.totalCount} opérations, les 50 dernières)</caption>
    <thead><tr><th scope="col">Quand</th><th scope="col">Qui</th><th scope="col">Opération</th><th scope="col">Issue</th><th scope="col">Détail</th></tr></thead>
    <tbody>${t.journal.nodes.map((j) => html`<tr key=${j.id}><td>${dateHeure(j.horodatage)}</td><td>${j.acteur}${j.role ? ` (${libelle("role", j.role)})` : ""}</td>
      <td>${j.operation}</td><td>${libelle("issue", j.issue)}</td><td>${j.detail || ""}${j.motifRefus ? ` ${j.motifRefus}` : ""}</td></tr>`)}</tbody>
  </table></div>`;
}

const SECTIONS = [
  ["synthese", "Synthèse"], ["echeances", "Échéances"], ["paiements", "Paiements"], ["cotisations", "Cotisations"],
  ["delais", "Délais de paiement"], ["documents", "Documents"], ["journal", "Journal"], ["actions", "Actions"],
];

export function PageClient({ route }) {
  const [id, section = "synthese"] = route.params;
  const [annee, setAnnee] = useState(null);
  const [anneeServeur, setAnneeServeur] = useState(null);
  const shown = annee || anneeServeur || new Date().getFullYear();
  const live = useEnDirect(EN_DIRECT, { travailleurId: id });
  const { data, error, loading, reload } = useQuery(
    CLIENT, { id, du: `${shown}-01-01`, au: `${shown}-12-31` }, { skip: !live.pret, revision: live.revision },
  );
  const t = data && data.node;
  if (t && anneeServeur === null) setAnneeServeur(anneeCourante(t.compte));
  if (!data) return error ? html`<${Alerte} error=${error} retry=${reload} />` : html`<${Chargement} />`;
  if (!t) return html`<section><h1>Client introuvable</h1><p>Ce client n'existe pas ou ne fait pas partie de votre portefeuille.</p>
    <p><a href="#/portefeuille">Retour au portefeuille</a></p></section>`;
  const micro = t.__typename === "MicroEntrepreneur";
  const sections = SECTIONS.filter(([key]) => !(micro && key === "cotisations"))
    .map(([key, label]) => (micro && key === "echeances" ? [key, "Déclarations"] : [key, label]));
  return html`<section>
    <p><a href="#/portefeuille">← Portefeuille</a></p>
    <div class="barre">
      <h1>${t.civilite} ${t.prenom} ${t.nom}</h1>
      <div class="boutons">
        <${EtatDirect} etat=${live.etat} />
        <button type="button" class="secondaire" onClick=${() => { reload(); live.reprendre(); }} disabled=${loading}>Actualiser</button>
      </div>
    </div>
    <${Alerte} error=${error} retry=${reload} />
    <${SousNavigation} label="Rubriques du client" current=${section}
      items=${sections.map(([key, label]) => [href("client", id, key), label, key])} />
    ${section === "synthese" && html`<${Synthese} t=${t} />`}
    ${section === "echeances" && (micro ? html`<${Declarations} t=${t} />` : html`<${Calendrier} t=${t} annee=${shown} setAnnee=${setAnnee} />`)}
    ${section === "paiements" && html`<${Paiements} t=${t} />`}
    ${section === "cotisations" && html`<${Cotisations} cotisations=${t.cotisations || []} />`}
    ${section === "delais" && html`<${Plans} t=${t} />`}
    ${section === "documents" && html`<${Documents} t=${t} />`}
    ${section === "journal" && html`<${Journal} t=${t} />`}
    ${section === "actions" && html`<${Actions} t=${t} annee=${anneeServeur} onDone=${reload} />`}
  </section>`;
}
