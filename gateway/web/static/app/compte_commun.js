// Pieces shared by the sections of the worker's "Mon compte": the worker's global ID
// and kind, a mutation runner (top-level errors and userErrors kept apart), a period
// picker (du/au), and the year of "today" as the server sees it.
import { html, useState, useCallback } from "./lib.js";
import { gql, idempotencyKey } from "./api.js";
import { Champ } from "./ui.js";

/** Runs a mutation; `state.payload` is its payload, `state.error` a top-level failure. */
export function useMutation(query) {
  const [state, setState] = useState({ busy: false, payload: null, error: null });
  const run = useCallback(
    async (input) => {
      setState({ busy: true, payload: null, error: null });
      try {
        const data = await gql(query, { input });
        const payload = Object.values(data)[0];
        setState({ busy: false, payload, error: null });
        return payload;
      } catch (error) {
        setState({ busy: false, payload: null, error });
        return null;
      }
    },
    [query],
  );
  const reset = useCallback(() => setState({ busy: false, payload: null, error: null }), []);
  return [run, state, reset];
}

export function ok(payload) {
  return Boolean(payload && (!payload.userErrors || payload.userErrors.length === 0));
}

export { idempotencyKey };

export function anneeCourante() {
  return new Date().getFullYear();
}

/** The first and last day of a year, as the API's ISO dates. */
export function annee(an) {
  return { du: `${an}-01-01`, au: `${an}-12-31` };
}

/** Two dates and a button: the period a list covers ("pour une période donnée"). */
export function Periode({ value, onChange }) {
  const [du, setDu] = useState(value.du);
  const [au, setAu] = useState(value.au);
  const submit = (event) => {
    event.preventDefault();
    onChange({ du, au });
  };
  return html`<form class="periode" onSubmit=${submit} aria-label="Période">
    <${Champ} label="Du" type="date" value=${du} onInput=${setDu} required />
    <${Champ} label="Au" type="date" value=${au} onInput=${setAu} required />
    <div class="boutons"><button type="submit">Afficher</button></div>
  </form>`;
}

/** A list that may be empty: the table, or one sentence saying there is nothing. */
export function Vide({ children }) {
  return html`<p class="vide-liste">${children}</p>`;
}

/** A document link from the API → its path on this server. The API writes links under
 * the configured public address; the page fetches from its own origin (connect-src
 * 'self'), which is that same server whatever name the browser used to reach it. */
export function chemin(url) {
  const parsed = new URL(url, window.location.href);
  return `${parsed.pathname}${parsed.search}`;
}
