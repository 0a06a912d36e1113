// Live updates: a page follows the accounts it shows through a GraphQL subscription
// over the gateway's WebSocket (protocol graphql-transport-ws, spoken by the vendored
// graphql-ws client), and reads its query again when one of them changed.
//
// No change is missed between the page's read and the subscription: the page first
// reads where the change feed ends (`curseurEvenements`), then its data, and subscribes
// from that cursor (`depuis`), so a change committed meanwhile is still delivered.
// The socket is shared by the pages of the tab; the token goes in connection_init.
// A lost connection is opened again after a growing, jittered wait (1 s, 2 s, 4 s …
// 30 s), and the page's data read again (changes made in between were not delivered).
// A refusal is final until the person asks again (« Actualiser »): an expired or
// invalid token (4401), an account no longer visible (4403), an operation refused.
import { html, useState, useEffect } from "./lib.js";
import { createClient } from "../vendor/graphql-ws@6.4.2/client.js";
import { gql, freshToken, onSession } from "./api.js";

const CURSEUR = "query Curseur { curseurEvenements }";
/** Events of one burst (a batch action, a day's job) are read as one. */
const REGROUPEMENT_MS = 300;
const ATTENTE_MIN_MS = 1000;
const ATTENTE_MAX_MS = 30_000;
/** Close codes after which trying again cannot help. */
const DEFINITIF = new Set([4401, 4403]);

let client = null;
let connecte = false;
const ecouteurs = new Set();

function changer(etat) {
  connecte = etat;
  ecouteurs.forEach((ecouteur) => ecouteur());
}

function socket() {
  if (client) return client;
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const current = createClient({
    url: `${scheme}//${window.location.host}/graphql`,
    connectionParams: async () => ({ Authorization: `Bearer ${await freshToken()}` }),
    // Reconnection is the page's (below): it must read its cursor and data again.
    retryAttempts: 0,
    // One socket across the pages of the tab: kept a moment when a page is left.
    lazyCloseTimeout: 3000,
    keepAlive: 25_000,
    on: {
      connected: () => client === current && changer(true),
      closed: () => client === current && changer(false),
    },
  });
  client = current;
  return client;
}

onSession((session) => {
  if (session || !client) return;
  // A connection still opening may be refused (the token is gone): nothing to report.
  client.dispose().catch(() => {});
  client = null;
  changer(false);
});

/**
 * Follows `subscription` (with `variables`, plus `depuis`) while the page is shown.
 * Returns `pret` (the cursor is read: the page may read its data), `revision` (grows,
 * a burst at a time, when the accounts shown changed: pass it to useQuery), `etat`
 * ("direct", "connexion" or "interrompu"), `reprendre()` (after an interruption) and
 * `actualiser()`.
 */
export function useEnDirect(subscription, variables, { skip = false } = {}) {
  const key = JSON.stringify(variables);
  const [etat, setEtat] = useState("connexion");
  const [revision, setRevision] = useState(0);
  const [pretPour, setPretPour] = useState(null);
  const [essai, setEssai] = useState(0);
  const [, redessiner] = useState(0);

  useEffect(() => {
    if (skip) return undefined;
    let fini = false;
    let arreter = null;
    let attente = null;
    let regroupement = null;
    let echecs = 0;
    const surConnexion = () => {
      if (connecte) echecs = 0;
      redessiner((n) => n + 1);
    };
    ecouteurs.add(surConnexion);

    const relire = () => {
      if (regroupement !== null) return;
      regroupement = setTimeout(() => {
        regroupement = null;
        if (!fini) setRevision((n) => n + 1);
      }, REGROUPEMENT_MS);
    };
    const reessayer = () => {
      setEtat("connexion");
      const delai = Math.min(ATTENTE_MAX_MS, ATTENTE_MIN_MS * 2 ** echecs) * (0.5 + Math.random() / 2);
      echecs += 1;
      attente = setTimeout(() => {
        attente = null;
        if (!fini) demarrer(true);
      }, delai);
    };
    async function demarrer(reprise) {
      let depuis;
      try {
        depuis = (await gql(CURSEUR)).curseurEvenements;
      } catch {
        if (fini) return;
        setPretPour(key); // the page reads (and says) what it can; live waits
        reessayer();
        return;
      }
      if (fini) return;
      setPretPour(key);
      if (reprise) relire();
      arreter = socket().subscribe(
        { query: subscription, variables: { ...variables, depuis } },
        {
          next: (result) => result.data && relire(),
          error: (raison) => {
            arreter = null;
            if (fini) return;
            if (Array.isArray(raison) || DEFINITIF.has(raison && raison.code)) setEtat("interrompu");
            else reessayer();
          },
          complete: () => {
            arreter = null;
            if (!fini) reessayer();
          },
        },
      );
      setEtat("abonne");
    }
    setEtat("connexion");
    demarrer(essai > 0);
    return () => {
      fini = true;
      ecouteurs.delete(surConnexion);
      clearTimeout(attente);
      clearTimeout(regroupement);
      if (arreter) arreter();
    };
  }, [subscription, key, skip, essai]);

  const shown = etat === "abonne" ? (connecte ? "direct" : "connexion") : etat;
  return {
    pret: !skip && pretPour === key,
    revision,
    etat: skip ? "connexion" : shown,
    reprendre: () => shown === "interrompu" && setEssai((n) => n + 1),
    /** Reads the page again (quietly), and follows again after an interruption. */
    actualiser: () => (shown === "interrompu" ? setEssai((n) => n + 1) : setRevision((n) => n + 1)),
  };
}

const TEXTE = {
  direct: "En direct",
  connexion: "Connexion au direct…",
  interrompu: "Mises à jour en direct interrompues",
};

/** The discreet state of the live updates, beside the page's « Actualiser » button. */
export function EtatDirect({ etat }) {
  // Announced when it changes (aria-live), without being the page's "status": that
  // role is the answer of the form just sent.
  return html`<span class=${`direct direct-${etat}`} aria-live="polite"
    title=${etat === "interrompu" ? "« Actualiser » relit la page et reprend les mises à jour en direct." : undefined}
    >${TEXTE[etat]}</span>`;
}
