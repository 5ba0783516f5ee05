// The GraphQL clients portal developers reach for, each at its defaults, against
// `leerroute serve --demo` on SQLite and (with LEERROUTE_TEST_POSTGRES_URL) on PostgreSQL.
// Every test compares what the client got with the server's own answer to a plain POST, or
// with the demo's known data. The snippets in snippets/ are the README's "Clients" section.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { CombinedGraphQLErrors, gql } from "@apollo/client";
import { generate } from "@graphql-codegen/cli";
import { buildSchema } from "graphql";
import { auditServer } from "graphql-http";
import { ClientError, GraphQLClient, request } from "graphql-request";
import { filter, firstValueFrom } from "rxjs";

import { startDemo } from "./server.js";
import * as apollo from "./snippets/apollo.js";
import { persisted } from "./snippets/persisted.js";
import * as urql from "./snippets/urql.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.LEERROUTE_BIN;
const PYTHON = process.env.CLIENTS_PYTHON;
const backends = ["sqlite", ...(process.env.LEERROUTE_TEST_POSTGRES_URL ? ["postgres"] : [])];

/** Records the method and URL of every request that goes through the global fetch. */
function recordFetches() {
  const seen = [];
  const original = globalThis.fetch;
  globalThis.fetch = (input, init = {}) => {
    seen.push({ method: (init.method ?? "GET").toUpperCase(), url: String(input) });
    return original(input, init);
  };
  return { seen, restore: () => (globalThis.fetch = original) };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

test("the README shows the snippets this suite runs", () => {
  const readme = readFileSync(path.join(here, "../../README.md"), "utf8");
  for (const file of ["urql.js", "apollo.js", "gql_client.py", "persisted.js"]) {
    const snippet = readFileSync(path.join(here, "snippets", file), "utf8").trim();
    assert.ok(readme.includes(snippet), `README.md lacks snippets/${file} as it is`);
  }
});

for (const backend of backends) {
  describe(`on ${backend}`, () => {
    let demo;
    let coordinator;

    before(async () => {
      demo = await startDemo(BIN, backend);
      coordinator = demo.token("--role", "coordinator", "--region", "AMS");
    });
    after(async () => demo && (await demo.stop()));

    test("urql at its defaults: a GET per query, anonymous and with a token", async () => {
      const expected = await demo.graphql("{ school(brin: \"90IJ\") { id } }");
      const fetches = recordFetches();
      try {
        const school = await urql.school(urql.leerroute(demo.url), "90IJ");
        assert.deepEqual(school, {
          __typename: "School",
          id: school.id,
          name: "IJburg College",
          sector: "VO",
          region: { __typename: "Region", code: "AMS" },
        });
        assert.equal(school.id, expected.school.id);

        const client = urql.leerroute(demo.url, coordinator);
        const viewer = await client.query("{ viewer { role region { code } } }", {}).toPromise();
        assert.equal(viewer.error, undefined);
        assert.deepEqual(viewer.data.viewer, { __typename: "Viewer", role: "COORDINATOR", region: { __typename: "Region", code: "AMS" } });

        const methods = fetches.seen.filter((f) => f.url.startsWith(demo.url)).map((f) => f.method);
        assert.deepEqual(methods, ["GET", "GET"]);
      } finally {
        fetches.restore();
      }
    });

    test("urql: a mutation goes over POST and runs", async () => {
      const client = urql.leerroute(demo.url, coordinator);
      const mutation = `mutation($input: CreateActivityInput!) { createActivity(input: $input) { activity { title status } } }`;
      const input = {
        regionCode: "AMS", hostSchoolBrin: "90IJ", participatingSchoolBrins: [], kind: "INFO_SESSION",
        title: "Open avond (urql)", startsAt: "2027-03-10T18:00:00+01:00", endsAt: "2027-03-10T20:00:00+01:00", capacity: 40,
      };
      const result = await client.mutation(mutation, { input }).toPromise();
      assert.equal(result.error, undefined);
      assert.deepEqual(result.data.createActivity.activity, { __typename: "Activity", title: "Open avond (urql)", status: "DRAFT" });
    });

    test("Apollo Client: one cache entry per id, reached by school(brin:) and node(id:)", async () => {
      const client = apollo.leerroute({ url: demo.url, wsUrl: demo.wsUrl });
      const bySchool = await client.query({ query: gql`{ school(brin: "90IJ") { id name } }` });
      const id = bySchool.data.school.id;
      const byNode = await client.query({
        query: gql`query($id: ID!) { node(id: $id) { id ... on School { city sector } } }`,
        variables: { id },
      });
      assert.equal(byNode.data.node.sector, "VO");
      const cache = client.cache.extract();
      const key = `School:${id}`;
      assert.equal(cache.ROOT_QUERY['school({"brin":"90IJ"})'].__ref, key);
      assert.equal(cache.ROOT_QUERY[`node({"id":"${id}"})`].__ref, key);
      assert.equal(cache[key].name, "IJburg College");
      assert.equal(cache[key].sector, "VO");
      client.stop();
    });

    test("Apollo Client: relayStylePagination merges every page", async () => {
      const client = apollo.leerroute({ url: demo.url, wsUrl: demo.wsUrl });
      const query = gql`
        query Schools($after: String) {
          schools(first: 3, after: $after) {
            totalCount
            edges { cursor node { id brin } }
            pageInfo { hasNextPage endCursor }
          }
        }
      `;
      const observable = client.watchQuery({ query });
      let current = await firstValueFrom(observable.pipe(filter((r) => r.dataState === "complete")));
      let pages = 1;
      while (current.data.schools.pageInfo.hasNextPage) {
        await observable.fetchMore({ variables: { after: current.data.schools.pageInfo.endCursor } });
        current = observable.getCurrentResult();
        pages += 1;
      }
      const all = await demo.graphql("{ schools(first: 100) { totalCount nodes { brin } } }");
      assert.ok(pages >= 3, `${pages} pages`);
      assert.equal(current.data.schools.edges.length, all.schools.totalCount);
      assert.deepEqual(current.data.schools.edges.map((e) => e.node.brin), all.schools.nodes.map((n) => n.brin));
      client.stop();
    });

    test("Apollo Client: errors carry extensions.code", async () => {
      const client = apollo.leerroute({ url: demo.url, wsUrl: demo.wsUrl });
      await assert.rejects(client.query({ query: gql`{ students { totalCount } }` }), (error) => {
        assert.ok(CombinedGraphQLErrors.is(error), String(error));
        assert.equal(error.errors[0].extensions.code, "UNAUTHENTICATED");
        return true;
      });
      client.stop();
    });

    test("Apollo Client: a subscription over graphql-ws hears a publication", async () => {
      const client = apollo.leerroute({ url: demo.url, wsUrl: demo.wsUrl, token: coordinator });
      const heard = firstValueFrom(
        client.subscribe({ query: gql`subscription { activityPublished(regionCode: "AMS") { id title status } }` }),
      );
      // graphql-transport-ws does not acknowledge a subscription: give the server a moment.
      await new Promise((r) => setTimeout(r, 1000));
      const created = await demo.graphql(
        `mutation($input: CreateActivityInput!) { createActivity(input: $input) { activity { id } } }`,
        {
          input: {
            regionCode: "AMS", hostSchoolBrin: "90IJ", participatingSchoolBrins: [], kind: "CAMPUS_VISIT",
            title: "Campusbezoek (Apollo)", startsAt: "2027-04-01T09:00:00+02:00", endsAt: "2027-04-01T12:00:00+02:00", capacity: 25,
          },
        },
        coordinator,
      );
      const id = created.createActivity.activity.id;
      await demo.graphql(`mutation($id: ID!) { publishActivity(input: {id: $id}) { activity { id } } }`, { id }, coordinator);
      const event = await withTimeout(heard, 10_000, "activityPublished");
      assert.deepEqual(event.data.activityPublished, { __typename: "Activity", id, title: "Campusbezoek (Apollo)", status: "PUBLISHED" });
      client.stop();
    });

    test("a persisted document by GET: registered with `documents add`, sent as its id", async () => {
      const file = path.join(here, "snippets", "school.graphql");
      const printed = demo.cli("documents", "add", file);
      const documentId = printed.split(" ")[0];
      const hex = createHash("sha256").update(readFileSync(file)).digest("hex");
      assert.equal(printed, `sha256:${hex} ${file}`);
      const { seen, restore } = recordFetches();
      let data;
      try {
        data = await persisted(demo.url, documentId, { brin: "90IJ" });
      } finally {
        restore();
      }
      assert.equal(seen[0].method, "GET");
      assert.ok(seen[0].url.includes(`documentId=${encodeURIComponent(documentId)}`), seen[0].url);
      const expected = await demo.graphql(readFileSync(file, "utf8"), { brin: "90IJ" });
      assert.deepEqual(data, expected);
      assert.equal(data.school.region.code, "AMS");
      await assert.rejects(persisted(demo.url, `sha256:${"0".repeat(64)}`), /PERSISTED_DOCUMENT_NOT_FOUND/);
    });

    test("graphql-request: data and error codes", async () => {
      const data = await request(demo.url, `query($r: String!) { leerlabs(filter: {regionCode: $r}) { nodes { code } } }`, { r: "AMS" });
      assert.deepEqual(data.leerlabs.nodes, [{ code: "IJBURG-ROCVA" }]);
      const client = new GraphQLClient(demo.url, { headers: { Authorization: `Bearer ${coordinator}` } });
      const viewer = await client.request("{ viewer { role } }");
      assert.deepEqual(viewer, { viewer: { role: "COORDINATOR" } });
      await assert.rejects(request(demo.url, "{ students { totalCount } }"), (error) => {
        assert.ok(error instanceof ClientError, String(error));
        assert.equal(error.response.errors[0].extensions.code, "UNAUTHENTICATED");
        return true;
      });
    });

    test("graphql-codegen loads the schema by introspection", async () => {
      const [file] = await generate(
        { schema: demo.url, generates: { "schema.graphql": { plugins: ["schema-ast"] } }, silent: true },
        false,
      );
      const schema = buildSchema(file.content);
      const query = schema.getQueryType().getFields();
      for (const name of ["regions", "region", "schools", "school", "leerlabs", "leerlab", "activities", "viewer", "node"]) {
        assert.ok(query[name], `Query.${name}`);
      }
      const viewer = Object.keys(schema.getType("Viewer").getFields());
      assert.ok(viewer.includes("role") && viewer.includes("subject"), viewer.join());
      assert.ok(schema.getSubscriptionType().getFields().activityPublished);
    });

    test("Python gql with fetch_schema_from_transport=True", async () => {
      const output = execFileSync(PYTHON, [path.join(here, "gql_test.py"), demo.url, coordinator], { encoding: "utf8" });
      const got = JSON.parse(output);
      const expected = await demo.graphql(
        `{ leerlabs(filter: {regionCode: "AMS"}) { totalCount nodes { code name partners { role school { brin } } } } }`,
      );
      assert.deepEqual(got.leerlabs, expected.leerlabs);
      assert.ok(got.schoolFields.includes("brin") && got.schoolFields.includes("region"), got.schoolFields.join());
      assert.equal(got.typoRefused, true);
      assert.deepEqual(got.viewer, { role: "COORDINATOR", region: { code: "AMS" } });
    });

    test("the graphql-http audit: no warning, no error", async () => {
      const results = await auditServer({ url: demo.url });
      const notOk = results.filter((r) => r.status !== "ok").map((r) => `${r.status} ${r.id} ${r.name}: ${r.reason}`);
      assert.deepEqual(notOk, []);
      assert.ok(results.length >= 60, `${results.length} audits`);
    });
  });
}
