// The actions on one client: the three-step estimate (1. Estimation,
// 2. Prévisualisation, 3. Confirmation), periodicity, direct debit, a payment-plan
// request, an attestation. Each refusal is shown as the API words it; nothing changes.
import { html, useState } from "./lib.js";
import { gql, idempotencyKey } from "./api.js";
import { euros, date, libelle, decimalDepuisSaisie } from "./format.js";
import { Alerte, UserErrors, Champ, Choix, Case, Succes, Telecharger } from "./ui.js";

const USER_ERRORS = "userErrors { field message code }";

const ESTIMATE = `mutation Estimation($input: EstimateRevenueInput!) {
  estimateRevenue(input: $input) {
    previsualisation baseCalcul totalCotisations credit avertissement
    cotisations { code libelle montant explication }
    echeancier { dateEcheance montant montantPaye nature }
    avisAppel { id url annee }
    ${USER_ERRORS}
  }
}`;

/** Runs a mutation and returns its payload; top-level failures and userErrors in state. */
function useMutation(query, name) {
  const [state, setState] = useState({ busy: false, error: null, userErrors: [], payload: null });
  const run = async (input) => {
    setState({ busy: true, error: null, userErrors: [], payload: null });
    try {
      const data = await gql(query, { input });
      const payload = data[name];
      setState({ busy: false, error: null, userErrors: payload.userErrors, payload });
      return payload.userErrors.length ? null : payload;
    } catch (error) {
      setState({ busy: false, error, userErrors: [], payload: null });
      return null;
    }
  };
  return [state, run, () => setState({ busy: false, error: null, userErrors: [], payload: null })];
}

function Etapes({ courante }) {
  const etapes = ["1. Estimation", "2. Prévisualisation", "3. Confirmation"];
  return html`<ol class="etapes">${etapes.map((e, i) => html`<li aria-current=${i === courante ? "step" : undefined}>${e}</li>`)}</ol>`;
}

