// "Ma prévention santé": the worker's prevention file and each ayant droit's (the actions
// recommended for their age and sex, with their status and next due date, what was
// recorded), the family members, recording a vaccination or a screening, the reminder
// e-mails and the caisse's advice for the worker's profile. Health data: the API gives it
// to the worker only, so the page lives in Mon compte and nowhere else.
import { html, useState, useRef, useEffect } from "./lib.js";
import { date, isoDepuisSaisie } from "./format.js";
import { useQuery, Alerte, Chargement, UserErrors, Succes, Case } from "./ui.js";
import { useMutation, ok, idempotencyKey } from "./compte_commun.js";

const DOSSIER = `prenom dateNaissance sexe age
  actions { programme nature libelle statut dateProchaine derniereRealisation nombreRealisations }
  realisations { programme nature date numeroLot }`;
const PREVENTION = `query MaPrevention {
  maPrevention {
    rappelsActifs
    titulaire { ${DOSSIER} }
    ayantsDroit { id prenom dateNaissance sexe lien dossier { ${DOSSIER} } }
  }
  conseilsPrevention(first: 20) { nodes { id titre contenu datePublication } }
}`;
const ERREURS = "userErrors { field message code }";
const AJOUTER = `mutation AjouterAyantDroit($input: AddAyantDroitInput!) {
  addAyantDroit(input: $input) { ayantDroit { id prenom } ${ERREURS} }
}`;
const MODIFIER = `mutation ModifierAyantDroit($input: UpdateAyantDroitInput!) {
  updateAyantDroit(input: $input) { ayantDroit { id prenom } ${ERREURS} }
}`;
const RETIRER = `mutation RetirerAyantDroit($input: RemoveAyantDroitInput!) {
  removeAyantDroit(input: $input) { ayantDroitId ${ERREURS} }
}`;
const VACCINATION = `mutation EnregistrerVaccination($input: RecordVaccinationInput!) {
  recordVaccination(input: $input) { dossier { prenom } ${ERREURS} }
}`;
const DEPISTAGE = `mutation EnregistrerDepistage($input: RecordDepistageInput!) {
  recordDepistage(input: $input) { dossier { prenom } ${ERREURS} }
}`;
const RAPPELS = `mutation Rappels($input: SetRappelsPreventionInput!) {
  setRappelsPrevention(input: $input) { rappelsActifs ${ERREURS} }
}`;

// The national programmes (calendrier des vaccinations, dépistages organisés), in French.
const PROGRAMMES = {
  DEPISTAGE_CANCER_SEIN: "Dépistage du cancer du sein (mammographie)",
  DEPISTAGE_CANCER_COLORECTAL: "Dépistage du cancer colorectal",
  DEPISTAGE_COL_UTERUS_CYTOLOGIE: "Dépistage du cancer du col de l'utérus (cytologie)",
  DEPISTAGE_COL_UTERUS_TEST_HPV: "Dépistage du cancer du col de l'utérus (test HPV)",
  RAPPEL_DTP_ADULTE: "Rappel diphtérie-tétanos-poliomyélite (adulte)",
  GRIPPE_SAISONNIERE: "Grippe saisonnière",
  NOURRISSON_DTCAP_HIB_HEPB: "Nourrisson : DTCaP-Hib-hépatite B",
  NOURRISSON_PNEUMOCOQUE: "Nourrisson : pneumocoque",
  ROR: "Rougeole-oreillons-rubéole (ROR)",
  RAPPEL_DTCAP_POLIO_6_ANS: "Rappel DTCaP-polio à 6 ans",
  RAPPEL_DTCAP_POLIO_11_13_ANS: "Rappel DTCaP-polio de 11 à 13 ans",
  VACCINATION_HPV: "Vaccination contre les papillomavirus (HPV)",
};
const NATURE = (programme) => (programme.startsWith("DEPISTAGE_") ? "DEPISTAGE" : "VACCINATION");
const STATUTS = {
  A_JOUR: ["À jour", "vert"],
  A_FAIRE: ["À faire", "orange"],
  EN_RETARD: ["En retard", "rouge"],
};
const LIENS = { CONJOINT: "Conjoint(e)", ENFANT: "Enfant" };
const SEXES = { F: "Femme", M: "Homme" };

