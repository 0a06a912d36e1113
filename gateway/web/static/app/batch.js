// The batch forms of the portfolio: the same action for each selected client, one
// result per row (each item is authorized, transactional and idempotent on its own).
import { html, useState } from "./lib.js";
import { gql, idempotencyKey } from "./api.js";
import { euros, date, libelle, decimalDepuisSaisie } from "./format.js";
import { Alerte, Case, Champ, Choix, Succes, Telecharger } from "./ui.js";
import { href } from "./router.js";

const ESTIMATES = `mutation Estimations($input: EstimateRevenuesInput!) {
  estimateRevenues(input: $input) {
    nombreSucces nombreEchecs
    results { index travailleurId totalCotisations userErrors { field message code } }
  }
}`;
const PERIODICITES = `mutation Periodicites($input: SetPrelevementPeriodicitesInput!) {
  setPrelevementPeriodicites(input: $input) {
    nombreSucces nombreEchecs
    results { index travailleurId modifiee userErrors { field message code } }
  }
}`;
const ATTESTATIONS = `mutation Attestations($input: GenerateAttestationsInput!) {
  generateAttestations(input: $input) {
    nombreSucces nombreEchecs
    results { index travailleurId userErrors { field message code }
      attestation { id type annee url dateEmission dateFinValidite codeVerification } }
  }
}`;

/** Sends one batch mutation, an item per client: `state.payload` is its payload (and
 * `state.clients` the clients it was sent for, in the items' order), `state.error` a
 * top-level failure. */
function useLot(query, name, onDone) {
  const [state, setState] = useState({ busy: false, error: null, payload: null, clients: [] });
  const envoyer = async (items, clients) => {
    setState({ busy: true, error: null, payload: null, clients });
    try {
      const data = await gql(query, { input: { items } });
      setState({ busy: false, error: null, payload: data[name], clients });
      if (onDone) onDone();
    } catch (e) {
      setState({ busy: false, error: e, payload: null, clients });
    }
  };
  return [state, envoyer];
}

function Resultats({ clients, payload, detail }) {
  return html`<div>
    <${Succes}><p>${payload.nombreSucces} réussite${payload.nombreSucces > 1 ? "s" : ""}, ${payload.nombreEchecs} échec${payload.nombreEchecs > 1 ? "s" : ""}.</p></${Succes}>
    <div class="tableau" tabindex="0"><table>
      <caption>Résultat par client</caption>
      <thead><tr><th scope="col">Client</th><th scope="col">Résultat</th></tr></thead>
      <tbody>${payload.results.map((r) => {
        const client = clients[r.index];
        return html`<tr key=${r.index}>
          <td><a href=${href("client", client.id)}>${client.nom} ${client.prenom}</a></td>
          <td>${r.userErrors.length ? html`<span class="badge rouge">Refusé</span> ${r.userErrors.map((e) => e.message).join(" ")}`
            : html`<span class="badge vert">Fait</span> ${detail(r)}`}</td>
        </tr>`;
      })}</tbody>
    </table></div>
  </div>`;
}

function EstimationGroupee({ clients, onDone }) {
  const [annee, setAnnee] = useState(String(new Date().getFullYear()));
  const [montants, setMontants] = useState({});
  const [informe, setInforme] = useState(false);
  const [state, envoyer] = useLot(ESTIMATES, "estimateRevenues", onDone);
  const [erreurs, setErreurs] = useState({});

  const submit = async (event) => {
    event.preventDefault();
    const invalid = {};
    const items = clients.map((c) => {
      const montant = decimalDepuisSaisie(montants[c.id]);
      if (montant === null) invalid[c.id] = "Montant : un nombre d'euros, deux décimales au plus (ex. 42 000,00).";
      return { travailleurId: c.id, annee: Number(annee), montant, courriel: c.courriel, jaiEteInforme: informe, idempotencyKey: idempotencyKey() };
    });
    setErreurs(invalid);
    if (Object.keys(invalid).length) return;
    await envoyer(items, clients);
  };

  return html`<form onSubmit=${submit} novalidate aria-label="Estimation groupée des revenus">
    <p class="avertissement">Ne sous-estimez pas les revenus : lorsqu'ils seront définitivement connus, les cotisations
      définitives seront établies et la différence réclamée s'il y a lieu.</p>
    <div class="champ">
      <label for="lot-annee">Année estimée</label>
      <input id="lot-annee" type="number" value=${annee} onInput=${(e) => setAnnee(e.currentTarget.value)} />
    </div>
    <div class="tableau" tabindex="0"><table>
      <caption>Revenu estimé de chaque client</caption>
      <thead><tr><th scope="col">Client</th><th scope="col">Courriel</th><th scope="col">Revenu estimé (€)</th></tr></thead>
      <tbody>${clients.map((c) => html`<tr key=${c.id}>
        <td>${c.nom} ${c.prenom}</td>
        <td>${c.courriel}</td>
        <td><input type="text" inputmode="decimal" aria-label=${`Revenu estimé de ${c.prenom} ${c.nom}`}
          value=${montants[c.id] || ""} onInput=${(e) => setMontants({ ...montants, [c.id]: e.currentTarget.value })}
          aria-invalid=${erreurs[c.id] ? "true" : undefined} />
          ${erreurs[c.id] && html`<span class="erreur" role="alert">${erreurs[c.id]}</span>`}</td>
      </tr>`)}</tbody>
    </table></div>
    <${Case} label="J'ai été informé(e) que les cotisations et les échéances de chaque client seront recalculées sur ce revenu estimé."
      checked=${informe} onChange=${setInforme} />
    <${Alerte} error=${state.error} />
    <div class="boutons"><button type="submit" disabled=${state.busy}>Enregistrer les estimations</button></div>
    ${state.payload && html`<${Resultats} clients=${state.clients} payload=${state.payload}
      detail=${(r) => `cotisations de l'année : ${euros(r.totalCotisations)}`} />`}
  </form>`;
}

