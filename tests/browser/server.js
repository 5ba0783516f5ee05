// `leerroute serve --demo` on a free loopback port over a fresh SQLite file, for the browser
// test; tokens come from `leerroute token` against the same database (and its secrets).

import { execFileSync, spawn } from "node:child_process";
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

export async function startDemo(binary) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "leerroute-browser-"));
  const database = path.join(dir, "demo.db");
  const port = await freePort();
  const env = { ...process.env, RUST_LOG: "warn", LEERROUTE_RATE_LIMIT: "0" };
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
  return {
    base,
    port,
    token,
    /** A GraphQL request as the page makes it, for the expected values. */
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
    stop() {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
