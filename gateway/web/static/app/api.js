// The pages' only way to the server: the public GraphQL API at /graphql, and the
// documents at /documents/{id}.pdf, both with the bearer token in a header.
//
// The session (tokens and who is logged in) lives in sessionStorage: it survives a
// reload of the tab and disappears with it; it is never put in localStorage.

const KEY = "moncompte.session";
const listeners = new Set();
let refreshing = null;

function read() {
  try {
    return JSON.parse(window.sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

let session = read();

export function getSession() {
  return session;
}

export function setSession(next) {
  session = next;
  if (next) window.sessionStorage.setItem(KEY, JSON.stringify(next));
  else window.sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener(session));
}

export function onSession(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A login or refresh payload → the stored session. */
export function sessionDepuis(payload, previous = null) {
  return {
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken || (previous && previous.refreshToken),
    expiresAt: Date.now() + (payload.expiresIn || 0) * 1000,
    me: payload.me || (previous && previous.me),
  };
}

/** An error the page shows as it is: `message` is French, for the person. */
export class ApiError extends Error {
  constructor(message, code, extra = {}) {
    super(message);
    this.code = code;
    this.extra = extra;
  }
}

const MESSAGES = {
  UNAUTHENTICATED: "Votre session a expiré : reconnectez-vous.",
  FORBIDDEN: "Vous n'avez pas le droit de faire cette opération.",
  QUERY_TOO_COSTLY: "La demande est trop volumineuse pour le serveur : affichez moins de lignes à la fois.",
  QUERY_TOO_DEEP: "La demande est trop imbriquée pour le serveur.",
  TOO_MANY_ALIASES: "La demande contient trop d'éléments pour le serveur.",
  TOO_MANY_TOKENS: "La demande est trop longue pour le serveur.",
  REQUEST_TOO_LARGE: "La demande est trop volumineuse (1 Mo au plus).",
  REQUEST_TIMEOUT: "Le serveur a mis trop de temps à répondre : réessayez, ou demandez moins de lignes.",
  SERVICE_UNAVAILABLE: "Le service est momentanément indisponible : réessayez dans quelques instants.",
  THROTTLED: "Trop de demandes : patientez avant de réessayer.",
};

function secondes(n) {
  return n > 1 ? `${n} secondes` : "1 seconde";
}

/** A top-level GraphQL error → one French sentence for the person. */
export function messagePour(error, response) {
  const code = (error.extensions && error.extensions.code) || "";
  if (code === "SERVICE_UNAVAILABLE" || (response && response.status === 503)) {
    const wait = response && Number(response.headers.get("Retry-After"));
    return wait
      ? `Le service est momentanément indisponible : réessayez dans ${secondes(wait)}.`
      : MESSAGES.SERVICE_UNAVAILABLE;
  }
  if (code === "QUERY_TOO_COSTLY" && error.extensions.cost) {
    return `${MESSAGES.QUERY_TOO_COSTLY} (coût ${error.extensions.cost}, budget ${error.extensions.budget})`;
  }
  if (code === "BAD_USER_INPUT" || !MESSAGES[code]) {
    // The server's own messages are French and name the field.
    return error.message || "Le serveur a refusé la demande.";
  }
  return MESSAGES[code];
}

async function post(body, token, signal) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify(body), signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("Le serveur ne répond pas : vérifiez votre connexion, puis réessayez.", "NETWORK");
  }
  if (response.status === 413) throw new ApiError(MESSAGES.REQUEST_TOO_LARGE, "REQUEST_TOO_LARGE");
  let json;
  try {
    json = await response.json();
  } catch {
    throw new ApiError(`Réponse inattendue du serveur (HTTP ${response.status}).`, "HTTP");
  }
  return { response, json };
}

/** Exchanges the refresh token once, whatever the number of callers at that moment:
 * presenting one refresh token twice would revoke the whole login. */
async function refresh() {
  if (!session || !session.refreshToken) return false;
  if (!refreshing) {
    const current = session;
    refreshing = post({
      query: `mutation Rafraichir($input: RefreshTokenInput!) {
        refreshToken(input: $input) { accessToken expiresIn refreshToken userErrors { field message code } }
      }`,
      variables: { input: { refreshToken: current.refreshToken } },
    })
      .then(({ json }) => {
        const payload = json.data && json.data.refreshToken;
        if (!payload || !payload.accessToken) return false;
        setSession(sessionDepuis(payload, current));
        return true;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

/** The access token, refreshed first when it is about to expire (null: logged out). */
export async function freshToken() {
  if (session && session.expiresAt && Date.now() > session.expiresAt - 30_000) await refresh();
  return session ? session.accessToken : null;
}

/**
 * Runs one GraphQL operation; returns its `data`. Throws an ApiError with a French
 * message for a top-level error (the limits, an expired session, the database down).
 * A userError is not an error here: it is in the payload, for the form to show.
 */
export async function gql(query, variables = {}, { signal, anonymous = false } = {}) {
  const token = anonymous ? null : await freshToken();
  let { response, json } = await post({ query, variables }, token, signal);
  if (response.status === 503) {
    // Nothing was done (the database was out of reach or stayed locked): try once more
    // after the delay the server asks for, as the person would; forms send the same
    // idempotencyKey again, so an action still runs at most once.
    const wait = Math.min(Number(response.headers.get("Retry-After")) || 1, 5);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    ({ response, json } = await post({ query, variables }, anonymous ? null : await freshToken(), signal));
  }
  if (!anonymous && isUnauthenticated(json) && (await refresh())) {
    ({ response, json } = await post({ query, variables }, session.accessToken, signal));
  }
  if (json.errors && json.errors.length) {
    const first = json.errors[0];
    const code = (first.extensions && first.extensions.code) || "ERROR";
    if (code === "UNAUTHENTICATED" && !anonymous) setSession(null);
    throw new ApiError(messagePour(first, response), code, { data: json.data, errors: json.errors });
  }
  return json.data;
}

function isUnauthenticated(json) {
  return Boolean(json.errors && json.errors.some((e) => e.extensions && e.extensions.code === "UNAUTHENTICATED"));
}

/** A fresh key per submitted form: a retry of the same submission runs it once. */
export function idempotencyKey() {
  return window.crypto.randomUUID();
}

/**
 * Downloads a document with the token in the Authorization header (never in the URL):
 * fetch, then a blob handed to the browser under the file name the server gives.
 */
export async function telecharger(url, nomParDefaut = "document.pdf") {
  const token = await freshToken();
  // The API gives absolute links on the configured public address; these pages are
  // served by the same gateway, so the path is fetched from here (CSP: 'self' only).
  const parsed = new URL(url, window.location.href);
  const target = `${parsed.pathname}${parsed.search}`;
  let response;
  try {
    response = await fetch(target, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError("Le serveur ne répond pas : le document n'a pas pu être téléchargé.", "NETWORK");
  }
  if (!response.ok) {
    let message = `Le document n'a pas pu être téléchargé (HTTP ${response.status}).`;
    try {
      const body = await response.json();
      if (body.message) message = body.message;
    } catch {
      /* not JSON: keep the generic sentence */
    }
    throw new ApiError(message, response.status === 404 ? "NOT_FOUND" : "HTTP");
  }
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  enregistrer(await response.blob(), match ? match[1] : nomParDefaut);
}

/** Hands a blob to the browser as a download. */
export function enregistrer(blob, nom) {
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = nom;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

// While a password is provisional, `me` answers only these three fields.
export const LOGIN = `mutation Connexion($input: LoginInput!) {
  login(input: $input) {
    accessToken expiresIn refreshToken motDePasseAChanger retryAfter
    me { role identifiant motDePasseAChanger }
    userErrors { field message code }
  }
}`;

const ME = `query Moi { me { role identifiant nomAffiche administrateurCabinet motDePasseAChanger } }`;

/** Stores the session of a login (or a refresh), with who it is once allowed to ask. */
export async function ouvrirSession(payload) {
  const next = sessionDepuis(payload, session);
  if (!payload.me || !payload.me.motDePasseAChanger) {
    // The pages see the session once complete: the token is used here first, quietly.
    session = next;
    try {
      next.me = (await gql(ME)).me;
    } catch (error) {
      setSession(null);
      throw error;
    }
  }
  setSession(next);
  return next.me;
}

/** Logs out on the server (the refresh token is revoked) and forgets the session. */
export async function deconnecter() {
  const current = session;
  setSession(null);
  if (current && current.refreshToken) {
    try {
      await post({
        query: "mutation Deconnexion($input: LogoutInput!) { logout(input: $input) { __typename } }",
        variables: { input: { refreshToken: current.refreshToken } },
      }, current.accessToken);
    } catch {
      /* the session is forgotten here whatever the server says */
    }
  }
}
