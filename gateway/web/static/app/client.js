import { html } from "./lib.js";
export function PageClient() {
  return html`<h1>Client</h1>`;
}
