// The worker's "Mon compte" (its sections are built in this module's place).
import { html } from "./lib.js";

export function MonCompte({ me }) {
  return html`<section>
    <h1>Mon compte</h1>
    <p>Bonjour ${me.nomAffiche || ""}.</p>
  </section>`;
}
