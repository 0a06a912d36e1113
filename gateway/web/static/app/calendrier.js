// The cabinet's calendar: every coming due date and declaration deadline of the
// clients the person sees, for a period (at most 366 days, the API's limit), grouped
// by month then by day. The period is in the address (#/calendrier?du=…&au=…).
import { html, useState, useMemo } from "./lib.js";
import { gql } from "./api.js";
import { euros, date, libelle, MOIS } from "./format.js";
import { href, go } from "./router.js";
import { useQuery, Alerte, Chargement, Choix } from "./ui.js";
import { Periode } from "./compte_commun.js";
import { NavigationCabinet } from "./navigation_cabinet.js";

export const CALENDRIER = `query Calendrier($du: Date!, $au: Date!, $first: Int!, $after: String) {
  calendrierCabinet(du: $du, au: $au, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { date type libelle annee periode travailleurId travailleur { nom prenom }
      echeance { montant resteDu statut } }
  }
}`;

const JOURS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
const two = (n) => String(n).padStart(2, "0");
const majuscule = (text) => text.charAt(0).toUpperCase() + text.slice(1);

function jour(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function isoDe(d) {
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
}

/** Today in the browser's time zone, as the API's ISO date. */
export function aujourdhui(now = new Date()) {
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

/** A period starting `du`, lasting `jours` days or `mois` months (both ends included):
 * to the day before the same date `mois` months later, or to the end of that month
 * when it has no such date (from 31 January, a month ends on 28 or 29 February). */
export function periode(du, { jours = 0, mois = 0 }) {
  const d = jour(du);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + mois;
  const dernier = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const fin = d.getUTCDate() > dernier ? dernier : d.getUTCDate() + jours - 1;
  return { du, au: isoDe(new Date(Date.UTC(y, m, fin))) };
}

const PERIODES = [
  ["30 jours", { jours: 30 }],
  ["3 mois", { mois: 3 }],
  ["6 mois", { mois: 6 }],
  ["12 mois", { mois: 12 }],
];

/** Money without floats: a Decimal string ↔ whole cents. */
function centimes(value) {
  const text = String(value);
  const [whole, fraction = ""] = text.replace("-", "").split(".");
  const cents = Number(whole) * 100 + Number(`${fraction}00`.slice(0, 2));
  return text.startsWith("-") ? -cents : cents;
}

function decimal(cents) {
  const a = Math.abs(cents);
  return `${cents < 0 ? "-" : ""}${Math.floor(a / 100)}.${two(a % 100)}`;
}

/** Events in the API's order (date, then client) → months → days. */
export function parMois(nodes) {
  const mois = [];
  for (const n of nodes) {
    const cle = n.date.slice(0, 7);
    let m = mois[mois.length - 1];
    if (!m || m.cle !== cle) mois.push((m = { cle, jours: [] }));
    let j = m.jours[m.jours.length - 1];
    if (!j || j.date !== n.date) m.jours.push((j = { date: n.date, evenements: [] }));
    j.evenements.push(n);
  }
  return mois;
}

/** What a set of events adds up to: instalments, what is left to pay on them, declarations. */
function totaux(nodes) {
  const echeances = nodes.filter((n) => n.echeance);
  return {
    echeances: echeances.length,
    resteDu: decimal(echeances.reduce((sum, n) => sum + centimes(n.echeance.resteDu), 0)),
    declarations: nodes.length - echeances.length,
    clients: new Set(nodes.map((n) => n.travailleurId)).size,
  };
}

const pluriel = (n, mot) => `${n} ${mot}${n > 1 ? "s" : ""}`;

function resume(t) {
  const parts = [];
  if (t.echeances) parts.push(`${pluriel(t.echeances, "échéance")} : ${euros(t.resteDu)}`);
  if (t.declarations) parts.push(pluriel(t.declarations, "déclaration"));
  return parts.join(" · ");
}

function Evenement({ n }) {
  const client = n.travailleur ? `${n.travailleur.nom} ${n.travailleur.prenom}` : "Client";
  const e = n.echeance;
  return html`<li class="evenement">
    <a class="client" href=${href("client", n.travailleurId)}>${client}</a>
    <span class="objet">${n.libelle}${e && e.statut !== "A_VENIR" && html` <span class="badge gris">${libelle("statutEcheance", e.statut)}</span>`}</span>
    <span class="somme">${e ? html`${euros(e.resteDu)}${e.resteDu !== e.montant ? html`<br /><span class="aide">sur ${euros(e.montant)}</span>` : ""}`
      : html`<span class="badge orange">À déclarer</span>`}</span>
  </li>`;
}

function Mois({ m }) {
  const [y, mo] = m.cle.split("-").map(Number);
  const titre = `${majuscule(MOIS[mo - 1])} ${y}`;
  const id = `mois-${m.cle}`;
  return html`<section class="mois-calendrier" aria-labelledby=${id}>
    <h2 id=${id}>${titre}</h2>
    <p class="aide">${resume(totaux(m.jours.flatMap((j) => j.evenements)))}</p>
    ${m.jours.map((j) => {
      const jourId = `jour-${j.date}`;
      return html`<section class="jour" key=${j.date} aria-labelledby=${jourId}>
        <div class="barre-jour">
          <h3 id=${jourId}>${majuscule(JOURS[jour(j.date).getUTCDay()])} ${date(j.date)}</h3>
          <p class="aide">${resume(totaux(j.evenements))}</p>
        </div>
        <ul class="evenements">${j.evenements.map((n, i) => html`<${Evenement} key=${i} n=${n} />`)}</ul>
      </section>`;
    })}
  </section>`;
}

const adresse = (p) => `${href("calendrier")}?du=${p.du}&au=${p.au}`;

function ChoixPeriode({ du, au }) {
  return html`<div class="carte choix-periode">
    <${Periode} key=${`${du}|${au}`} value=${{ du, au }} onChange=${(p) => go(adresse(p))} />
    <p class="aide">366 jours au plus. À partir d'aujourd'hui :</p>
    <div class="boutons" role="group" aria-label="Périodes à partir d'aujourd'hui">
      ${PERIODES.map(([label, duree]) => {
        const p = periode(aujourdhui(), duree);
        return html`<a class="bouton-lien" href=${adresse(p)}
          aria-current=${p.du === du && p.au === au ? "true" : undefined}>${label}</a>`;
      })}
    </div>
  </div>`;
}

const AFFICHAGES = [
  ["", "Échéances et déclarations"],
  ["echeances", "Échéances de cotisations"],
  ["declarations", "Déclarations à faire"],
];

export function CalendrierCabinet({ route }) {
  const defaut = periode(aujourdhui(), { mois: 3 });
  const du = route.query.du || defaut.du;
  const au = route.query.au || defaut.au;
  const [taille, setTaille] = useState("500");
  const [affichage, setAffichage] = useState("");
  const { data, error, loading, reload } = useQuery(CALENDRIER, { du, au, first: Number(taille) });
  // The period of the answer on screen: an answer only ever arrives for the latest
  // variables, so they are those of the render where `data` changed (a refused period
  // leaves the previous calendar under its own dates).
  const affiche = useMemo(() => ({ du, au, first: Number(taille) }), [data]);

  // "Afficher la suite": the next pages of the answer on screen, appended (kept with
  // the answer they continue, so a new answer starts again from its first page).
  const [suite, setSuite] = useState({ pour: null, pages: [], busy: false, error: null });
  const extra = suite.pour === data ? suite : { pour: data, pages: [], busy: false, error: null };
  const pages = data ? [data.calendrierCabinet, ...extra.pages] : [];
  const derniere = pages[pages.length - 1];
  const nodes = pages.flatMap((p) => p.nodes);
  const plus = async () => {
    const pour = data;
    setSuite({ ...extra, busy: true, error: null });
    const meme = (change) => (s) => (s.pour === pour ? change(s) : s);
    try {
      const { calendrierCabinet } = await gql(CALENDRIER, { ...affiche, after: derniere.pageInfo.endCursor });
      setSuite(meme((s) => ({ ...s, pages: [...s.pages, calendrierCabinet], busy: false })));
    } catch (e) {
      setSuite(meme((s) => ({ ...s, busy: false, error: e })));
    }
  };

  const montres = nodes.filter((n) => (affichage === "echeances" ? n.echeance : affichage === "declarations" ? !n.echeance : true));
  const t = totaux(montres);
  const total = data ? data.calendrierCabinet.totalCount : 0;
  const complet = derniere && !derniere.pageInfo.hasNextPage;

  return html`<section class="calendrier-cabinet">
    <${NavigationCabinet} current="calendrier" />
    <div class="barre">
      <h1>Calendrier des échéances</h1>
      <div class="boutons">
        <button type="button" class="secondaire" onClick=${() => reload()} disabled=${loading}>Actualiser</button>
      </div>
    </div>
    <p class="aide">Les échéances de cotisations à venir de vos clients et les déclarations qu'ils n'ont pas encore faites, jour par jour.</p>
    <${ChoixPeriode} du=${du} au=${au} />
    <${Alerte} error=${error} retry=${error && error.code === "BAD_USER_INPUT" ? null : reload} />
    <p class="aide" role="status" aria-live="polite">${loading ? "Chargement…" : data
      ? `${pluriel(total, "événement")} du ${date(affiche.du)} au ${date(affiche.au)}${complet ? "" : ` (${nodes.length} affichés)`}`
      : ""}</p>
    ${data && html`<div class="reglages">
      <${Choix} label="Afficher" value=${affichage} onChange=${setAffichage} options=${AFFICHAGES} />
      <${Choix} label="Événements par page" value=${taille} onChange=${setTaille}
        options=${[["50", "50"], ["100", "100"], ["200", "200"], ["500", "500"]]} />
    </div>
    <dl class="chiffres" aria-label=${complet ? "Totaux de la période" : "Totaux des événements affichés"}>
      <div><dt>Échéances de cotisations</dt><dd>${t.echeances}</dd></div>
      <div><dt>Reste à payer</dt><dd>${euros(t.resteDu)}</dd></div>
      <div><dt>Déclarations à faire</dt><dd>${t.declarations}</dd></div>
      <div><dt>Clients concernés</dt><dd>${t.clients}</dd></div>
    </dl>
    ${montres.length === 0 ? html`<p class="carte">Aucune échéance ni déclaration sur cette période.</p>`
      : parMois(montres).map((m) => html`<${Mois} key=${m.cle} m=${m} />`)}
    <${Alerte} error=${extra.error} retry=${plus} />
    ${!complet && html`<div class="boutons">
      <button type="button" onClick=${plus} disabled=${extra.busy}>${extra.busy ? "Chargement…" : `Afficher la suite (${total - nodes.length} restants)`}</button>
    </div>`}`}
    ${!data && !error && html`<${Chargement} />`}
  </section>`;
}
