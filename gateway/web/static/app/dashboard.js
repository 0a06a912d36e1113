// The cabinet's portfolio: up to 500 clients a page with their indicators, the API's
// filters and sorts, the totals (`resume`), search as you type, CSV export, and the
// batch forms for the selected clients.
import { html, useState, useEffect, useRef } from "./lib.js";
import { gql, enregistrer } from "./api.js";
import { euros, date, libelle, nombre } from "./format.js";
import { href } from "./router.js";
import { useQuery, Alerte, Chargement, Choix, Case } from "./ui.js";
import { Lot } from "./batch.js";
import { useEnDirect, EtatDirect } from "./live.js";
import { NavigationCabinet } from "./navigation_cabinet.js";

const CLIENT = `id nom prenom nir courriel regime situation statut
  etablissements { siret enseigne principal }`;
const INDICATEURS = `montantEnRetard duCeMois prochaineEcheance declarationsManquantes
  planDenonce attestationVigilanceObtenable aSurveiller`;

export const PORTFOLIO = `query Portefeuille($first: Int!, $after: String, $filtre: PortfolioFiltre, $tri: PortfolioTri) {
  portfolio(first: $first, after: $after, filtre: $filtre, tri: $tri) {
    totalCount
    pageInfo { hasNextPage endCursor }
    resume { nombreClients montantEnRetard duCeMois clientsEnRetard clientsDeclarationsManquantes
      clientsPlanDenonce clientsASurveiller clientsAttestationVigilanceObtenable }
    edges { indicateurs { ${INDICATEURS} } node { ${CLIENT} } }
  }
}`;

// Any change to a client of the cabinet: read the page again (below, why).
const EN_DIRECT = `subscription Portefeuille($depuis: String) {
  evenementsPortefeuille(depuis: $depuis) { sequence }
}`;

const COLLABORATEURS = `query Collaborateurs { collaborateurs(first: 100) { nodes { id nom actif } } }`;

const VIDE = {
  recherche: "",
  situations: [],
  regime: "",
  enRetard: false,
  aSurveiller: false,
  vigilance: "",
  prochaineEcheanceAvant: "",
  collaborateurId: "",
};

/** The form's state → the API's PortfolioFiltre (only what is set). */
export function filtreApi(f) {
  const filtre = {};
  if (f.recherche.trim()) filtre.recherche = f.recherche.trim();
  if (f.situations.length) filtre.situations = f.situations;
  if (f.regime) filtre.regime = f.regime;
  if (f.enRetard) filtre.enRetard = true;
  if (f.aSurveiller) filtre.aSurveiller = true;
  if (f.vigilance) filtre.attestationVigilanceObtenable = f.vigilance === "oui";
  if (f.prochaineEcheanceAvant) filtre.prochaineEcheanceAvant = f.prochaineEcheanceAvant;
  if (f.collaborateurId) filtre.collaborateurId = f.collaborateurId;
  return filtre;
}