function PeriodiciteGroupee({ clients, onDone }) {
  const [periodicite, setPeriodicite] = useState("MENSUEL_5");
  const [state, envoyer] = useLot(PERIODICITES, "setPrelevementPeriodicites", onDone);
  const submit = async (event) => {
    event.preventDefault();
    await envoyer(clients.map((c) => ({ travailleurId: c.id, periodicite, idempotencyKey: idempotencyKey() })), clients);
  };
  return html`<form onSubmit=${submit} novalidate aria-label="Périodicité groupée">
    <${Choix} label="Nouvelle périodicité de prélèvement" value=${periodicite} onChange=${setPeriodicite}
      options=${["MENSUEL_5", "MENSUEL_20", "TRIMESTRIEL"].map((p) => [p, libelle("periodicite", p)])} />
    <p class="aide">Une fois par an ; effective à partir de la première échéance située à 30 jours au moins.</p>
    <${Alerte} error=${state.error} />
    <div class="boutons"><button type="submit" disabled=${state.busy}>Changer la périodicité de ${clients.length} client${clients.length > 1 ? "s" : ""}</button></div>
    ${state.payload && html`<${Resultats} clients=${state.clients} payload=${state.payload}
      detail=${(r) => (r.modifiee ? "périodicité changée" : "déjà cette périodicité")} />`}
  </form>`;
}

const AVEC_ANNEE = ["CSG_CRDS", "FORMATION_PROFESSIONNELLE"];

function Attestation({ client, a }) {
  const quoi = `${libelle("typeAttestation", a.type)}${a.annee ? ` ${a.annee}` : ""} du ${date(a.dateEmission)}`;
  const validite = a.dateFinValidite ? `, valable jusqu'au ${date(a.dateFinValidite)}` : "";
  return html`${quoi}${validite}. <${Telecharger} url=${a.url}>Télécharger<span class="visually-hidden"> l'attestation de ${client.prenom} ${client.nom}</span> (PDF)</${Telecharger}>`;
}

function AttestationsGroupees({ clients }) {
  const [type, setType] = useState("VIGILANCE");
  const [annee, setAnnee] = useState(String(new Date().getFullYear() - 1));
  const [erreur, setErreur] = useState(null);
  const [state, envoyer] = useLot(ATTESTATIONS, "generateAttestations");
  const avecAnnee = AVEC_ANNEE.includes(type);
  const submit = async (event) => {
    event.preventDefault();
    if (avecAnnee && !/^\d{4}$/.test(annee.trim())) {
      setErreur(new Error("Année : l'année close, en quatre chiffres (ex. 2025)."));
      return;
    }
    setErreur(null);
    await envoyer(clients.map((c) => ({ travailleurId: c.id, type, ...(avecAnnee ? { annee: Number(annee) } : {}), idempotencyKey: idempotencyKey() })), clients);
  };
  return html`<form class="lot-attestations" onSubmit=${submit} novalidate aria-label="Attestations groupées">
    <${Choix} label="Attestation" value=${type} onChange=${setType}
      options=${["VIGILANCE", "MARCHE_PUBLIC", "CSG_CRDS", "FORMATION_PROFESSIONNELLE"].map((x) => [x, libelle("typeAttestation", x)])} />
    ${avecAnnee && html`<${Champ} label="Année" type="text" inputmode="numeric" value=${annee} onInput=${setAnnee}
      aide="L'année close sur laquelle porte l'attestation" aria-invalid=${erreur ? "true" : undefined} />`}
    <p class="aide">Chaque client reçoit son attestation si sa situation le permet ; sinon la raison du refus est donnée.</p>
    <${Alerte} error=${erreur || state.error} />
    <div class="boutons"><button type="submit" disabled=${state.busy}>Générer ${clients.length} attestation${clients.length > 1 ? "s" : ""}</button></div>
    ${state.payload && html`<${Resultats} clients=${state.clients} payload=${state.payload}
      detail=${(r) => html`<${Attestation} client=${state.clients[r.index]} a=${r.attestation} />`} />`}
  </form>`;
}

export function Lot({ clients, onClose, onDone }) {
  const [onglet, setOnglet] = useState("estimation");
  const onglets = [["estimation", "Estimation des revenus"], ["periodicite", "Périodicité"], ["attestations", "Attestations"]];
  const Formulaire = { estimation: EstimationGroupee, periodicite: PeriodiciteGroupee, attestations: AttestationsGroupees }[onglet];
  return html`<section class="carte" aria-labelledby="lot-titre">
    <div class="barre">
      <h2 id="lot-titre">Actions groupées (${clients.length} client${clients.length > 1 ? "s" : ""})</h2>
      <button type="button" class="secondaire" onClick=${onClose}>Fermer</button>
    </div>
    <div role="tablist" aria-label="Action groupée">
      ${onglets.map(([key, label]) => html`<button type="button" role="tab" id=${`lot-onglet-${key}`}
        aria-selected=${onglet === key ? "true" : "false"} aria-controls="lot-panneau" onClick=${() => setOnglet(key)}>${label}</button>`)}
    </div>
    <div role="tabpanel" id="lot-panneau" aria-labelledby=${`lot-onglet-${onglet}`}>
      <${Formulaire} clients=${clients} onDone=${onDone} />
    </div>
  </section>`;
}
