// `leerroute serve --demo` on a free loopback port, over a fresh SQLite file or a fresh
// PostgreSQL database (on the server of LEERROUTE_TEST_POSTGRES_URL), for the client suite.
// Tokens come from `leerroute token` against the same database and secrets.

import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `postgres://u@h:p/x?o` with the database replaced by `name`. */
function withDatabase(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function psql(serverUrl, sql) {
  execFileSync("psql", [serverUrl, "-v", "ON_ERROR_STOP=1", "-qc", sql], { stdio: ["ignore", "ignore", "inherit"] });
}

/** Starts the demo on `backend` ("sqlite" or "postgres"). */
export async function startDemo(binary, backend) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "leerroute-clients-"));
  const env = { ...process.env, RUST_LOG: "warn" };
  let database;
  let dropDatabase = () => {};
  if (backend === "postgres") {
    const serverUrl = process.env.LEERROUTE_TEST_POSTGRES_URL;
    const name = `lr_clients_${randomBytes(6).toString("hex")}`;
    psql(serverUrl, `CREATE DATABASE ${name}`);
    database = withDatabase(serverUrl, name);
    dropDatabase = () => psql(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    env.LEERROUTE_JWT_SECRET = randomBytes(32).toString("hex");
    env.LEERROUTE_LINK_SECRET = randomBytes(32).toString("hex");
  } else {
    database = path.join(dir, "demo.db");
  }
  const port = await freePort();
  const child = spawn(binary, ["serve", "--demo", "--listen", `127.0.0.1:${port}`, "--database-url", database], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`leerroute serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("leerroute serve did not become ready in 120 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  const token = (...args) =>
    execFileSync(binary, ["token", ...args, "--database-url", database], { env, encoding: "utf8" }).trim();
  /** Runs `leerroute ARGS...` against the demo's database (e.g. `documents add FILE`). */
  const cli = (...args) =>
    execFileSync(binary, [...args, "--database-url", database], { env, encoding: "utf8" }).trim();
  return {
    cli,
    url: `${base}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql/ws`,
    token,
    /** A plain POST, for setting up and for the expected values. */
    async graphql(query, variables, bearer) {
      const response = await fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      dropDatabase();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
