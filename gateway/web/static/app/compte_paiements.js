// "Paiements" for a period, "Prélèvement automatique" (direct debit and periodicity)
// and "Délais de paiement" (request, renegotiate, follow).
import { html, useState } from "./lib.js";
import { euros, date, libelle, isoDepuisSaisie } from "./format.js";
import { useQuery, Alerte, Chargement, UserErrors, Succes, Champ, Choix } from "./ui.js";
import { useMutation, ok, idempotencyKey, anneeCourante, annee, Periode } from "./compte_commun.js";

const PAIEMENTS = `query Paiements($id: ID!, $du: Date, $au: Date) {
  node(id: $id) {
    ... on Travailleur {
      paiements(first: 100, du: $du, au: $au) { totalCount nodes { id datePaiement montant mode reference } }
    }
  }
}`;

export function Paiements({ travailleur }) {
  const [periode, setPeriode] = useState(annee(anneeCourante()));
  const { data, error, loading, reload } = useQuery(PAIEMENTS, { id: travailleur.id, ...periode });
  // While another period loads, the previous one's rows are not shown under the new dates.
  const liste = !loading && data ? data.node.paiements : null;
  return html`
    <p>Les versements reçus pour la période choisie.</p>
    <${Periode} value=${periode} onChange=${setPeriode} />
    ${error && html`<${Alerte} error=${error} retry=${reload} />`}
    ${loading && html`<${Chargement} />`}
    ${liste && (liste.nodes.length === 0
      ? html`<p>Aucun paiement du ${date(periode.du)} au ${date(periode.au)}.</p>`
      : html`<div class="tableau" tabindex="0"><table>
          <caption>Paiements du ${date(periode.du)} au ${date(periode.au)} (${liste.totalCount})</caption>
          <thead><tr><th scope="col">Date</th><th scope="col" class="montant">Montant</th><th scope="col">Mode</th><th scope="col">Référence</th></tr></thead>
          <tbody>${liste.nodes.map((p) => html`<tr>
            <td>${date(p.datePaiement)}</td><td class="montant">${euros(p.montant)}</td><td>${libelle("modePaiement", p.mode)}</td><td>${p.reference}</td>
          </tr>`)}</tbody>
        </table></div>`)}`;
}

const PRELEVEMENT = `query Prelevement($id: ID!) {
  node(id: $id) {
    ... on Travailleur {
      prelevement { actif periodicite coordonneesBancaires { ibanMasque bic titulaire referenceMandatSepa dateSignature } }
    }
  }
}`;
const PERIODICITE = `mutation Periodicite($input: SetPrelevementPeriodiciteInput!) {
  setPrelevementPeriodicite(input: $input) { modifiee echeancier { dateEcheance montant } userErrors { field message code } }
}`;
const ACTIVER = `mutation Activer($input: SetPrelevementAutomatiqueInput!) {
  setPrelevementAutomatique(input: $input) { prelevement { actif periodicite } userErrors { field message code } }
}`;
const ARRETER = `mutation Arreter($input: RemovePrelevementAutomatiqueInput!) {
  removePrelevementAutomatique(input: $input) { prelevement { actif periodicite } userErrors { field message code } }
}`;

