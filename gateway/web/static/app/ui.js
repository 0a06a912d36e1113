// Shared pieces of the pages: loading a query, showing errors and userErrors,
// form fields with their labels, the download button.
import { html, useState, useEffect, useRef, useCallback, createContext, useContext } from "./lib.js";
import { gql, telecharger } from "./api.js";

/** A number that grows when the account shown changed (live updates, see live.js):
 * the queries below it are read again, quietly. */
export const Revision = createContext(0);

/**
 * Runs a query when `variables` change (by value); `reload()` runs it again.
 * Answers arriving out of order are ignored: only the last request counts.
 * When `revision` (by default the Revision context) grows, the query is read again
 * without showing a loading state: the page keeps what it shows until the answer.
 */
export function useQuery(query, variables, { skip = false, revision } = {}) {
  const [state, setState] = useState({ loading: !skip, data: null, error: null });
  const serial = useRef(0);
  const key = JSON.stringify(variables);
  const context = useContext(Revision);
  const current = revision === undefined ? context : revision;
  const seen = useRef(current);
  const run = useCallback((quiet = false) => {
    const mine = ++serial.current;
    const controller = new AbortController();
    if (!quiet) setState((previous) => ({ ...previous, loading: true, error: null }));
    gql(query, variables, { signal: controller.signal })
      .then((data) => mine === serial.current && setState({ loading: false, data, error: null }))
      .catch((error) => {
        if (error.name === "AbortError" || mine !== serial.current) return;
        setState((previous) => ({ loading: false, data: previous.data, error }));
      });
    return controller;
  }, [query, key]);
  useEffect(() => {
    if (skip) return undefined;
    seen.current = current;
    const controller = run();
    return () => controller.abort();
  }, [run, skip]);
  useEffect(() => {
    if (skip || current === seen.current) return undefined;
    seen.current = current;
    const controller = run(true);
    return () => controller.abort();
  }, [current]);
  return { ...state, reload: () => run() };
}

/** A top-level failure, said in French, with a way to try again. */
export function Alerte({ error, retry }) {
  if (!error) return null;
  return html`<div class="alerte" role="alert">
    <p>${error.message || String(error)}</p>
    ${retry && html`<button type="button" class="secondaire" onClick=${() => retry()}>Réessayer</button>`}
  </div>`;
}

/** The field a userError names, without the mutation's "input" wrapper. */
function champ(field) {
  const path = field && field[0] === "input" ? field.slice(1) : field || [];
  return path.join(".");
}

/** The refusals of a mutation, each naming its field. */
export function UserErrors({ errors }) {
  if (!errors || !errors.length) return null;
  return html`<div class="alerte" role="alert">
    <p>La demande n'a pas été acceptée :</p>
    <ul>
      ${errors.map((e) => html`<li>${e.message}${champ(e.field) ? html` <span class="champ-erreur">(${champ(e.field)})</span>` : ""}</li>`)}
    </ul>
  </div>`;
}

export function Succes({ children }) {
  return html`<div class="succes" role="status">${children}</div>`;
}

export function Chargement({ label = "Chargement…" }) {
  return html`<p class="chargement" role="status" aria-live="polite">${label}</p>`;
}

let nextId = 0;
function useId(prefix) {
  const ref = useRef(null);
  if (ref.current === null) ref.current = `${prefix}-${++nextId}`;
  return ref.current;
}

/** A labelled input; `aide` is linked as its description. */
export function Champ({ label, value, onInput, type = "text", aide, required, ...rest }) {
  const id = useId("champ");
  return html`<div class="champ">
    <label for=${id}>${label}</label>
    <input id=${id} type=${type} value=${value} required=${required}
      aria-describedby=${aide ? `${id}-aide` : undefined}
      onInput=${(event) => onInput(event.currentTarget.value)} ...${rest} />
    ${aide && html`<p class="aide" id=${`${id}-aide`}>${aide}</p>`}
  </div>`;
}

export function Choix({ label, value, onChange, options, ...rest }) {
  const id = useId("choix");
  return html`<div class="champ">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} onChange=${(event) => onChange(event.currentTarget.value)} ...${rest}>
      ${options.map(([v, text]) => html`<option value=${v} selected=${v === value}>${text}</option>`)}
    </select>
  </div>`;
}

export function Case({ label, checked, onChange, ...rest }) {
  const id = useId("case");
  return html`<div class="case">
    <input id=${id} type="checkbox" checked=${checked} onChange=${(event) => onChange(event.currentTarget.checked)} ...${rest} />
    <label for=${id}>${label}</label>
  </div>`;
}

/** Downloads a /documents/… file with the token; shows a failure beside the button. */
export function Telecharger({ url, children = "Télécharger", nom }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const click = async () => {
    setBusy(true);
    setError(null);
    try {
      await telecharger(url, nom);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="telecharger">
    <button type="button" class="lien" onClick=${click} disabled=${busy}>${children}</button>
    ${error && html`<span class="erreur" role="alert">${error.message}</span>`}
  </span>`;
}

/** Links to the sub-pages of a page, the current one marked for screen readers. */
export function SousNavigation({ label, items, current }) {
  return html`<nav class="sous-navigation" aria-label=${label}>
    <ul>
      ${items.map(([href, text, key]) => html`<li><a href=${href} aria-current=${key === current ? "page" : undefined}>${text}</a></li>`)}
    </ul>
  </nav>`;
}