export function Estimation({ t, annee, onDone }) {
  const [etape, setEtape] = useState(0);
  const [courriel, setCourriel] = useState(t.courriel);
  const [montant, setMontant] = useState("");
  const [informe, setInforme] = useState(false);
  const [local, setLocal] = useState([]);
  const [cle] = useState(idempotencyKey);
  const [state, run, reset] = useMutation(ESTIMATE, "estimateRevenue");
  const [preview, setPreview] = useState(null);
  const [confirmation, setConfirmation] = useState(null);

  const input = (previsualisation) => ({
    travailleurId: t.id, annee, montant: decimalDepuisSaisie(montant), courriel: courriel.trim(),
    jaiEteInforme: informe, previsualisation, ...(previsualisation ? {} : { idempotencyKey: cle }),
  });
  const suivant = async (event) => {
    event.preventDefault();
    if (decimalDepuisSaisie(montant) === null) {
      setLocal([{ field: ["montant"], message: "Montant : un nombre d'euros, deux décimales au plus (ex. 42 000,00).", code: "MONTANT_INVALIDE" }]);
      return;
    }
    setLocal([]);
    const payload = await run(input(true));
    if (payload) {
      setPreview(payload);
      setEtape(1);
    }
  };
  const confirmer = async () => {
    const payload = await run(input(false));
    if (payload) {
      setConfirmation(payload);
      setEtape(2);
      onDone();
    }
  };

  return html`<section class="carte" aria-labelledby="estimation-titre">
    <h2 id="estimation-titre">Adapter le montant des cotisations ${annee}</h2>
    <${Etapes} courante=${etape} />
    ${etape === 0 && html`<form onSubmit=${suivant} novalidate>
      <p class="avertissement"><strong>Ne sous-estimez pas le revenu</strong> : lorsqu'il sera définitivement connu, les
        cotisations définitives seront établies et la différence sera réclamée s'il y a lieu.</p>
      <${Champ} label="Adresse électronique (vérifiez-la)" type="email" value=${courriel} onInput=${setCourriel} autocomplete="email" />
      <${Champ} label=${`Revenu estimé ${annee} (€)`} value=${montant} onInput=${setMontant} inputmode="decimal"
        aide="Le revenu professionnel de l'année, par exemple 42 000,00" />
      <${Case} label="J'ai été informé(e) que les cotisations provisionnelles et les échéances seront recalculées sur ce revenu estimé."
        checked=${informe} onChange=${setInforme} />
      <${UserErrors} errors=${[...local, ...state.userErrors]} />
      <${Alerte} error=${state.error} />
      <div class="boutons"><button type="submit" disabled=${state.busy}>Étape suivante</button></div>
    </form>`}
    ${etape === 1 && preview && html`<div>
      <p>Vérifiez l'exactitude de la déclaration : revenu estimé <strong>${euros(decimalDepuisSaisie(montant))}</strong>, accusé de réception à ${courriel}.</p>
      ${preview.avertissement && html`<p class="avertissement">${preview.avertissement}</p>`}
      <div class="tableau" tabindex="0"><table>
        <caption>Cotisations provisionnelles ${annee} recalculées</caption>
        <thead><tr><th scope="col">Cotisation</th><th scope="col" class="montant">Montant</th><th scope="col">Explication</th></tr></thead>
        <tbody>${preview.cotisations.map((l) => html`<tr key=${l.code}><td>${l.libelle}</td><td class="montant">${euros(l.montant)}</td><td class="explication">${l.explication}</td></tr>`)}</tbody>
        <tfoot><tr><th scope="row">Total</th><td class="montant"><strong>${euros(preview.totalCotisations)}</strong></td><td></td></tr></tfoot>
      </table></div>
      <div class="tableau" tabindex="0"><table>
        <caption>Nouvel échéancier</caption>
        <thead><tr><th scope="col">Date</th><th scope="col" class="montant">Montant</th><th scope="col" class="montant">Déjà payé</th></tr></thead>
        <tbody>${preview.echeancier.map((e, i) => html`<tr key=${i}><td>${date(e.dateEcheance)}</td><td class="montant">${euros(e.montant)}</td><td class="montant">${euros(e.montantPaye)}</td></tr>`)}</tbody>
      </table></div>
      ${preview.credit && Number(preview.credit) > 0 && html`<p>Crédit de l'année : ${euros(preview.credit)}</p>`}
      <${UserErrors} errors=${state.userErrors} />
      <${Alerte} error=${state.error} />
      <div class="boutons">
        <button type="button" class="secondaire" onClick=${() => { reset(); setEtape(0); }}>Modifier</button>
        <button type="button" onClick=${confirmer} disabled=${state.busy}>Confirmer</button>
      </div>
    </div>`}
    ${etape === 2 && confirmation && html`<${Succes}>
      <p>L'estimation est prise en compte : cotisations ${annee} de ${euros(confirmation.totalCotisations)}, échéances recalculées.
        Un accusé de réception est envoyé à ${courriel}.</p>
      ${confirmation.avisAppel && html`<p><${Telecharger} url=${confirmation.avisAppel.url}>Télécharger l'avis d'appel rectificatif</${Telecharger}></p>`}
    </${Succes}>`}
  </section>`;
}

const PERIODICITE = `mutation Periodicite($input: SetPrelevementPeriodiciteInput!) {
  setPrelevementPeriodicite(input: $input) { modifiee echeancier { id dateEcheance montant } ${USER_ERRORS} }
}`;

function Periodicite({ t, onDone }) {
  const [periodicite, setPeriodicite] = useState(t.prelevement.periodicite);
  const [state, run] = useMutation(PERIODICITE, "setPrelevementPeriodicite");
  const submit = async (event) => {
    event.preventDefault();
    if (await run({ travailleurId: t.id, periodicite, idempotencyKey: idempotencyKey() })) onDone();
  };
  return html`<section class="carte" aria-labelledby="periodicite-titre">
    <h2 id="periodicite-titre">Périodicité des prélèvements</h2>
    <form onSubmit=${submit} novalidate>
      <${Choix} label="Périodicité" value=${periodicite} onChange=${setPeriodicite}
        options=${["MENSUEL_5", "MENSUEL_20", "TRIMESTRIEL"].map((p) => [p, libelle("periodicite", p)])} />
      <p class="aide">Une fois par an ; effective à partir de la première échéance située à 30 jours au moins.</p>
      <${UserErrors} errors=${state.userErrors} />
      <${Alerte} error=${state.error} />
      ${state.payload && !state.userErrors.length && html`<${Succes}><p>${state.payload.modifiee ? `Périodicité changée : ${state.payload.echeancier.length} échéances replanifiées.` : "C'est déjà la périodicité en vigueur."}</p></${Succes}>`}
      <div class="boutons"><button type="submit" disabled=${state.busy}>Changer la périodicité</button></div>
    </form>
  </section>`;
}

