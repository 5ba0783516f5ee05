#!/usr/bin/env python3
"""Nightly sync of a local replica from Leerroute's change feed (DESIGN.md 4c).

Standard library only. The replica is a JSON file:

    {"url": ..., "version": "<last change version>", "records": {"<global id>": {<object>}}}

The first run (no replica yet) pulls everything from `since: "0"`; every later run asks only for
the changes after the version it stored, upserts what comes as `UPSERT` and removes what comes as
`DELETE`. When the service answers `BAD_USER_INPUT` with `extensions.minVersion` (the replica is
older than the deletes the service keeps), it starts over from "0". The file is replaced
atomically, so a run that fails half-way leaves yesterday's replica as it was.

    python3 examples/sync.py --url http://127.0.0.1:8080 --token "$TOKEN" --replica replica.json

The token's role decides what the replica holds (an integration token: its region's catalogue).
"""

import argparse
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request

CHANGES = """
query Changes($since: String!, $after: String) {
  changes(since: $since, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { changeVersion op type id naturalKey object { __typename id changeVersion ...Fields } } }
  }
}
fragment Fields on Node {
  ... on Region { code name }
  ... on School { brin name sector city region { code } }
  ... on Programme { name crebo level leerweg profile school { brin } }
  ... on Person { name function }
  ... on Leerlab { code name kind status partners { school { brin } role } }
  ... on Activity { kind title status startsAt endsAt capacity participatingSchools { brin } }
  ... on ImportRun { kind status cohorts }
  ... on Student { schoolYear year status leerweg profile }
  ... on Application { crebo level appliedOn status statusDate }
  ... on Signal { kind status raisedOn resolvedOn }
}
"""

VERSION = "query Version { changeVersion }"


class StaleReplica(Exception):
    """The replica is older than the deletes the service keeps."""


def post(url, token, query, variables):
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        url.rstrip("/") + "/graphql",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Accept": "application/graphql-response+json, application/json",
            "Authorization": "Bearer " + token,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as error:
        answer = json.load(error)
    for err in answer.get("errors") or []:
        extensions = err.get("extensions") or {}
        if extensions.get("code") == "BAD_USER_INPUT" and "minVersion" in extensions:
            raise StaleReplica(extensions["minVersion"])
        raise SystemExit("GraphQL error: %s (%s)" % (err.get("message"), extensions.get("code")))
    return answer["data"]


def changes(url, token, since):
    """Every change after `since`, page by page."""
    after = None
    while True:
        page = post(url, token, CHANGES, {"since": since, "after": after})["changes"]
        for edge in page["edges"]:
            yield edge["node"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def pull(url, token, since, records):
    """Applies the changes after `since` to `records`; returns the new version and counts."""
    latest, upserts, deletes = int(since), 0, 0
    for change in changes(url, token, since):
        latest = max(latest, int(change["changeVersion"]))
        if change["op"] == "UPSERT":
            records[change["id"]] = change["object"]
            upserts += 1
        else:
            records.pop(change["id"], None)
            deletes += 1
    return str(latest), upserts, deletes


def full_pull(url, token):
    # Read the version first: whatever changes during the pull has a later version and is
    # listed (or comes next night).
    start = post(url, token, VERSION, {})["changeVersion"]
    records = {}
    version, upserts, _ = pull(url, token, "0", records)
    return str(max(int(start), int(version))), records, upserts


def load(path):
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError:
        return None


def save(path, replica):
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".replica-")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(replica, file, indent=1, sort_keys=True)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("LEERROUTE_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--token", default=os.environ.get("LEERROUTE_TOKEN"))
    parser.add_argument("--replica", default="replica.json")
    args = parser.parse_args()
    if not args.token:
        raise SystemExit("give --token or LEERROUTE_TOKEN")
    replica = load(args.replica)
    if replica is not None and replica.get("url") != args.url:
        replica = None  # another service: start afresh
    if replica is None:
        version, records, upserts = full_pull(args.url, args.token)
        print("full pull: %d records, version %s" % (upserts, version))
    else:
        records = replica["records"]
        try:
            version, upserts, deletes = pull(args.url, args.token, replica["version"], records)
            print("%d upserts, %d deletes, version %s" % (upserts, deletes, version))
        except StaleReplica as stale:
            print("replica older than the deletes kept (from %s on): starting over" % stale)
            version, records, upserts = full_pull(args.url, args.token)
            print("full pull: %d records, version %s" % (upserts, version))
    save(args.replica, {"url": args.url, "version": version, "records": records})
    return 0


if __name__ == "__main__":
    sys.exit(main())
