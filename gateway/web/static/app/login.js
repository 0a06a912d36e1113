// Logging in (every role), the change of a provisional password, the agent's page.
import { html, useState } from "./lib.js";
import { gql, LOGIN, setSession, sessionDepuis, getSession, ApiError } from "./api.js";
import { ACCUEIL } from "./routes.js";
import { go } from "./router.js";
import { Alerte, UserErrors, Champ } from "./ui.js";

function secondes(n) {
  return n > 1 ? `${n} secondes` : "1 seconde";
}

export function Connexion() {
  const [identifiant, setIdentifiant] = useState("");
  const [motDePasse, setMotDePasse] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [userErrors, setUserErrors] = useState([]);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setUserErrors([]);
    try {
      const { login } = await gql(LOGIN, { input: { identifiant: identifiant.trim(), motDePasse } }, { anonymous: true });
      if (!login.accessToken) {
        const errors = login.userErrors.map((e) =>
          e.code === "THROTTLED" && login.retryAfter
            ? { ...e, message: `${e.message} (réessayez dans ${secondes(login.retryAfter)})` }
            : e,
        );
        setUserErrors(errors);
        return;
      }
      setSession(sessionDepuis(login));
      go(login.motDePasseAChanger ? "#/mot-de-passe" : ACCUEIL[login.me.role] || "#/");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return html`<section class="carte etroite">
    <h1>Connexion</h1>
    <p>Travailleur indépendant : votre numéro de sécurité sociale. Expert-comptable ou agent : votre adresse électronique.</p>
    <form onSubmit=${submit} novalidate>
      <${Champ} label="Identifiant" value=${identifiant} onInput=${setIdentifiant} autocomplete="username" required
        aide="Numéro de sécurité sociale (15 chiffres) ou adresse électronique" />
      <${Champ} label="Mot de passe" type="password" value=${motDePasse} onInput=${setMotDePasse} autocomplete="current-password" required />
      <${UserErrors} errors=${userErrors} />
      <${Alerte} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? "Connexion…" : "Se connecter"}</button>
    </form>
  </section>`;
}

const CHANGE = `mutation ChangerMotDePasse($input: ChangeMotDePasseInput!) {
  changeMotDePasse(input: $input) { ok refreshToken userErrors { field message code } }
}`;
const REFRESH = `mutation Rafraichir($input: RefreshTokenInput!) {
  refreshToken(input: $input) {
    accessToken expiresIn refreshToken
    me { role identifiant nomAffiche administrateurCabinet motDePasseAChanger }
    userErrors { field message code }
  }
}`;

/** A provisional password (new account, invited collaborator) must be changed first. */
export function ChangementMotDePasse({ me }) {
  const [ancien, setAncien] = useState("");
  const [nouveau, setNouveau] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [userErrors, setUserErrors] = useState([]);
  if (!me) {
    go("#/connexion");
    return null;
  }

  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setUserErrors([]);
    if (nouveau !== confirmation) {
      setUserErrors([{ field: ["confirmation"], message: "Les deux saisies du nouveau mot de passe sont différentes.", code: "CONFIRMATION" }]);
      return;
    }
    setBusy(true);
    try {
      const { changeMotDePasse } = await gql(CHANGE, { input: { ancienMotDePasse: ancien, nouveauMotDePasse: nouveau } });
      if (!changeMotDePasse.ok) {
        setUserErrors(changeMotDePasse.userErrors);
        return;
      }
      const { refreshToken } = await gql(REFRESH, { input: { refreshToken: changeMotDePasse.refreshToken } }, { anonymous: true });
      if (!refreshToken.accessToken) throw new ApiError("Mot de passe changé : reconnectez-vous.", "RELOGIN");
      setSession(sessionDepuis(refreshToken, getSession()));
      go(ACCUEIL[refreshToken.me.role] || "#/");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return html`<section class="carte etroite">
    <h1>Choisissez votre mot de passe</h1>
    <p>Le mot de passe reçu par courriel est provisoire : choisissez-en un nouveau pour accéder à votre espace.</p>
    <form onSubmit=${submit} novalidate>
      <${Champ} label="Mot de passe provisoire" type="password" value=${ancien} onInput=${setAncien} autocomplete="current-password" required />
      <${Champ} label="Nouveau mot de passe" type="password" value=${nouveau} onInput=${setNouveau} autocomplete="new-password" required
        aide="12 caractères au moins, différent de votre identifiant" />
      <${Champ} label="Confirmez le nouveau mot de passe" type="password" value=${confirmation} onInput=${setConfirmation} autocomplete="new-password" required />
      <${UserErrors} errors=${userErrors} />
      <${Alerte} error=${error} />
      <button type="submit" disabled=${busy}>Enregistrer le mot de passe</button>
    </form>
  </section>`;
}

export function EspaceAgent({ me }) {
  return html`<section class="carte">
    <h1>Espace agent de la caisse</h1>
    <p>Bonjour ${me.nomAffiche || me.identifiant}. Les opérations de la caisse (paiements, rejets de prélèvement,
      radiations, délais de paiement, actualités) se font par l'API : ouvrez <a href="/graphql">l'explorateur GraphQL</a>
      et indiquez votre jeton dans l'en-tête <code>Authorization</code>.</p>
  </section>`;
}
