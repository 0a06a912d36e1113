import { html } from "./lib.js";
export function Portefeuille() {
  return html`<h1>Portefeuille</h1>`;
}
