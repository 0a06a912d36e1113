// "Revenus" (with the three-step online estimate), "Cotisations" (three tabs) and
// "Échéances dues" of a worker of the régime classique.
import { html, useState } from "./lib.js";
import { euros, date, libelle, decimalDepuisSaisie } from "./format.js";
import { useQuery, Alerte, Chargement, UserErrors, Succes, Champ, Case, Choix, Telecharger } from "./ui.js";
import { useMutation, ok, idempotencyKey, anneeCourante, annee, Periode } from "./compte_commun.js";

const REVENUS = `query Revenus($id: ID!) {
  node(id: $id) {
    ... on TravailleurClassique {
      courriel situation taxationDOffice
      revenus { id annee montant nature dateSaisie }
      cotisations { annee }
      avisAppel { id annee dateEmission revenuEstime url }
    }
  }
}`;

const ESTIMER = `mutation Estimer($input: EstimateRevenueInput!) {
  estimateRevenue(input: $input) {
    previsualisation baseCalcul totalCotisations credit avertissement
    cotisations { code libelle montant explication }
    echeancier { dateEcheance montant montantPaye nature }
    avisAppel { id annee dateEmission revenuEstime url }
    userErrors { field message code }
  }
}`;

export function Revenus({ travailleur }) {
  const { data, error, reload } = useQuery(REVENUS, { id: travailleur.id });
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const t = data.node;
  const annees = t.cotisations.map((c) => c.annee);
  const courante = annees.length ? Math.max(...annees) : anneeCourante();
  return html`
    <h2>Vos revenus</h2>
    ${t.revenus.length === 0
      ? html`<p>Aucun revenu connu.</p>`
      : html`<div class="tableau" tabindex="0"><table>
          <caption>Revenus professionnels par année</caption>
          <thead><tr><th scope="col">Année</th><th scope="col" class="montant">Revenu</th><th scope="col">Nature</th><th scope="col">Saisi le</th></tr></thead>
          <tbody>${[...t.revenus].sort((a, b) => b.annee - a.annee || a.nature.localeCompare(b.nature)).map((r) => html`<tr>
            <td>${r.annee}</td><td class="montant">${euros(r.montant)}</td><td>${libelle("natureRevenu", r.nature)}</td><td>${date(r.dateSaisie)}</td>
          </tr>`)}</tbody>
        </table></div>`}
    <h2>Estimation de revenus ${courante}</h2>
    ${t.taxationDOffice || t.situation === "RADIE"
      ? html`<p class="avertissement">L'estimation en ligne n'est pas proposée aux indépendants en taxation d'office ni aux radiés.</p>`
      : html`<${Estimation} travailleur=${travailleur} annee=${courante} courriel=${t.courriel} onDone=${reload} />`}
    <p class="aide">Pour une régularisation par anticipation, déclarez sur <a href="https://www.net-entreprises.fr/" rel="noopener noreferrer">net-entreprises.fr</a>.</p>
    ${t.avisAppel.length > 0 && html`<h2>Avis d'appel rectificatifs</h2>
      <ul class="liste">${t.avisAppel.map((a) => html`<li>
        Avis ${a.annee} du ${date(a.dateEmission)}, revenu estimé ${euros(a.revenuEstime)}${" · "}<${Telecharger} url=${a.url} nom=${`avis-appel-${a.annee}.pdf`}>Télécharger l'avis d'appel<//>
      </li>`)}</ul>`}`;
}

const ETAPES = ["1. Estimation", "2. Prévisualisation", "3. Confirmation"];

/** The brochure's three steps: enter (with the warning), preview, confirm. */
function Estimation({ travailleur, annee: an, courriel: courrielFiche, onDone }) {
  const [etape, setEtape] = useState(0);
  const [courriel, setCourriel] = useState(courrielFiche);
  const [montant, setMontant] = useState("");
  const [informe, setInforme] = useState(false);
  const [cle, setCle] = useState(null);
  const [saisie, setSaisie] = useState(null);
  const [run, state, reset] = useMutation(ESTIMER);
  const [apercu, setApercu] = useState(null);
  const [resultat, setResultat] = useState(null);

  const input = (previsualisation) => ({
    travailleurId: travailleur.id,
    annee: an,
    montant: decimalDepuisSaisie(montant) || montant.trim(),
    courriel: courriel.trim(),
    jaiEteInforme: informe,
    previsualisation,
    ...(previsualisation ? {} : { idempotencyKey: cle }),
  });
  const previsualiser = async (event) => {
    event.preventDefault();
    if (!decimalDepuisSaisie(montant)) {
      setSaisie("Montant : saisissez un montant en euros, par exemple 32 000 ou 32 000,50.");
      return;
    }
    setSaisie(null);
    const payload = await run(input(true));
    if (ok(payload)) {
      setApercu(payload);
      setCle(idempotencyKey());
      setEtape(1);
    }
  };
  const confirmer = async () => {
    const payload = await run(input(false));
    if (ok(payload)) {
      setResultat(payload);
      setEtape(2);
      onDone && onDone();
    }
  };
  const modifier = () => {
    reset();
    setEtape(0);
  };
  return html`<div class="carte estimation">
    <ol class="etapes">${ETAPES.map((e, i) => html`<li aria-current=${i === etape ? "step" : undefined}>${e}</li>`)}</ol>
    ${state.error && html`<${Alerte} error=${state.error} />`}
    ${state.payload && html`<${UserErrors} errors=${state.payload.userErrors} />`}
    ${etape === 0 && html`<form onSubmit=${previsualiser} novalidate>
      <p class="avertissement"><strong>Ne sous-estimez pas votre revenu.</strong> ${` Vos cotisations provisionnelles ${an} seront recalculées sur ce montant ; si votre revenu réel est plus élevé, la différence vous sera réclamée lors de la régularisation, l'année prochaine.`}</p>
      <${Champ} label="Adresse électronique (accusé de réception)" type="email" value=${courriel} onInput=${setCourriel}
        aide="Vérifiez-la : l'accusé de réception y sera envoyé. Elle ne remplace pas l'adresse de votre dossier." required />
      <${Champ} label=${`Revenu professionnel estimé ${an} (€)`} value=${montant} onInput=${setMontant} inputmode="decimal"
        aide="Par exemple 32 000 ou 32 000,50." required />
      ${saisie && html`<p class="alerte" role="alert">${saisie}</p>`}
      <${Case} label="J'ai été informé(e) qu'une sous-estimation de mon revenu entraînera une régularisation de mes cotisations."
        checked=${informe} onChange=${setInforme} />
      <div class="boutons"><button type="submit" disabled=${state.busy}>Prévisualiser</button></div>
    </form>`}
    ${etape === 1 && apercu && html`<div>
      <p>Vérifiez le calcul avant de confirmer : rien n'est encore enregistré.</p>
      <${Apercu} payload=${apercu} />
      <div class="boutons">
        <button type="button" onClick=${confirmer} disabled=${state.busy}>Confirmer l'estimation</button>
        <button type="button" class="secondaire" onClick=${modifier}>Modifier</button>
      </div>
    </div>`}
    ${etape === 2 && resultat && html`<div>
      <${Succes}><p>Votre estimation de ${euros(decimalDepuisSaisie(montant))} pour ${an} est enregistrée.
        Un accusé de réception a été envoyé à ${courriel.trim()}.</p></${Succes}>
      <${Apercu} payload=${resultat} />
      ${resultat.avisAppel && html`<p><${Telecharger} url=${resultat.avisAppel.url} nom=${`avis-appel-${an}.pdf`}>Télécharger l'avis d'appel rectificatif<//></p>`}
    </div>`}
  </div>`;
}

