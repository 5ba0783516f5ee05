// Starts the vendored GraphiQL against this service: queries and mutations over POST /graphql
// with the headers of the headers editor, subscriptions over /graphql/ws with the same
// Authorization header in the connection_init payload (browsers cannot set websocket headers).
// Tabs, history and headers live in sessionStorage, never in localStorage, so a token pasted
// here is gone when the tab closes. A token the dashboard signed in with (same tab) is offered
// as the first headers.
(function () {
  "use strict";

  const DASHBOARD_TOKEN = "leerroute.token";
  const socketUrl =
    (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql/ws";

  function authorization(headers) {
    for (const name of Object.keys(headers || {})) {
      if (name.toLowerCase() === "authorization") return String(headers[name]);
    }
    return null;
  }

  // A lazy websocket client per operation: it connects only for a subscription, with the
  // headers that operation was sent with.
  function fetcher(params, options) {
    const headers = (options && options.headers) || {};
    const wsClient = graphqlWs.createClient({
      url: socketUrl,
      lazy: true,
      connectionParams: () => {
        const value = authorization(headers);
        return value ? { Authorization: value } : {};
      },
    });
    return GraphiQL.createFetcher({ url: "/graphql", wsClient })(params, options);
  }

  const token = sessionStorage.getItem(DASHBOARD_TOKEN);
  const defaultHeaders = token
    ? JSON.stringify({ Authorization: "Bearer " + token }, null, 2)
    : undefined;

  const defaultQuery = `# Leerroute GraphQL. Press the run button (or Ctrl-Enter); the Docs button shows the schema.
# Send a token in the Headers tab below: {"Authorization": "Bearer <token>"}
# (leerroute token --role coordinator --region AMS).
{
  viewer { role region { code name } school { brin name } }
  regions { nodes { code name } }
}
`;

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher,
      storage: sessionStorage,
      defaultQuery,
      defaultHeaders,
      defaultEditorToolsVisibility: "headers",
    }),
  );
})();