const SET_PRELEVEMENT = `mutation Prelevement($input: SetPrelevementAutomatiqueInput!) {
  setPrelevementAutomatique(input: $input) { prelevement { actif periodicite } ${USER_ERRORS} }
}`;
const REMOVE_PRELEVEMENT = `mutation SansPrelevement($input: RemovePrelevementAutomatiqueInput!) {
  removePrelevementAutomatique(input: $input) { prelevement { actif periodicite } ${USER_ERRORS} }
}`;

function Prelevement({ t, onDone }) {
  const [iban, setIban] = useState("");
  const [bic, setBic] = useState("");
  const [titulaire, setTitulaire] = useState(`${t.prenom} ${t.nom}`);
  const [set, runSet] = useMutation(SET_PRELEVEMENT, "setPrelevementAutomatique");
  const [remove, runRemove] = useMutation(REMOVE_PRELEVEMENT, "removePrelevementAutomatique");
  const submit = async (event) => {
    event.preventDefault();
    const input = { travailleurId: t.id, iban: iban.replace(/\s/g, ""), bic: bic.trim(), titulaire: titulaire.trim(), idempotencyKey: idempotencyKey() };
    if (await runSet(input)) onDone();
  };
  const arreter = async () => {
    if (await runRemove({ travailleurId: t.id, idempotencyKey: idempotencyKey() })) onDone();
  };
  return html`<section class="carte" aria-labelledby="prelevement-titre">
    <h2 id="prelevement-titre">Prélèvement automatique</h2>
    <p>${t.prelevement.actif ? `En place (${libelle("periodicite", t.prelevement.periodicite)}).` : "Aucun prélèvement : paiement trimestriel."}</p>
    <form onSubmit=${submit} novalidate>
      <${Champ} label="IBAN" value=${iban} onInput=${setIban} autocomplete="off" aide="Exemple : FR76 3000 6000 0112 3456 7890 189" />
      <${Champ} label="BIC" value=${bic} onInput=${setBic} autocomplete="off" />
      <${Champ} label="Titulaire du compte" value=${titulaire} onInput=${setTitulaire} />
      <${UserErrors} errors=${set.userErrors} />
      <${Alerte} error=${set.error} />
      ${set.payload && !set.userErrors.length && html`<${Succes}><p>Prélèvement automatique enregistré (nouveau mandat SEPA).</p></${Succes}>`}
      <div class="boutons"><button type="submit" disabled=${set.busy}>Mettre en place le prélèvement</button></div>
    </form>
    ${t.prelevement.actif && html`<div>
      <h3>Arrêter le prélèvement</h3>
      <p class="aide">Sans prélèvement, le paiement devient trimestriel et les échéances ouvertes sont replanifiées.</p>
      <${UserErrors} errors=${remove.userErrors} />
      <${Alerte} error=${remove.error} />
      <button type="button" class="secondaire" onClick=${arreter} disabled=${remove.busy}>Arrêter le prélèvement automatique</button>
    </div>`}
    ${remove.payload && !remove.userErrors.length && html`<${Succes}><p>Prélèvement arrêté : paiement trimestriel.</p></${Succes}>`}
  </section>`;
}

const DELAI = `mutation Delai($input: RequestDelaiPaiementInput!) {
  requestDelaiPaiement(input: $input) { delaiPaiement { id statut montant nombreEcheances } ${USER_ERRORS} }
}`;

