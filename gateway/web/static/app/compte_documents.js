// "Attestations" (issue and download), "Relevé de carrière", and the
// micro-entrepreneur's "Déclarations" for a period.
import { html, useState } from "./lib.js";
import { euros, date, libelle, pourcentage } from "./format.js";
import { useQuery, Alerte, Chargement, UserErrors, Succes, Champ, Choix, Telecharger } from "./ui.js";
import { useMutation, ok, idempotencyKey, anneeCourante } from "./compte_commun.js";

const ATTESTATIONS = `query Attestations($id: ID!) {
  node(id: $id) {
    ... on Travailleur {
      attestations(first: 50) { nodes { id type annee dateEmission dateFinValidite codeVerification valide url } }
    }
  }
}`;
const GENERER = `mutation Generer($input: GenerateAttestationInput!) {
  generateAttestation(input: $input) { attestation { id type url } userErrors { field message code } }
}`;
const TYPES = ["VIGILANCE", "MARCHE_PUBLIC", "CSG_CRDS", "FORMATION_PROFESSIONNELLE"];
const AVEC_ANNEE = ["CSG_CRDS", "FORMATION_PROFESSIONNELLE"];

export function Attestations({ travailleur }) {
  const { data, error, reload } = useQuery(ATTESTATIONS, { id: travailleur.id });
  const [type, setType] = useState("VIGILANCE");
  const [an, setAn] = useState(String(anneeCourante() - 1));
  const [run, state] = useMutation(GENERER);
  const submit = async (event) => {
    event.preventDefault();
    const input = { travailleurId: travailleur.id, type, idempotencyKey: idempotencyKey() };
    if (AVEC_ANNEE.includes(type)) input.annee = Number(an);
    const payload = await run(input);
    if (ok(payload)) reload();
  };
  return html`
    <form class="carte" onSubmit=${submit}>
      <h2>Obtenir une attestation</h2>
      <${Choix} label="Attestation" value=${type} onChange=${setType} options=${TYPES.map((t) => [t, libelle("typeAttestation", t)])} />
      ${AVEC_ANNEE.includes(type) && html`<${Champ} label="Année" type="number" value=${an} onInput=${setAn} required />`}
      <div class="boutons"><button type="submit" disabled=${state.busy}>Obtenir l'attestation</button></div>
      ${state.error && html`<${Alerte} error=${state.error} />`}
      ${state.payload && html`<${UserErrors} errors=${state.payload.userErrors} />`}
      ${ok(state.payload) && html`<${Succes}><p>${libelle("typeAttestation", state.payload.attestation.type)} délivrée ·
        <${Telecharger} url=${state.payload.attestation.url} nom="attestation.pdf">Télécharger le PDF<//></p><//>`}
    </form>
    <h2>Vos attestations</h2>
    ${error && html`<${Alerte} error=${error} retry=${reload} />`}
    ${!data && !error && html`<${Chargement} />`}
    ${data && (data.node.attestations.nodes.length === 0
      ? html`<p>Aucune attestation délivrée.</p>`
      : html`<ul class="liste">${data.node.attestations.nodes.map((a) => html`<li>
          <strong>${libelle("typeAttestation", a.type)}${a.annee ? ` ${a.annee}` : ""}</strong>
          · délivrée le ${date(a.dateEmission)}${a.dateFinValidite ? `, valable jusqu'au ${date(a.dateFinValidite)}` : ""}
          ${a.valide ? "" : html` <span class="badge gris">expirée</span>`}
          ${a.codeVerification && html`<br /><span class="aide">Code de vérification : ${a.codeVerification}</span>`}
          <br /><${Telecharger} url=${a.url} nom=${`attestation-${a.type.toLowerCase()}.pdf`}>Télécharger<//>
        </li>`)}</ul>`)}`;
}

const CARRIERE = `query Carriere($id: ID!) {
  node(id: $id) {
    ... on TravailleurClassique {
      releveCarriere { totalTrimestres url annees { annee calcule retraiteBasePayee revenuCotise trimestres } }
    }
  }
}`;

export function Carriere({ travailleur }) {
  const { data, error, reload } = useQuery(CARRIERE, { id: travailleur.id });
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const r = data.node.releveCarriere;
  return html`
    <p>Vos droits acquis pour la retraite de base : <strong>${r.totalTrimestres} trimestres</strong> validés.</p>
    <p><${Telecharger} url=${r.url} nom="releve-carriere.pdf">Télécharger le relevé de carrière (PDF)<//></p>
    <div class="tableau" tabindex="0"><table>
      <caption>Relevé de carrière par année</caption>
      <thead><tr><th scope="col">Année</th><th scope="col" class="montant">Retraite de base payée</th><th scope="col" class="montant">Revenu cotisé</th><th scope="col" class="montant">Trimestres</th></tr></thead>
      <tbody>${r.annees.map((a) => html`<tr>
        <td>${a.annee}</td><td class="montant">${euros(a.retraiteBasePayee)}</td>
        <td class="montant">${a.calcule ? euros(a.revenuCotise) : "—"}</td><td class="montant">${a.calcule ? a.trimestres : "—"}</td>
      </tr>`)}</tbody>
    </table></div>`;
}

const DECLARATIONS = `query Declarations($id: ID!) {
  node(id: $id) {
    ... on MicroEntrepreneur {
      activite periodiciteDeclaration
      declarations(first: 100) {
        totalCount
        nodes { id periode libelle chiffreAffaires taux cotisations formationProfessionnelle dateDeclaration dateExigibilite }
      }
    }
  }
}`;

export function Declarations({ travailleur }) {
  const { data, error, reload } = useQuery(DECLARATIONS, { id: travailleur.id });
  const [choix, setChoix] = useState(null);
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const toutes = data.node.declarations.nodes;
  const annees = [...new Set(toutes.map((d) => d.periode.slice(0, 4)))].sort().reverse();
  const an = choix || annees[0] || String(anneeCourante());
  const liste = toutes.filter((d) => d.periode.startsWith(an)).sort((a, b) => a.periode.localeCompare(b.periode));
  return html`
    <p>Vous cotisez sur votre chiffre d'affaires, déclaré ${data.node.periodiciteDeclaration === "TRIMESTRIELLE" ? "chaque trimestre" : "chaque mois"}${toutes.length ? ` : ${toutes[0].libelle}` : ""}.</p>
    ${annees.length > 0 && html`<${Choix} label="Année" value=${an} onChange=${setChoix} options=${annees.map((a) => [a, a])} />`}
    ${liste.length === 0
      ? html`<p>Aucune déclaration pour ${an}.</p>`
      : html`<div class="tableau" tabindex="0"><table>
          <caption>Déclarations ${an}</caption>
          <thead><tr><th scope="col">Période</th><th scope="col" class="montant">Chiffre d'affaires</th><th scope="col" class="montant">Cotisations</th></tr></thead>
          <tbody>${liste.map((d) => html`<tr>
            <td>${d.periode}<br /><span class="explication">exigible le ${date(d.dateExigibilite)}</span></td>
            <td class="montant">${euros(d.chiffreAffaires)}<br /><span class="explication">taux ${pourcentage(d.taux)}</span></td>
            <td class="montant">${euros(d.cotisations)}<br /><span class="explication">+ CFP ${euros(d.formationProfessionnelle)}</span></td>
          </tr>`)}</tbody>
        </table></div>`}`;
}