export function Prelevement({ travailleur }) {
  const { data, error, reload } = useQuery(PRELEVEMENT, { id: travailleur.id });
  const [periodicite, setPeriodicite] = useState(null);
  const [iban, setIban] = useState("");
  const [bic, setBic] = useState("");
  const [titulaire, setTitulaire] = useState(`${travailleur.prenom} ${travailleur.nom}`);
  const [changer, changement] = useMutation(PERIODICITE);
  const [activer, activation] = useMutation(ACTIVER);
  const [arreter, arret] = useMutation(ARRETER);
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const p = data.node.prelevement;
  const banque = p.coordonneesBancaires;
  const choisie = periodicite || p.periodicite;
  const submitPeriodicite = async (event) => {
    event.preventDefault();
    const payload = await changer({ travailleurId: travailleur.id, periodicite: choisie, idempotencyKey: idempotencyKey() });
    if (ok(payload)) reload();
  };
  const submitActivation = async (event) => {
    event.preventDefault();
    const payload = await activer({ travailleurId: travailleur.id, iban, bic, titulaire, idempotencyKey: idempotencyKey() });
    if (ok(payload)) reload();
  };
  const submitArret = async () => {
    const payload = await arreter({ travailleurId: travailleur.id, idempotencyKey: idempotencyKey() });
    if (ok(payload)) reload();
  };
  return html`<div class="grille">
    <div class="carte">
      <h2>Votre prélèvement</h2>
      <dl class="fiche">
        <dt>Prélèvement automatique</dt><dd>${p.actif ? "Actif" : "Non"}</dd>
        <dt>Périodicité</dt><dd>${libelle("periodicite", p.periodicite)}</dd>
        ${banque && html`<dt>Compte</dt><dd>${banque.titulaire}, ${banque.ibanMasque} (${banque.bic})</dd>
          <dt>Mandat SEPA</dt><dd>${banque.referenceMandatSepa}, signé le ${date(banque.dateSignature)}</dd>`}
      </dl>
      ${p.actif && html`<div class="boutons">
        <button type="button" class="secondaire" onClick=${submitArret} disabled=${arret.busy}>Arrêter le prélèvement automatique</button>
      </div>
      <p class="aide">Sans prélèvement, vos cotisations sont payables chaque trimestre.</p>`}
      ${arret.error && html`<${Alerte} error=${arret.error} />`}
      ${arret.payload && html`<${UserErrors} errors=${arret.payload.userErrors} />`}
      ${ok(arret.payload) && html`<${Succes}><p>Le prélèvement automatique est arrêté.</p><//>`}
    </div>
    ${p.actif && html`<div class="carte">
      <h2>Changer de périodicité</h2>
      <form onSubmit=${submitPeriodicite}>
        <${Choix} label="Périodicité de prélèvement" value=${choisie} onChange=${setPeriodicite}
          options=${["MENSUEL_5", "MENSUEL_20", "TRIMESTRIEL"].map((v) => [v, libelle("periodicite", v)])} />
        <p class="aide">Une fois par année civile ; les nouvelles dates s'appliquent aux échéances situées à au moins 30 jours.</p>
        <div class="boutons"><button type="submit" disabled=${changement.busy}>Changer la périodicité</button></div>
      </form>
      ${changement.error && html`<${Alerte} error=${changement.error} />`}
      ${changement.payload && html`<${UserErrors} errors=${changement.payload.userErrors} />`}
      ${ok(changement.payload) && html`<${Succes}><p>${changement.payload.modifiee ? "La périodicité est changée." : "La périodicité était déjà celle-ci."}</p><//>`}
    </div>`}
    <div class="carte">
      <h2>${p.actif ? "Changer de compte bancaire" : "Opter pour le prélèvement automatique"}</h2>
      <form onSubmit=${submitActivation}>
        <${Champ} label="IBAN" value=${iban} onInput=${setIban} autocomplete="off" required />
        <${Champ} label="BIC" value=${bic} onInput=${setBic} autocomplete="off" required />
        <${Champ} label="Titulaire du compte" value=${titulaire} onInput=${setTitulaire} required />
        <div class="boutons"><button type="submit" disabled=${activation.busy}>Signer le mandat de prélèvement</button></div>
      </form>
      ${activation.error && html`<${Alerte} error=${activation.error} />`}
      ${activation.payload && html`<${UserErrors} errors=${activation.payload.userErrors} />`}
      ${ok(activation.payload) && html`<${Succes}><p>Le prélèvement automatique est actif.</p><//>`}
    </div>
  </div>`;
}

const DELAIS = `query Delais($id: ID!) {
  node(id: $id) {
    ... on Travailleur {
      delaisPaiement {
        id statut dateDemande montant nombreEcheances premiereEcheance motif dateDecision motifDecision montantPaye
        echeances { numero dateEcheance montant montantPaye }
        remplace { id dateDemande }
      }
    }
    ... on TravailleurClassique {
      echeances(first: 100, statut: EN_RETARD) { nodes { id dateEcheance resteDu annee nature } }
    }
  }
}`;
const DEMANDER = `mutation Demander($input: RequestDelaiPaiementInput!) {
  requestDelaiPaiement(input: $input) { delaiPaiement { id statut } userErrors { field message code } }
}`;
const RENEGOCIER = `mutation Renegocier($input: RenegotiateDelaiPaiementInput!) {
  renegotiateDelaiPaiement(input: $input) { delaiPaiement { id statut } userErrors { field message code } }
}`;

function dansJours(n) {
  const d = new Date();
  d.setDate(d.getDate() + n);
  const two = (x) => String(x).padStart(2, "0");
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
}

export function Delais({ travailleur, micro }) {
  const { data, error, reload } = useQuery(DELAIS, { id: travailleur.id });
  const [renegocie, setRenegocie] = useState(null);
  const [message, setMessage] = useState(null);
  const fait = (payload) => {
    setMessage(`Demande enregistrée : ${libelle("statutDelai", payload.delaiPaiement.statut)}.`);
    setRenegocie(null);
    reload();
  };
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const delais = data.node.delaisPaiement;
  const enRetard = (data.node.echeances && data.node.echeances.nodes) || [];
  const enCours = delais.find((d) => d.statut === "DEMANDE" || d.statut === "ACCEPTE");
  return html`
    ${message && html`<${Succes}><p>${message}</p><//>`}
    <h2>Vos demandes</h2>
    ${delais.length === 0
      ? html`<p>Aucune demande de délai de paiement.</p>`
      : html`<ul class="liste">${delais.map((d) => html`<li class="carte">
          <p><strong>Demande du ${date(d.dateDemande)}</strong> · <span class="badge gris">${libelle("statutDelai", d.statut)}</span></p>
          <p>${euros(d.montant)} en ${d.nombreEcheances} mensualités à partir du ${date(d.premiereEcheance)} · déjà payé ${euros(d.montantPaye)}</p>
          <p class="aide">Motif : ${d.motif}${d.motifDecision ? ` · décision : ${d.motifDecision}` : ""}${d.remplace ? ` · remplace la demande du ${date(d.remplace.dateDemande)}` : ""}</p>
          ${d.echeances.length > 0 && html`<details><summary>Échéancier (${d.echeances.length} mensualités)</summary>
            <div class="tableau" tabindex="0"><table>
              <caption>Mensualités du plan</caption>
              <thead><tr><th scope="col">N°</th><th scope="col">Date</th><th scope="col" class="montant">Montant</th><th scope="col" class="montant">Payé</th></tr></thead>
              <tbody>${d.echeances.map((e) => html`<tr><td>${e.numero}</td><td>${date(e.dateEcheance)}</td><td class="montant">${euros(e.montant)}</td><td class="montant">${euros(e.montantPaye)}</td></tr>`)}</tbody>
            </table></div></details>`}
          ${d.statut === "ACCEPTE" && html`<div class="boutons"><button type="button" class="secondaire" onClick=${() => setRenegocie(d.id)}>Renégocier cet échéancier</button></div>`}
          ${renegocie === d.id && html`<${FormulaireDelai} titre="Renégocier l'échéancier" mutation=${RENEGOCIER}
            base=${{ delaiId: d.id }} onDone=${fait} />`}
        </li>`)}</ul>`}
    <h2>Demander un délai de paiement</h2>
    ${enCours
      ? html`<p>Un délai de paiement est en cours (demande du ${date(enCours.dateDemande)}) : une seule demande à la fois${enCours.statut === "ACCEPTE" ? ", mais vous pouvez renégocier son échéancier ci-dessus" : ""}.</p>`
      : micro
      ? html`<p>Pour un délai de paiement de vos cotisations de micro-entrepreneur, contactez votre caisse (rubrique « Ma caisse »).</p>`
      : enRetard.length === 0
        ? html`<p>Aucune échéance en retard : pas de délai à demander.</p>`
        : html`<${FormulaireDelai} titre="Nouvelle demande" mutation=${DEMANDER} echeances=${enRetard}
            base=${{ travailleurId: travailleur.id }} onDone=${fait} />`}`;
}

function FormulaireDelai({ titre, mutation, base, echeances, onDone }) {
  const [choisies, setChoisies] = useState(echeances ? echeances.map((e) => e.id) : []);
  const [nombre, setNombre] = useState("6");
  const [premiere, setPremiere] = useState(dansJours(30));
  const [motif, setMotif] = useState("");
  const [run, state] = useMutation(mutation);
  const [saisie, setSaisie] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const premiereIso = isoDepuisSaisie(premiere);
    if (!premiereIso) {
      setSaisie("Première mensualité : saisissez une date au format jj/mm/aaaa.");
      return;
    }
    setSaisie(null);
    const input = { ...base, nombreEcheances: Number(nombre), premiereEcheance: premiereIso, motif, idempotencyKey: idempotencyKey() };
    if (echeances) input.echeanceIds = choisies;
    const payload = await run(input);
    if (ok(payload)) onDone(payload);
  };
  const basculer = (id, on) => setChoisies(on ? [...choisies, id] : choisies.filter((x) => x !== id));
  return html`<form class="carte" onSubmit=${submit}>
    <h3>${titre}</h3>
    ${echeances && html`<fieldset><legend>Échéances en retard couvertes</legend>
      ${echeances.map((e) => html`<div class="case">
        <input type="checkbox" id=${`ech-${e.id}`} checked=${choisies.includes(e.id)} onChange=${(ev) => basculer(e.id, ev.currentTarget.checked)} />
        <label for=${`ech-${e.id}`}>${date(e.dateEcheance)} · ${euros(e.resteDu)}</label>
      </div>`)}
    </fieldset>`}
    <${Champ} label="Nombre de mensualités" type="number" min="1" max="24" value=${nombre} onInput=${setNombre}
      aide="Jusqu'à 12 : accordé aussitôt ; de 13 à 24 : décidé par la caisse." required />
    <${Champ} label="Première mensualité" value=${premiere} onInput=${setPremiere} placeholder="jj/mm/aaaa" inputmode="numeric"
      aide="Au format jj/mm/aaaa, dans les 60 jours." required />
    ${saisie && html`<p class="alerte" role="alert">${saisie}</p>`}
    <${Champ} label="Motif" value=${motif} onInput=${setMotif} required />
    <div class="boutons"><button type="submit" disabled=${state.busy}>Envoyer la demande</button></div>
    ${state.error && html`<${Alerte} error=${state.error} />`}
    ${state.payload && html`<${UserErrors} errors=${state.payload.userErrors} />`}
  </form>`;
}