export function Prevention() {
  const { data, error, reload } = useQuery(PREVENTION, {});
  const [ajout, setAjout] = useState(false);
  if (error && !data) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const p = data.maPrevention;
  return html`
    <p>Votre dossier personnel de prévention et de dépistage, et celui de votre famille : les vaccinations
      et dépistages recommandés pour chacun selon son âge et son sexe. Ce sont des données de santé :
      vous seul les voyez, ni votre expert-comptable ni la caisse n'y ont accès.</p>
    ${error && html`<${Alerte} error=${error} retry=${reload} />`}
    <${Rappels} actifs=${p.rappelsActifs} reload=${reload} />
    <${Dossier} dossier=${p.titulaire} titre=${`Vous, ${p.titulaire.prenom}`} reload=${reload} />
    ${p.ayantsDroit.map((a) => html`<${Dossier} key=${a.id} dossier=${a.dossier} ayantDroit=${a}
      titre=${`${a.prenom} (${LIENS[a.lien].toLowerCase()})`} reload=${reload} />`)}
    <div class="carte">
      <h2>Vos ayants droit</h2>
      ${p.ayantsDroit.length === 0
        ? html`<p>Aucun membre de votre famille n'est déclaré.</p>`
        : html`<p>${p.ayantsDroit.length > 1 ? `${p.ayantsDroit.length} membres déclarés` : "1 membre déclaré"} : ${p.ayantsDroit.map((a) => a.prenom).join(", ")}.
            Modifiez-les ou retirez-les depuis leur dossier ci-dessus.</p>`}
      ${ajout
        ? html`<${FormulaireAyantDroit} titre="Ajouter un ayant droit" fermer=${() => setAjout(false)}
            apres=${() => { setAjout(false); reload(); }} />`
        : html`<div class="boutons"><button type="button" onClick=${() => setAjout(true)}>Ajouter un ayant droit</button></div>`}
    </div>
    <${Conseils} conseils=${data.conseilsPrevention.nodes} />`;
}

function Rappels({ actifs, reload }) {
  const [run, state] = useMutation(RAPPELS);
  // The box follows the click at once; it goes back if the server refuses.
  const [coche, setCoche] = useState(actifs);
  useEffect(() => setCoche(actifs), [actifs]);
  const change = async (checked) => {
    setCoche(checked);
    const payload = await run({ actifs: checked, idempotencyKey: idempotencyKey() });
    if (ok(payload)) reload();
    else setCoche(!checked);
  };
  return html`<div class="carte">
    <h2>Rappels par courriel</h2>
    <${Case} label="Recevoir un courriel 30 jours avant chaque échéance de ma famille (le courriel ne contient aucune information de santé)"
      checked=${coche} disabled=${state.busy} onChange=${change} />
    ${state.error && html`<${Alerte} error=${state.error} />`}
    ${state.payload && html`<${UserErrors} errors=${state.payload.userErrors} />`}
    ${ok(state.payload) && html`<${Succes}><p>${state.payload.rappelsActifs ? "Rappels activés." : "Rappels désactivés."}</p><//>`}
  </div>`;
}

function Statut({ statut }) {
  const [texte, couleur] = STATUTS[statut] || [statut, "gris"];
  return html`<span class="badge ${couleur}">${texte}</span>`;
}

function Dossier({ dossier, titre, ayantDroit, reload }) {
  const [mode, setMode] = useState(null);
  const [message, setMessage] = useState(null);
  const id = useRef(`dossier-${++serial}`).current;
  const apres = (texte) => {
    setMode(null);
    setMessage(texte);
    reload();
  };
  return html`<section class="carte dossier" aria-labelledby=${id}>
    <h2 id=${id}>${titre}</h2>
    <p class="aide">${dossier.sexe === "F" ? "Femme, née" : "Homme, né"} le ${date(dossier.dateNaissance)} · ${dossier.age === 0 ? "moins d'un an" : `${dossier.age} ${dossier.age > 1 ? "ans" : "an"}`}</p>
    <h3>Actions recommandées</h3>
    ${dossier.actions.length === 0
      ? html`<p>Aucune vaccination ni aucun dépistage n'est recommandé à cet âge.</p>`
      : html`<ul class="liste actions">${dossier.actions.map((a) => html`<li>
          <strong>${a.libelle}</strong> <${Statut} statut=${a.statut} /><br />
          ${a.dateProchaine ? `Prochaine échéance : ${date(a.dateProchaine)}` : "Aucune échéance à venir"}
          ${a.derniereRealisation && html`<br /><span class="aide">Dernière fois le ${date(a.derniereRealisation)}${a.nombreRealisations > 1 ? ` (${a.nombreRealisations} enregistrées)` : ""}</span>`}
        </li>`)}</ul>`}
    <h3>Vaccinations et dépistages enregistrés</h3>
    ${dossier.realisations.length === 0
      ? html`<p>Rien n'est encore enregistré.</p>`
      : html`<ul class="liste realisations">${dossier.realisations.map((r) => html`<li>
          ${date(r.date)} · ${PROGRAMMES[r.programme] || r.programme}${r.numeroLot ? ` · lot ${r.numeroLot}` : ""}
        </li>`)}</ul>`}
    ${message && html`<${Succes}><p>${message}</p><//>`}
    ${mode === "enregistrer" && html`<${FormulaireRealisation} dossier=${dossier} ayantDroit=${ayantDroit}
      fermer=${() => setMode(null)} apres=${apres} />`}
    ${mode === "modifier" && html`<${FormulaireAyantDroit} titre=${`Modifier ${ayantDroit.prenom}`} ayantDroit=${ayantDroit}
      fermer=${() => setMode(null)} apres=${() => apres("Les informations sont modifiées.")} />`}
    ${mode === "retirer" && html`<${Retrait} ayantDroit=${ayantDroit} fermer=${() => setMode(null)} apres=${reload} />`}
    ${mode === null && html`<div class="boutons">
      <button type="button" onClick=${() => { setMessage(null); setMode("enregistrer"); }}>Enregistrer une vaccination ou un dépistage</button>
      ${ayantDroit && html`<button type="button" class="secondaire" onClick=${() => { setMessage(null); setMode("modifier"); }}>Modifier</button>
        <button type="button" class="secondaire" onClick=${() => { setMessage(null); setMode("retirer"); }}>Retirer</button>`}
    </div>`}
  </section>`;
}

let serial = 0;
/** A labelled field with the API's refusal for it shown right under it. */
function Zone({ label, erreur, children, aide }) {
  const id = useRef(`zone-${++serial}`).current;
  const render = Array.isArray(children) ? children[0] : children;
  const decrit = [aide && `${id}-aide`, erreur && `${id}-erreur`].filter(Boolean).join(" ") || undefined;
  return html`<div class="champ">
    <label for=${id}>${label}</label>
    ${render({ id, "aria-describedby": decrit, "aria-invalid": erreur ? "true" : undefined })}
    ${aide && html`<p class="aide" id=${`${id}-aide`}>${aide}</p>`}
    ${erreur && html`<p class="erreur-champ" id=${`${id}-erreur`} role="alert">${erreur}</p>`}
  </div>`;
}

/** The userErrors by input field (without the "input" wrapper); the rest under "". */
function parChamp(errors) {
  const out = {};
  for (const e of errors || []) {
    const path = e.field && e.field[0] === "input" ? e.field.slice(1) : e.field || [];
    const key = path.join(".");
    out[key] = out[key] ? `${out[key]} ${e.message}` : e.message;
  }
  return out;
}

function FormulaireRealisation({ dossier, ayantDroit, fermer, apres }) {
  const proposes = dossier.actions.map((a) => a.programme);
  const premier = proposes[0] || "RAPPEL_DTP_ADULTE";
  const [programme, setProgramme] = useState(premier);
  const [jour, setJour] = useState("");
  const [lot, setLot] = useState("");
  const [locales, setLocales] = useState({});
  const nature = NATURE(programme);
  const [runV, stateV] = useMutation(VACCINATION);
  const [runD, stateD] = useMutation(DEPISTAGE);
  const state = nature === "VACCINATION" ? stateV : stateD;
  const serveur = parChamp(state.payload && state.payload.userErrors);
  const erreurs = { ...serveur, ...locales };
  // Those the person's age and sex call for first, then the others.
  const ordre = [...proposes, ...Object.keys(PROGRAMMES).filter((p) => !proposes.includes(p))];
  const submit = async (event) => {
    event.preventDefault();
    const iso = isoDepuisSaisie(jour);
    if (!iso) {
      setLocales({ date: "Saisissez la date au format jj/mm/aaaa, par exemple 05/03/2026." });
      return;
    }
    setLocales({});
    const input = { date: iso, idempotencyKey: idempotencyKey() };
    if (ayantDroit) input.ayantDroitId = ayantDroit.id;
    let payload;
    if (nature === "VACCINATION") {
      input.vaccin = programme;
      if (lot.trim()) input.numeroLot = lot.trim();
      payload = await runV(input);
    } else {
      input.depistage = programme;
      payload = await runD(input);
    }
    if (ok(payload)) apres(`${PROGRAMMES[programme]} du ${date(iso)} enregistré.`);
  };
  const champProgramme = nature === "VACCINATION" ? "vaccin" : "depistage";
  const autres = Object.entries(serveur).filter(([k]) => !["date", "vaccin", "depistage", "numeroLot"].includes(k));
  return html`<form class="formulaire" onSubmit=${submit} novalidate aria-label=${`Enregistrer pour ${dossier.prenom}`}>
    <h3>Enregistrer une vaccination ou un dépistage pour ${dossier.prenom}</h3>
    <${Zone} label="Vaccin ou dépistage" erreur=${erreurs[champProgramme]}>
      ${(attrs) => html`<select ...${attrs} value=${programme} onChange=${(e) => setProgramme(e.currentTarget.value)}>
        ${ordre.map((p) => html`<option value=${p} selected=${p === programme}>${PROGRAMMES[p]}</option>`)}
      </select>`}
    <//>
    <${Zone} label="Date" erreur=${erreurs.date} aide="jj/mm/aaaa">
      ${(attrs) => html`<input ...${attrs} type="text" inputmode="numeric" placeholder="jj/mm/aaaa" required
        value=${jour} onInput=${(e) => setJour(e.currentTarget.value)} />`}
    <//>
    ${nature === "VACCINATION" && html`<${Zone} label="Numéro de lot (facultatif)" erreur=${erreurs.numeroLot}>
      ${(attrs) => html`<input ...${attrs} type="text" value=${lot} onInput=${(e) => setLot(e.currentTarget.value)} />`}
    <//>`}
    ${state.error && html`<${Alerte} error=${state.error} />`}
    ${autres.length > 0 && html`<div class="alerte" role="alert">${autres.map(([, m]) => html`<p>${m}</p>`)}</div>`}
    <div class="boutons">
      <button type="submit" disabled=${state.busy}>Enregistrer</button>
      <button type="button" class="secondaire" onClick=${fermer}>Annuler</button>
    </div>
  </form>`;
}

function FormulaireAyantDroit({ titre, ayantDroit, fermer, apres }) {
  const [prenom, setPrenom] = useState(ayantDroit ? ayantDroit.prenom : "");
  const [naissance, setNaissance] = useState(ayantDroit ? date(ayantDroit.dateNaissance) : "");
  const [sexe, setSexe] = useState(ayantDroit ? ayantDroit.sexe : "F");
  const [lien, setLien] = useState(ayantDroit ? ayantDroit.lien : "ENFANT");
  const [locales, setLocales] = useState({});
  const [run, state] = useMutation(ayantDroit ? MODIFIER : AJOUTER);
  const serveur = parChamp(state.payload && state.payload.userErrors);
  const erreurs = { ...serveur, ...locales };
  const autres = Object.entries(serveur).filter(([k]) => !["prenom", "dateNaissance", "sexe", "lien"].includes(k));
  const submit = async (event) => {
    event.preventDefault();
    const iso = isoDepuisSaisie(naissance);
    if (!iso) {
      setLocales({ dateNaissance: "Saisissez la date de naissance au format jj/mm/aaaa, par exemple 05/03/2020." });
      return;
    }
    setLocales({});
    const input = { prenom: prenom.trim(), dateNaissance: iso, sexe, lien, idempotencyKey: idempotencyKey() };
    if (ayantDroit) input.ayantDroitId = ayantDroit.id;
    const payload = await run(input);
    if (ok(payload)) apres();
  };
  return html`<form class="formulaire" onSubmit=${submit} novalidate aria-label=${titre}>
    <h3>${titre}</h3>
    <${Zone} label="Prénom" erreur=${erreurs.prenom}>
      ${(attrs) => html`<input ...${attrs} type="text" autocomplete="off" required value=${prenom} onInput=${(e) => setPrenom(e.currentTarget.value)} />`}
    <//>
    <${Zone} label="Date de naissance" erreur=${erreurs.dateNaissance} aide="jj/mm/aaaa">
      ${(attrs) => html`<input ...${attrs} type="text" inputmode="numeric" placeholder="jj/mm/aaaa" required
        value=${naissance} onInput=${(e) => setNaissance(e.currentTarget.value)} />`}
    <//>
    <${Zone} label="Sexe" erreur=${erreurs.sexe}>
      ${(attrs) => html`<select ...${attrs} value=${sexe} onChange=${(e) => setSexe(e.currentTarget.value)}>
        ${Object.entries(SEXES).map(([v, t]) => html`<option value=${v} selected=${v === sexe}>${t}</option>`)}
      </select>`}
    <//>
    <${Zone} label="Lien avec vous" erreur=${erreurs.lien}>
      ${(attrs) => html`<select ...${attrs} value=${lien} onChange=${(e) => setLien(e.currentTarget.value)}>
        ${Object.entries(LIENS).map(([v, t]) => html`<option value=${v} selected=${v === lien}>${t}</option>`)}
      </select>`}
    <//>
    ${state.error && html`<${Alerte} error=${state.error} />`}
    ${autres.length > 0 && html`<div class="alerte" role="alert">${autres.map(([, m]) => html`<p>${m}</p>`)}</div>`}
    <div class="boutons">
      <button type="submit" disabled=${state.busy}>${ayantDroit ? "Enregistrer les modifications" : "Ajouter"}</button>
      <button type="button" class="secondaire" onClick=${fermer}>Annuler</button>
    </div>
  </form>`;
}

function Retrait({ ayantDroit, fermer, apres }) {
  const [run, state] = useMutation(RETIRER);
  const confirmer = async () => {
    const payload = await run({ ayantDroitId: ayantDroit.id, idempotencyKey: idempotencyKey() });
    if (ok(payload)) apres();
  };
  return html`<div class="alerte" role="group" aria-label=${`Retirer ${ayantDroit.prenom}`}>
    <p>Retirer ${ayantDroit.prenom} de vos ayants droit supprime aussi tout son dossier de prévention.</p>
    ${state.error && html`<${Alerte} error=${state.error} />`}
    ${state.payload && html`<${UserErrors} errors=${state.payload.userErrors} />`}
    <div class="boutons">
      <button type="button" onClick=${confirmer} disabled=${state.busy}>Confirmer le retrait</button>
      <button type="button" class="secondaire" onClick=${fermer}>Annuler</button>
    </div>
  </div>`;
}

function Conseils({ conseils }) {
  return html`<div class="carte">
    <h2>Conseils de prévention pour vous</h2>
    ${conseils.length === 0
      ? html`<p>Aucun conseil pour votre profil en ce moment.</p>`
      : html`<ul class="liste conseils">${conseils.map((c) => html`<li>
          <h3>${c.titre}</h3>
          <p class="aide">Publié le ${date(c.datePublication)}</p>
          <p>${c.contenu}</p>
        </li>`)}</ul>`}
  </div>`;
}
