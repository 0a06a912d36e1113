// French formatting of the API's values, from their exact string forms (no floats):
// Decimal "1234.50" → "1 234,50 €", Date "2026-03-05" → "05/03/2026".

const NBSP = "\u00a0";

/** "1234.5" or "-1234.50" → "1 234,50 €" (no-break spaces, as French typography wants). */
export function euros(value) {
  if (value === null || value === undefined || value === "") return "—";
  return `${nombre(value)}${NBSP}€`;
}

/** A Decimal string with its thousands grouped and a decimal comma, two decimals. */
export function nombre(value) {
  const text = String(value).trim();
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${negative ? "-" : ""}${grouped},${(fraction + "00").slice(0, 2)}`;
}

/** A rate given as a Pourcentage string ("6.70") → "6,70 %". */
export function pourcentage(value) {
  if (value === null || value === undefined) return "—";
  return `${String(value).replace(".", ",")}${NBSP}%`;
}

/** "2026-03-05" → "05/03/2026"; anything empty → "—". */
export function date(value) {
  if (!value) return "—";
  const [y, m, d] = String(value).slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

/** An ISO timestamp → "05/03/2026 14:07" in the browser's time zone. */
export function dateHeure(value) {
  if (!value) return "—";
  const t = new Date(value);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(t.getDate())}/${two(t.getMonth() + 1)}/${t.getFullYear()} ${two(t.getHours())}:${two(t.getMinutes())}`;
}

/** "dd/mm/yyyy" typed by a person → "yyyy-mm-dd", or null. */
export function isoDepuisSaisie(text) {
  const match = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
  if (!match) return null;
  return `${match[3]}-${match[2].padStart(2, "0")}-${match[1].padStart(2, "0")}`;
}

/** A French amount typed by a person ("1 234,5", "1234.50") → the API's Decimal, or null. */
export function decimalDepuisSaisie(text) {
  const cleaned = String(text || "").replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
  return /^\d{1,12}(\.\d{1,2})?$/.test(cleaned) ? cleaned : null;
}

export const MOIS = [
  "janvier", "février", "mars", "avril", "mai", "juin",
  "juillet", "août", "septembre", "octobre", "novembre", "décembre",
];

export const LIBELLES = {
  situation: { ACTIF: "Actif", RADIE: "Radié", RETRAITE: "Retraité" },
  regime: { CLASSIQUE: "Classique", MICRO: "Micro-entrepreneur" },
  statut: { ARTISAN: "Artisan", COMMERCANT: "Commerçant", INDUSTRIEL: "Industriel" },
  statutEcheance: {
    A_VENIR: "À venir", EN_RETARD: "En retard", PAYEE: "Payée", ANNULEE: "Annulée", REJETE: "Rejetée",
  },
  natureEcheance: { PROVISIONNELLE: "Provisionnelle", REGULARISATION: "Régularisation" },
  periodicite: {
    MENSUEL_5: "Mensuel, le 5", MENSUEL_20: "Mensuel, le 20", TRIMESTRIEL: "Trimestriel",
  },
  modePaiement: {
    PRELEVEMENT: "Prélèvement", VIREMENT: "Virement", CHEQUE: "Chèque", CARTE: "Carte", CREDIT: "Crédit",
  },
  statutDelai: {
    DEMANDE: "Demandé", ACCEPTE: "Accepté", REFUSE: "Refusé", SOLDE: "Soldé",
    DENONCE: "Dénoncé", RENEGOCIE: "Renégocié",
  },
  typeAttestation: {
    VIGILANCE: "Attestation de vigilance",
    MARCHE_PUBLIC: "Attestation marché public",
    CSG_CRDS: "Attestation CSG-CRDS",
    FORMATION_PROFESSIONNELLE: "Attestation de formation professionnelle",
  },
  natureRevenu: { DECLARE: "Déclaré", ESTIME: "Estimé" },
  issue: { SUCCES: "Succès", REFUS: "Refus" },
  role: { TRAVAILLEUR: "Travailleur indépendant", EXPERT_COMPTABLE: "Expert-comptable", AGENT: "Agent de la caisse" },
};

export function libelle(kind, value) {
  return (LIBELLES[kind] && LIBELLES[kind][value]) || value || "—";
}
