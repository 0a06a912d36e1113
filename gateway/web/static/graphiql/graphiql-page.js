// GraphiQL on this gateway, with no CDN and nothing kept in localStorage: tabs, queries
// and headers (the token among them) live in sessionStorage, i.e. this browser tab only.
(function () {
  "use strict";

  var DEFAULT_QUERY = [
    "# Simulez les cotisations d'un artisan (aucune connexion nécessaire).",
    "# Pour les comptes : mutation login, puis l'en-tête Authorization dans l'onglet Headers.",
    "{",
    '  simulateCotisations(input: {annee: 2026, nature: ARTISANALE, revenuProfessionnel: "42000"}) {',
    "    total",
    "    lignes { code libelle montant assiette taux explication }",
    "  }",
    "}",
    "",
  ].join("\n");

  var tabStorage = {
    getItem: function (key) { return window.sessionStorage.getItem(key); },
    setItem: function (key, value) { window.sessionStorage.setItem(key, value); },
    removeItem: function (key) { window.sessionStorage.removeItem(key); },
    clear: function () { window.sessionStorage.clear(); },
    get length() { return window.sessionStorage.length; },
  };

  // Subscriptions go over a WebSocket on the same path (graphql-transport-ws); the
  // Headers tab (the Authorization header) is sent as the connection_init payload.
  var socketScheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  var fetcher = GraphiQL.createFetcher({
    url: window.location.origin + "/graphql",
    subscriptionUrl: socketScheme + "//" + window.location.host + "/graphql",
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
      storage: tabStorage,
    })
  );
})();
