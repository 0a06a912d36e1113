// The gateway's web pages: one page at "/", its parts chosen by the address's "#/…".
import { html, render, useState, useEffect, useRef } from "./lib.js";
import { getSession, onSession, deconnecter } from "./api.js";
import { ROUTES, ACCUEIL } from "./routes.js";
import { useRoute, go } from "./router.js";
import { libelle } from "./format.js";
import { Alerte, Chargement } from "./ui.js";

const modules = new Map();

function usePage(name) {
  const route = ROUTES[name];
  const [state, setState] = useState({ component: modules.get(name) || null, error: null });
  useEffect(() => {
    if (!route || modules.has(name)) {
      setState({ component: modules.get(name) || null, error: null });
      return;
    }
    let live = true;
    setState({ component: null, error: null });
    route
      .load()
      .then((module) => {
        modules.set(name, module[route.export]);
        if (live) setState({ component: module[route.export], error: null });
      })
      .catch(() => live && setState({ component: null, error: new Error("La page n'a pas pu être chargée : rechargez-la.") }));
    return () => {
      live = false;
    };
  }, [name]);
  return state;
}

function En_tete({ me }) {
  return html`<header class="en-tete">
    <a class="marque" href=${me ? ACCUEIL[me.role] || "#/" : "#/connexion"}>Mon compte indépendant</a>
    ${me && html`<div class="utilisateur">
      <span><span class="visually-hidden">Connecté : </span>${me.nomAffiche || me.identifiant} · ${libelle("role", me.role)}</span>
      <button type="button" class="secondaire" onClick=${() => deconnecter().then(() => go("#/connexion"))}>Se déconnecter</button>
    </div>`}
  </header>`;
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState(getSession());
  useEffect(() => onSession(setSession), []);
  const me = session && session.me;
  const config = ROUTES[route.page];

  // Where to go when the address does not fit who is (or is not) logged in.
  let redirect = null;
  if (!me && !(config && config.public)) redirect = "#/connexion";
  else if (me && me.motDePasseAChanger && route.page !== "mot-de-passe") redirect = "#/mot-de-passe";
  else if (me && (!config || route.page === "connexion" || (config.roles && !config.roles.includes(me.role)))) {
    redirect = ACCUEIL[me.role] || "#/connexion";
  }
  useEffect(() => {
    if (redirect) go(redirect);
  }, [redirect]);

  const { component: Page, error } = usePage(redirect ? "" : route.page);
  const main = useRef(null);
  useEffect(() => {
    // A new page: move the focus to it, as a page load would (for screen readers).
    if (main.current) main.current.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [route.page, route.params.join("/")]);

  return html`
    <a class="evitement" href="#contenu" onClick=${(e) => { e.preventDefault(); main.current && main.current.focus(); }}>Aller au contenu</a>
    <${En_tete} me=${me} />
    <main id="contenu" tabindex="-1" ref=${main}>
      ${error ? html`<${Alerte} error=${error} />` : Page && !redirect ? html`<${Page} me=${me} route=${route} />` : html`<${Chargement} />`}
    </main>
    <footer class="pied">
      <p>Service en ligne de la caisse · <a href="/graphql">API GraphQL</a> · <a href="/verification">Vérifier une attestation</a></p>
    </footer>`;
}

render(html`<${App} />`, document.getElementById("app"));
