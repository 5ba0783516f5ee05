from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport


def leerroute(url, token=None):
    """A client that loads the schema by introspection and checks every query against it."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = RequestsHTTPTransport(url=url, headers=headers)
    return Client(transport=transport, fetch_schema_from_transport=True)


def leerlabs(client, region):
    query = gql(
        """
        query Leerlabs($region: String!) {
          leerlabs(filter: {regionCode: $region}) { totalCount nodes { code name partners { role school { brin } } } }
        }
        """
    )
    return client.execute(query, variable_values={"region": region})["leerlabs"]
