// Hash routing: "#/client/VHJhdmFpbGxldXI6MQ/echeances?annee=2026" →
// { page: "client", params: ["VHJh…", "echeances"], query: {annee: "2026"} }.
// The server serves one page at "/"; the part after "#" never reaches it.
import { useState, useEffect } from "./lib.js";

export function parse(hash) {
  const [path, search = ""] = (hash || "").replace(/^#\/?/, "").split("?");
  const [page = "", ...params] = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page, params, query: Object.fromEntries(new URLSearchParams(search)) };
}

export function href(page, ...params) {
  return `#/${[page, ...params].map(encodeURIComponent).join("/")}`;
}

export function go(target) {
  if (window.location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else window.location.hash = target;
}

export function useRoute() {
  const [route, setRoute] = useState(parse(window.location.hash));
  useEffect(() => {
    const changed = () => setRoute(parse(window.location.hash));
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}
