"""Python `gql` at its defaults with fetch_schema_from_transport=True (run by clients.test.js).

Prints one JSON object with what it read, for the Node test to compare with the server's own
answer: the leerlabs of a region, the fields of School in the introspected schema, and whether
a misspelt query was refused by local validation before anything was sent.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "snippets"))
from gql_client import gql, leerlabs, leerroute  # noqa: E402
from graphql import GraphQLError  # noqa: E402

url, token = sys.argv[1], sys.argv[2]

client = leerroute(url)
anonymous = leerlabs(client, "AMS")
school_fields = sorted(client.schema.get_type("School").fields)
try:
    client.execute(gql("{ leerlabs { nodes { cdoe } } }"))
    typo_refused = False
except GraphQLError:
    typo_refused = True

viewer = leerroute(url, token).execute(gql("{ viewer { role region { code } } }"))["viewer"]

print(json.dumps({"leerlabs": anonymous, "schoolFields": school_fields, "typoRefused": typo_refused, "viewer": viewer}))
