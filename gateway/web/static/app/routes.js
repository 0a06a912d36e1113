// The pages, by the first part of the address after "#/". Each loads its module on
// first use. `roles`: who may open it (others are sent to their own home page).
// The worker's "Mon compte" registers its pages here too.
export const ROUTES = {
  connexion: { load: () => import("./login.js"), export: "Connexion", public: true },
  "mot-de-passe": { load: () => import("./login.js"), export: "ChangementMotDePasse", public: true },
  portefeuille: { load: () => import("./dashboard.js"), export: "Portefeuille", roles: ["EXPERT_COMPTABLE"] },
  calendrier: { load: () => import("./calendrier.js"), export: "CalendrierCabinet", roles: ["EXPERT_COMPTABLE"] },
  client: { load: () => import("./client.js"), export: "PageClient", roles: ["EXPERT_COMPTABLE"] },
  compte: { load: () => import("./compte.js"), export: "MonCompte", roles: ["TRAVAILLEUR"] },
  agent: { load: () => import("./login.js"), export: "EspaceAgent", roles: ["AGENT"] },
};

/** Where a role lands after logging in. */
export const ACCUEIL = {
  EXPERT_COMPTABLE: "#/portefeuille",
  TRAVAILLEUR: "#/compte",
  AGENT: "#/agent",
};
