// Pieces shared by the sections of the worker's "Mon compte": the worker's global ID
// and kind, a mutation runner (top-level errors and userErrors kept apart), a period
// picker (du/au), and the year of "today" as the server sees it.
import { html, useState, useCallback } from "./lib.js";
import { gql, idempotencyKey } from "./api.js";
import { Champ } from "./ui.js";
import { date, isoDepuisSaisie } from "./format.js";

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

/** Two dates and a button: the period a list covers ("pour une période donnée").
 * Dates are typed as dd/mm/yyyy whatever the browser's language. */
export function Periode({ value, onChange }) {
  const [du, setDu] = useState(date(value.du));
  const [au, setAu] = useState(date(value.au));
  const [erreur, setErreur] = useState(null);
  const submit = (event) => {
    event.preventDefault();
    const debut = isoDepuisSaisie(du);
    const fin = isoDepuisSaisie(au);
    if (!debut || !fin) {
      setErreur(`${debut ? "Au" : "Du"} : saisissez une date au format jj/mm/aaaa, par exemple 01/01/2026.`);
      return;
    }
    setErreur(null);
    onChange({ du: debut, au: fin });
  };
  return html`<form class="periode" onSubmit=${submit} aria-label="Période" novalidate>
    <${Champ} label="Du" value=${du} onInput=${setDu} placeholder="jj/mm/aaaa" inputmode="numeric" required />
    <${Champ} label="Au" value=${au} onInput=${setAu} placeholder="jj/mm/aaaa" inputmode="numeric" required />
    <div class="boutons"><button type="submit">Afficher</button></div>
    ${erreur && html`<p class="alerte" role="alert">${erreur}</p>`}
  </form>`;
}

/** A list that may be empty: the table, or one sentence saying there is nothing. */
export function Vide({ children }) {
  return html`<p class="vide-liste">${children}</p>`;
}