function Apercu({ payload }) {
  return html`<div class="apercu">
    ${payload.avertissement && html`<p class="avertissement">${payload.avertissement}</p>`}
    ${payload.baseCalcul && html`<p>Base de calcul : ${payload.baseCalcul}</p>`}
    <div class="tableau" tabindex="0"><table>
      <caption>Cotisations provisionnelles recalculées</caption>
      <thead><tr><th scope="col">Cotisation</th><th scope="col" class="montant">Montant</th></tr></thead>
      <tbody>${(payload.cotisations || []).map((c) => html`<tr>
        <td>${c.libelle}<br /><span class="explication">${c.explication}</span></td><td class="montant">${euros(c.montant)}</td>
      </tr>`)}</tbody>
      <tfoot><tr><th scope="row">Total</th><td class="montant"><strong>${euros(payload.totalCotisations)}</strong></td></tr></tfoot>
    </table></div>
    ${payload.credit && Number(payload.credit) > 0 && html`<p>Crédit de l'année : ${euros(payload.credit)}.</p>`}
    <div class="tableau" tabindex="0"><table>
      <caption>Nouvel échéancier</caption>
      <thead><tr><th scope="col">Échéance</th><th scope="col" class="montant">Montant</th><th scope="col" class="montant">Déjà payé</th></tr></thead>
      <tbody>${(payload.echeancier || []).map((e) => html`<tr>
        <td>${date(e.dateEcheance)}<br /><span class="explication">${libelle("natureEcheance", e.nature)}</span></td><td class="montant">${euros(e.montant)}</td><td class="montant">${euros(e.montantPaye)}</td>
      </tr>`)}</tbody>
    </table></div>
  </div>`;
}

const COTISATIONS = `query Cotisations($id: ID!) {
  node(id: $id) {
    ... on TravailleurClassique {
      cotisations {
        annee baseProvisionnelle totalProvisionnel totalDefinitif regularisation
        provisionnelles { code libelle montant explication }
        definitives { code libelle montant explication }
      }
    }
  }
}`;

const ONGLETS = [
  ["provisionnelles", "Cotisations provisionnelles"],
  ["definitives", "Cotisations définitives"],
  ["recapitulatif", "Récapitulatif des cotisations"],
];

export function Cotisations({ travailleur }) {
  const { data, error, reload } = useQuery(COTISATIONS, { id: travailleur.id });
  const [choix, setChoix] = useState(null);
  const [onglet, setOnglet] = useState("provisionnelles");
  if (error) return html`<${Alerte} error=${error} retry=${reload} />`;
  if (!data) return html`<${Chargement} />`;
  const annees = [...data.node.cotisations].sort((a, b) => b.annee - a.annee);
  if (annees.length === 0) return html`<p>Aucune cotisation calculée.</p>`;
  const an = choix || annees[0].annee;
  const c = annees.find((x) => x.annee === an) || annees[0];
  const lignes = (liste) => html`<div class="tableau" tabindex="0"><table>
    <caption>${ONGLETS.find(([k]) => k === onglet)[1]} ${c.annee}</caption>
    <thead><tr><th scope="col">Cotisation</th><th scope="col" class="montant">Montant</th></tr></thead>
    <tbody>${liste.map((l) => html`<tr><td>${l.libelle}<br /><span class="explication">${l.explication}</span></td><td class="montant">${euros(l.montant)}</td></tr>`)}</tbody>
  </table></div>`;
  const definitif = Object.fromEntries((c.definitives || []).map((l) => [l.code, l.montant]));
  return html`
    <${Choix} label="Année" value=${String(an)} onChange=${(v) => setChoix(Number(v))}
      options=${annees.map((x) => [String(x.annee), String(x.annee)])} />
    <div role="tablist" aria-label="Vues des cotisations">
      ${ONGLETS.map(([key, text]) => html`<button type="button" role="tab" id=${`onglet-${key}`} aria-selected=${onglet === key ? "true" : "false"}
        aria-controls="panneau-cotisations" onClick=${() => setOnglet(key)}>${text}</button>`)}
    </div>
    <div role="tabpanel" id="panneau-cotisations" aria-labelledby=${`onglet-${onglet}`}>
      ${onglet === "provisionnelles" && html`
        ${c.baseProvisionnelle && html`<p>Base de calcul : ${c.baseProvisionnelle}</p>`}
        ${lignes(c.provisionnelles)}
        <p>Total provisionnel : <strong>${euros(c.totalProvisionnel)}</strong></p>`}
      ${onglet === "definitives" && (c.definitives
        ? html`${lignes(c.definitives)}<p>Total définitif : <strong>${euros(c.totalDefinitif)}</strong></p>`
        : html`<p>Les cotisations définitives ${c.annee} seront calculées quand le revenu ${c.annee} sera déclaré.</p>`)}
      ${onglet === "recapitulatif" && html`<div class="tableau" tabindex="0"><table>
        <caption>Récapitulatif ${c.annee}</caption>
        <thead><tr><th scope="col">Cotisation</th><th scope="col" class="montant">Provisionnel</th><th scope="col" class="montant">Définitif</th></tr></thead>
        <tbody>${c.provisionnelles.map((l) => html`<tr><td>${l.libelle}</td><td class="montant">${euros(l.montant)}</td><td class="montant">${euros(definitif[l.code])}</td></tr>`)}</tbody>
        <tfoot>
          <tr><th scope="row">Total</th><td class="montant">${euros(c.totalProvisionnel)}</td><td class="montant">${euros(c.totalDefinitif)}</td></tr>
          <tr><th scope="row">Régularisation</th><td class="montant" colspan="2">${c.regularisation === null ? "—" : euros(c.regularisation)}</td></tr>
        </tfoot>
      </table></div>
      <p class="aide">Régularisation = définitif − provisionnel : positive, elle est due ; négative, c'est un crédit.</p>`}
    </div>`;
}

const ECHEANCES = `query Echeances($id: ID!, $du: Date, $au: Date) {
  node(id: $id) {
    ... on TravailleurClassique {
      echeances(first: 100, du: $du, au: $au) {
        totalCount
        nodes { id annee nature dateEcheance montant montantPaye resteDu statut majorations }
      }
    }
  }
}`;

export function Echeances({ travailleur }) {
  const [periode, setPeriode] = useState(annee(anneeCourante()));
  const { data, error, loading, reload } = useQuery(ECHEANCES, { id: travailleur.id, ...periode });
  // While another period loads, the previous one's rows are not shown under the new dates.
  const liste = !loading && data ? data.node.echeances : null;
  return html`
    <p>Les échéances dues pour la période choisie.</p>
    <${Periode} value=${periode} onChange=${setPeriode} />
    ${error && html`<${Alerte} error=${error} retry=${reload} />`}
    ${loading && html`<${Chargement} />`}
    ${liste && (liste.nodes.length === 0
      ? html`<p>Aucune échéance du ${date(periode.du)} au ${date(periode.au)}.</p>`
      : html`<div class="tableau" tabindex="0"><table>
          <caption>Échéances du ${date(periode.du)} au ${date(periode.au)} (${liste.totalCount})</caption>
          <thead><tr><th scope="col">Date</th><th scope="col">Nature</th><th scope="col" class="montant">Montant</th><th scope="col" class="montant">Reste dû</th><th scope="col">Statut</th></tr></thead>
          <tbody>${liste.nodes.map((e) => html`<tr class=${e.statut === "EN_RETARD" ? "ligne-retard" : ""}>
            <td>${date(e.dateEcheance)}</td>
            <td>${libelle("natureEcheance", e.nature)} ${e.annee}</td>
            <td class="montant">${euros(e.montant)}</td>
            <td class="montant">${euros(e.resteDu)}${Number(e.majorations) > 0 ? html`<br /><span class="explication">+ ${euros(e.majorations)} de majorations</span>` : ""}</td>
            <td>${libelle("statutEcheance", e.statut)}</td>
          </tr>`)}</tbody>
        </table></div>`)}`;
}
