import { ApolloClient, HttpLink, InMemoryCache, split } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition, relayStylePagination } from "@apollo/client/utilities";
import { createClient } from "graphql-ws";
import WebSocket from "ws"; // Node before 22; a browser has its own

// Objects are normalised by their global `id`; lists are Relay connections.
export function leerroute({ url, wsUrl, token }) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const http = new HttpLink({ uri: url, headers });
  const ws = new GraphQLWsLink(createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: headers }));
  const isSubscription = ({ query }) => {
    const definition = getMainDefinition(query);
    return definition.kind === "OperationDefinition" && definition.operation === "subscription";
  };
  return new ApolloClient({
    link: split(isSubscription, ws, http),
    cache: new InMemoryCache({
      typePolicies: { Query: { fields: { schools: relayStylePagination(["filter"]) } } },
    }),
  });
}