function useDebounced(value, ms) {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function Resume({ resume }) {
  const items = [
    ["Clients", resume.nombreClients],
    ["Montant en retard", euros(resume.montantEnRetard)],
    ["Dû ce mois-ci", euros(resume.duCeMois)],
    ["Clients en retard", resume.clientsEnRetard],
    ["Clients à surveiller", resume.clientsASurveiller],
    ["Déclarations manquantes", resume.clientsDeclarationsManquantes],
    ["Plans dénoncés", resume.clientsPlanDenonce],
    ["Vigilance obtenable", resume.clientsAttestationVigilanceObtenable],
  ];
  return html`<dl class="chiffres" aria-label="Totaux du portefeuille filtré">
    ${items.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}
  </dl>`;
}

function Filtres({ filtres, set, collaborateurs }) {
  const update = (key) => (value) => set({ ...filtres, [key]: value });
  const toggleSituation = (situation, on) =>
    set({ ...filtres, situations: on ? [...filtres.situations, situation] : filtres.situations.filter((s) => s !== situation) });
  return html`<details class="carte" open>
    <summary><strong>Filtres</strong></summary>
    <div class="filtres">
      <div class="champ">
        <label for="recherche">Rechercher</label>
        <input id="recherche" type="search" value=${filtres.recherche} autocomplete="off"
          aria-describedby="recherche-aide" onInput=${(e) => update("recherche")(e.currentTarget.value)} />
        <p class="aide" id="recherche-aide">Nom, prénom, ou une partie du NIR ou du SIRET</p>
      </div>
      <${Choix} label="Régime" value=${filtres.regime} onChange=${update("regime")}
        options=${[["", "Tous"], ["CLASSIQUE", "Classique"], ["MICRO", "Micro-entrepreneur"]]} />
      <${Choix} label="Attestation de vigilance" value=${filtres.vigilance} onChange=${update("vigilance")}
        options=${[["", "Peu importe"], ["oui", "Obtenable"], ["non", "Non obtenable"]]} />
      <div class="champ">
        <label for="echeance-avant">Prochaine échéance avant le</label>
        <input id="echeance-avant" type="date" value=${filtres.prochaineEcheanceAvant}
          onInput=${(e) => update("prochaineEcheanceAvant")(e.currentTarget.value)} />
      </div>
      ${collaborateurs && html`<${Choix} label="Collaborateur" value=${filtres.collaborateurId} onChange=${update("collaborateurId")}
        options=${[["", "Tous"], ...collaborateurs.map((c) => [c.id, c.nom])]} />`}
      <fieldset>
        <legend>Situation</legend>
        ${["ACTIF", "RADIE", "RETRAITE"].map((s) => html`<${Case} label=${libelle("situation", s)}
          checked=${filtres.situations.includes(s)} onChange=${(on) => toggleSituation(s, on)} />`)}
      </fieldset>
      <fieldset>
        <legend>Suivi</legend>
        <${Case} label="En retard" checked=${filtres.enRetard} onChange=${update("enRetard")} />
        <${Case} label="À surveiller" checked=${filtres.aSurveiller} onChange=${update("aSurveiller")} />
      </fieldset>
    </div>
    <div class="boutons"><button type="button" class="secondaire" onClick=${() => set(VIDE)}>Effacer les filtres</button></div>
  </details>`;
}


function EnTeteTri({ label, champ, tri, setTri, className }) {
  const actif = tri.champ === champ;
  const sens = actif ? tri.sens : null;
  const suivant = actif && sens === "ASC" ? "DESC" : "ASC";
  return html`<th class=${className} aria-sort=${actif ? (sens === "DESC" ? "descending" : "ascending") : "none"} scope="col">
    <button type="button" class="tri" onClick=${() => setTri({ champ, sens: suivant })}>
      ${label}${actif ? (sens === "DESC" ? " ↓" : " ↑") : ""}
    </button>
  </th>`;
}

function Indicateurs({ i }) {
  return html`${i.aSurveiller && html`<span class="badge orange">À surveiller</span> `}
    ${i.declarationsManquantes && html`<span class="badge rouge">Déclaration manquante</span> `}
    ${i.planDenonce && html`<span class="badge rouge">Plan dénoncé</span> `}`;
}

function Tableau({ edges, selection, toggle, toggleAll, tri, setTri }) {
  const tous = edges.length > 0 && edges.every((e) => selection.has(e.node.id));
  return html`<div class="tableau" tabindex="0">
    <table>
      <caption>Clients du portefeuille</caption>
      <thead><tr>
        <th scope="col"><input type="checkbox" aria-label="Sélectionner tous les clients de la page" checked=${tous}
          onChange=${(e) => toggleAll(e.currentTarget.checked)} /></th>
        <${EnTeteTri} label="Client" champ="NOM" tri=${tri} setTri=${setTri} />
        <th scope="col">Situation</th>
        <${EnTeteTri} label="En retard" champ="MONTANT_EN_RETARD" tri=${tri} setTri=${setTri} className="montant" />
        <th scope="col" class="montant">Dû ce mois</th>
        <${EnTeteTri} label="Prochaine échéance" champ="PROCHAINE_ECHEANCE" tri=${tri} setTri=${setTri} />
        <th scope="col">Vigilance</th>
        <th scope="col">Suivi</th>
      </tr></thead>
      <tbody>
        ${edges.map(({ node, indicateurs: i }) => html`<tr key=${node.id} class=${Number(i.montantEnRetard) > 0 ? "ligne-retard" : ""}>
          <td><input type="checkbox" aria-label=${`Sélectionner ${node.prenom} ${node.nom}`} checked=${selection.has(node.id)}
            onChange=${(e) => toggle(node, e.currentTarget.checked)} /></td>
          <td><a href=${href("client", node.id)}>${node.nom} ${node.prenom}</a><br />
            <span class="aide">${libelle("regime", node.regime)} · ${(node.etablissements.find((e) => e.principal) || node.etablissements[0] || {}).enseigne || ""}</span></td>
          <td>${libelle("situation", node.situation)}</td>
          <td class="montant">${euros(i.montantEnRetard)}</td>
          <td class="montant">${euros(i.duCeMois)}</td>
          <td>${date(i.prochaineEcheance)}</td>
          <td>${i.attestationVigilanceObtenable ? html`<span class="badge vert">Obtenable</span>` : html`<span class="badge gris">Non</span>`}</td>
          <td><${Indicateurs} i=${i} /></td>
        </tr>`)}
      </tbody>
    </table>
  </div>`;
}

// CSV for a French spreadsheet: ";" between fields, decimal comma, UTF-8 with a BOM.
const CSV_COLONNES = [
  ["Nom", (n) => n.nom], ["Prénom", (n) => n.prenom], ["NIR", (n) => n.nir],
  ["SIRET", (n) => (n.etablissements.find((e) => e.principal) || n.etablissements[0] || {}).siret || ""],
  ["Régime", (n) => libelle("regime", n.regime)], ["Situation", (n) => libelle("situation", n.situation)],
  ["Montant en retard", (n, i) => nombre(i.montantEnRetard).replace(/\u00a0/g, "")],
  ["Dû ce mois", (n, i) => nombre(i.duCeMois).replace(/\u00a0/g, "")],
  ["Prochaine échéance", (n, i) => date(i.prochaineEcheance).replace("—", "")],
  ["Vigilance obtenable", (n, i) => (i.attestationVigilanceObtenable ? "oui" : "non")],
  ["À surveiller", (n, i) => (i.aSurveiller ? "oui" : "non")],
  ["Déclarations manquantes", (n, i) => (i.declarationsManquantes ? "oui" : "non")],
  ["Plan dénoncé", (n, i) => (i.planDenonce ? "oui" : "non")],
];

function cellule(value) {
  let text = String(value ?? "");
  // A cell starting like a formula would be run by the spreadsheet.
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
  return /[";\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv(edges) {
  const lines = [CSV_COLONNES.map(([name]) => cellule(name)).join(";")];
  for (const { node, indicateurs } of edges) {
    lines.push(CSV_COLONNES.map(([, get]) => cellule(get(node, indicateurs))).join(";"));
  }
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

/** Every page of the filtered portfolio, 500 at a time, in the table's order. */
async function toutLePortefeuille(filtre, tri) {
  const edges = [];
  let after = null;
  for (;;) {
    const { portfolio } = await gql(PORTFOLIO, { first: 500, after, filtre, tri });
    edges.push(...portfolio.edges);
    if (!portfolio.pageInfo.hasNextPage) return edges;
    after = portfolio.pageInfo.endCursor;
  }
}

export function Portefeuille({ me }) {
  const [filtres, setFiltres] = useState(VIDE);
  const [tri, setTri] = useState({ champ: "NOM", sens: "ASC" });
  const [taille, setTaille] = useState("500");
  const [curseurs, setCurseurs] = useState([null]); // the cursor of each page seen
  const [selection, setSelection] = useState(new Map());
  const [export_, setExport] = useState({ busy: false, error: null });
  const [lot, setLot] = useState(false);

  // Search as you type: the other filters apply at once, the text after a pause.
  const recherche = useDebounced(filtres.recherche, 250);
  const filtre = filtreApi({ ...filtres, recherche });
  const filtreCle = JSON.stringify([filtre, tri, taille]);
  const premier = useRef(true);
  useEffect(() => {
    if (premier.current) premier.current = false;
    else setCurseurs([null]);
  }, [filtreCle]);

  const after = curseurs[curseurs.length - 1];
  // Live: on a change, the page's own query is read again (the burst's events as one)
  // rather than the changed client's row alone: a change may move the client in the
  // sort, in or out of the filter, and changes the totals of the whole filtered
  // portfolio, which a client off this page changes too. One read per burst keeps the
  // table exactly what a reload would show.
  const live = useEnDirect(EN_DIRECT, {});
  const { data, error, loading, reload } = useQuery(
    PORTFOLIO, { first: Number(taille), after, filtre, tri }, { skip: !live.pret, revision: live.revision },
  );
  const collaborateurs = useQuery(COLLABORATEURS, {}, { skip: !me.administrateurCabinet });
  const portfolio = data && data.portfolio;

  const toggle = (node, on) => {
    const next = new Map(selection);
    if (on) next.set(node.id, node);
    else next.delete(node.id);
    setSelection(next);
  };
  const toggleAll = (on) => {
    const next = new Map(selection);
    for (const { node } of portfolio.edges) {
      if (on) next.set(node.id, node);
      else next.delete(node.id);
    }
    setSelection(next);
  };
  const exporter = async () => {
    setExport({ busy: true, error: null });
    try {
      const edges = await toutLePortefeuille(filtre, tri);
      enregistrer(new Blob([csv(edges)], { type: "text/csv;charset=utf-8" }), "portefeuille.csv");
      setExport({ busy: false, error: null });
    } catch (e) {
      setExport({ busy: false, error: e });
    }
  };

  return html`<section>
    <${NavigationCabinet} current="portefeuille" />
    <div class="barre">
      <h1>Portefeuille${me.administrateurCabinet ? "" : " (mes clients)"}</h1>
      <div class="boutons">
        <${EtatDirect} etat=${live.etat} />
        <button type="button" class="secondaire" onClick=${() => { reload(); live.reprendre(); }} disabled=${loading}>Actualiser</button>
        <button type="button" class="secondaire" onClick=${exporter} disabled=${export_.busy || !portfolio}>
          ${export_.busy ? "Export…" : "Exporter en CSV"}</button>
      </div>
    </div>
    <${Alerte} error=${export_.error} />
    ${portfolio && html`<${Resume} resume=${portfolio.resume} />`}
    <${Filtres} filtres=${filtres} set=${setFiltres}
      collaborateurs=${collaborateurs.data && collaborateurs.data.collaborateurs.nodes} />
    <${Alerte} error=${error} retry=${reload} />
    ${selection.size > 0 && html`<div class="carte barre">
      <p><strong>${selection.size}</strong> client${selection.size > 1 ? "s" : ""} sélectionné${selection.size > 1 ? "s" : ""}</p>
      <div class="boutons">
        <button type="button" onClick=${() => setLot(true)}>Actions groupées</button>
        <button type="button" class="secondaire" onClick=${() => { setSelection(new Map()); setLot(false); }}>Vider la sélection</button>
      </div>
    </div>`}
    ${lot && selection.size > 0 && html`<${Lot} clients=${[...selection.values()]} onClose=${() => setLot(false)} onDone=${reload} />`}
    <p class="aide" role="status" aria-live="polite">${loading ? "Chargement…" : portfolio ? `${portfolio.totalCount} client${portfolio.totalCount > 1 ? "s" : ""} trouvé${portfolio.totalCount > 1 ? "s" : ""}` : ""}</p>
    ${portfolio ? html`<${Tableau} edges=${portfolio.edges} selection=${selection} toggle=${toggle} toggleAll=${toggleAll} tri=${tri} setTri=${setTri} />`
      : !error && html`<${Chargement} />`}
    ${portfolio && html`<div class="pagination">
      <${Choix} label="Clients par page" value=${taille} onChange=${setTaille}
        options=${[["50", "50"], ["100", "100"], ["200", "200"], ["500", "500"]]} />
      <button type="button" class="secondaire" disabled=${curseurs.length < 2}
        onClick=${() => setCurseurs(curseurs.slice(0, -1))}>Page précédente</button>
      <span>Page ${curseurs.length}</span>
      <button type="button" class="secondaire" disabled=${!portfolio.pageInfo.hasNextPage}
        onClick=${() => setCurseurs([...curseurs, portfolio.pageInfo.endCursor])}>Page suivante</button>
    </div>`}
  </section>`;
}

