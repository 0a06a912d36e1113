// The cabinet dashboard's own navigation: the portfolio and the calendar of due dates.
import { html } from "./lib.js";
import { SousNavigation } from "./ui.js";

const PAGES = [
  ["#/portefeuille", "Portefeuille", "portefeuille"],
  ["#/calendrier", "Calendrier des échéances", "calendrier"],
];

export function NavigationCabinet({ current }) {
  return html`<${SousNavigation} label="Tableau de bord du cabinet" items=${PAGES} current=${current} />`;
}