function DelaiPaiement({ t, onDone }) {
  const enRetard = (t.enRetard && t.enRetard.nodes) || [];
  const [choisies, setChoisies] = useState(new Set(enRetard.map((e) => e.id)));
  const [nombre, setNombre] = useState("6");
  const [premiere, setPremiere] = useState("");
  const [motif, setMotif] = useState("");
  const [state, run] = useMutation(DELAI, "requestDelaiPaiement");
  const submit = async (event) => {
    event.preventDefault();
    const input = { travailleurId: t.id, echeanceIds: [...choisies], nombreEcheances: Number(nombre) || 0,
      premiereEcheance: premiere, motif, idempotencyKey: idempotencyKey() };
    if (await run(input)) onDone();
  };
  return html`<section class="carte" aria-labelledby="delai-titre">
    <h2 id="delai-titre">Demander un délai de paiement</h2>
    ${enRetard.length === 0 ? html`<p>Aucune échéance en retard : pas de délai à demander.</p>` : html`<form onSubmit=${submit} novalidate>
      <fieldset>
        <legend>Échéances en retard à étaler</legend>
        ${enRetard.map((e) => html`<${Case} key=${e.id} checked=${choisies.has(e.id)}
          label=${`${date(e.dateEcheance)} : ${euros(e.resteDu)} (${libelle("natureEcheance", e.nature)} ${e.annee})`}
          onChange=${(on) => { const next = new Set(choisies); on ? next.add(e.id) : next.delete(e.id); setChoisies(next); }} />`)}
      </fieldset>
      <${Champ} label="Nombre de mensualités" type="number" value=${nombre} onInput=${setNombre} min="1" max="24"
        aide="12 au plus : accepté aussitôt ; de 13 à 24 : décision d'un agent de la caisse" />
      <${Champ} label="Première mensualité le" type="date" value=${premiere} onInput=${setPremiere} />
      <div class="champ">
        <label for="delai-motif">Motif</label>
        <textarea id="delai-motif" rows="3" value=${motif} onInput=${(e) => setMotif(e.currentTarget.value)}></textarea>
      </div>
      <${UserErrors} errors=${state.userErrors} />
      <${Alerte} error=${state.error} />
      ${state.payload && !state.userErrors.length && html`<${Succes}><p>Délai demandé : ${euros(state.payload.delaiPaiement.montant)} en
        ${state.payload.delaiPaiement.nombreEcheances} mensualités, ${libelle("statutDelai", state.payload.delaiPaiement.statut).toLowerCase()}.</p></${Succes}>`}
      <div class="boutons"><button type="submit" disabled=${state.busy}>Demander le délai</button></div>
    </form>`}
  </section>`;
}

const ATTESTATION = `mutation Attestation($input: GenerateAttestationInput!) {
  generateAttestation(input: $input) { attestation { id type url dateEmission dateFinValidite codeVerification } ${USER_ERRORS} }
}`;

function Attestation({ t, annee, onDone }) {
  const [type, setType] = useState("VIGILANCE");
  const [anneeCfp, setAnneeCfp] = useState(String(annee - 1));
  const [state, run] = useMutation(ATTESTATION, "generateAttestation");
  const submit = async (event) => {
    event.preventDefault();
    const input = { travailleurId: t.id, type, idempotencyKey: idempotencyKey() };
    if (type === "FORMATION_PROFESSIONNELLE" || type === "CSG_CRDS") input.annee = Number(anneeCfp);
    if (await run(input)) onDone();
  };
  const a = state.payload && state.payload.attestation;
  return html`<section class="carte" aria-labelledby="attestation-titre">
    <h2 id="attestation-titre">Générer une attestation</h2>
    <form onSubmit=${submit} novalidate>
      <${Choix} label="Attestation" value=${type} onChange=${setType}
        options=${["VIGILANCE", "MARCHE_PUBLIC", "CSG_CRDS", "FORMATION_PROFESSIONNELLE"].map((x) => [x, libelle("typeAttestation", x)])} />
      ${(type === "FORMATION_PROFESSIONNELLE" || type === "CSG_CRDS") && html`<${Champ} label="Année" type="number" value=${anneeCfp} onInput=${setAnneeCfp} />`}
      <${UserErrors} errors=${state.userErrors} />
      <${Alerte} error=${state.error} />
      ${a && html`<${Succes}><p>${libelle("typeAttestation", a.type)} du ${date(a.dateEmission)}${a.codeVerification ? `, code de vérification ${a.codeVerification}` : ""}.</p>
        <p><${Telecharger} url=${a.url}>Télécharger l'attestation</${Telecharger}></p></${Succes}>`}
      <div class="boutons"><button type="submit" disabled=${state.busy}>Générer l'attestation</button></div>
    </form>
  </section>`;
}

export function Actions({ t, annee, onDone }) {
  const micro = t.__typename === "MicroEntrepreneur";
  return html`<div>
    ${!micro && html`<${Estimation} t=${t} annee=${annee} onDone=${onDone} />`}
    <div class="grille">
      <${Periodicite} t=${t} onDone=${onDone} />
      <${Attestation} t=${t} annee=${annee} onDone=${onDone} />
      <${Prelevement} t=${t} onDone=${onDone} />
      ${!micro && html`<${DelaiPaiement} t=${t} onDone=${onDone} />`}
    </div>
  </div>`;
}
