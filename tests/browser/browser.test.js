// The dashboard and GraphiQL in a real browser: Debian's Chromium, headless, against
// `leerroute serve --demo`. Expected figures come from the test's own GraphQL requests with
// the same token, formatted with Node's own nl-NL Intl, never from the page's code.
//
// Checked on every page: no console error (a CSP violation is one), no failed request, and no
// request to anything but the server on 127.0.0.1. Screenshots go to $SCREENSHOTS.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import puppeteer from "puppeteer-core";

import { startDemo } from "./server.js";

const SCREENSHOTS = process.env.SCREENSHOTS;
const LAPTOP = { width: 1366, height: 900 };
const TABLET = { width: 768, height: 1024 };

const integer = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat("nl-NL", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const countText = (value, minCell) => (value === null ? `< ${minCell}` : integer.format(value));
const rateText = (value) => (value === null ? "–" : percent.format(value));

let demo;
let browser;
let profile;
let coordinator;
let rmc;

before(async () => {
  demo = await startDemo(process.env.LEERROUTE_BIN);
  coordinator = demo.token("--role", "coordinator", "--region", "AMS");
  rmc = demo.token("--role", "rmc", "--region", "AMS");
  profile = mkdtempSync(path.join(os.tmpdir(), "leerroute-chromium-"));
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM,
    ignoreDefaultArgs: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profile}`,
      // Belt and braces: a name other than the test server's address resolves nowhere.
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
      "about:blank",
    ],
  });
});

after(async () => {
  await browser?.close();
  demo?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/**
 * A page whose every request is recorded, and with it its `problems`: console errors, page
 * errors, failed requests, HTTP errors and any request to somewhere else than the server.
 */
async function openPage(viewport = LAPTOP) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const requests = [];
  const problems = [];
  page.on("request", (request) => {
    const url = request.url();
    requests.push({ url, method: request.method(), body: request.postData() ?? "" });
    if (!url.startsWith(`${demo.base}/`) && !url.startsWith("data:") && !url.startsWith("blob:")) {
      problems.push(`request outside the server: ${url}`);
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  page.on("requestfailed", (request) => {
    if (!request.url().startsWith("blob:")) {
      problems.push(`failed request ${request.url()}: ${request.failure()?.errorText}`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return { page, requests, problems };
}

async function waitLoaded(page) {
  await page.waitForSelector("body[data-geladen=ja]", { timeout: 60_000 });
}

/** The text of every cell of the table in `containerId`, row by row (header row first). */
function tableText(page, containerId) {
  return page.$eval(`#${containerId} table`, (table) =>
    [...table.rows].map((row) => [...row.cells].map((cell) => cell.textContent.trim())),
  );
}

function assertNoProblems(problems) {
  assert.deepEqual(problems, [], problems.join("\n"));
}

async function schoolNames() {
  const data = await demo.graphql(
    `{ schools(filter: {regionCode: "AMS"}, first: 100) { nodes { brin name } } }`,
    {},
    coordinator,
  );
  return new Map(data.schools.nodes.map((s) => [s.brin, s.name]));
}

describe("the dashboard", () => {
  test("anonymous visitors see only the sign-in, and the page asks the API nothing", async () => {
    const { page, requests, problems } = await openPage();
    await page.goto(`${demo.base}/dashboard`, { waitUntil: "networkidle0" });
    assert.equal(await page.$eval("#aanmelden", (e) => e.hidden), false);
    assert.equal(await page.$eval("#dashboard", (e) => e.hidden), true);
    assert.equal(requests.filter((r) => r.url.endsWith("/graphql")).length, 0);
    assertNoProblems(problems);
    await page.close();
  });

  test("a bad token is refused and not kept", async () => {
    const { page, problems } = await openPage();
    await page.goto(`${demo.base}/dashboard`, { waitUntil: "networkidle0" });
    await page.type("#token", "not-a-token");
    await page.click("#aanmeldformulier button[type=submit]");
    await page.waitForFunction(() => document.getElementById("aanmeldfout").textContent.includes("ongeldig"));
    assert.equal(await page.evaluate(() => sessionStorage.getItem("leerroute.token")), null);
    assert.equal(await page.$eval("#dashboard", (e) => e.hidden), true);
    // The refusal is the API's 401 (which the browser logs); the page says it in Dutch.
    const unexpected = problems.filter((p) => !p.includes("401"));
    assertNoProblems(unexpected);
    await page.close();
  });

  test("a coordinator's token from the URL fragment: flows, rates, needs equal the API's", async () => {
    const { page, requests, problems } = await openPage();
    await page.goto(`${demo.base}/dashboard#token=${coordinator}`);
    await waitLoaded(page);

    // The token left the address bar for sessionStorage, and went nowhere else.
    const storage = await page.evaluate(() => ({
      hash: location.hash,
      session: sessionStorage.getItem("leerroute.token"),
      local: localStorage.length,
      cookie: document.cookie,
    }));
    assert.deepEqual(storage, { hash: "", session: coordinator, local: 0, cookie: "" });
    const who = await page.$eval("#wie", (e) => e.textContent);
    assert.match(who, /Verbinder.*Amsterdam/);

    const cohorts = await page.$$eval("#cohortkeuzes input", (inputs) => inputs.map((i) => i.value));
    const apiCohorts = await demo.graphql(
      `{ transitionStats(groupBy: [COHORT]) { rows { key { cohort } } } }`,
      {},
      coordinator,
    );
    assert.deepEqual(cohorts, apiCohorts.transitionStats.rows.map((r) => r.key.cohort).sort());
    assert.ok(cohorts.length >= 2, `demo cohorts: ${cohorts}`);

    await checkSankey(page, cohorts);
    await checkRates(page, cohorts);
    await checkNeeds(page, cohorts);
    await checkCsv(page);
    await checkFunnel(page, coordinator);
    await checkCsv(page, "trechter");

    // Signals are pupil data a coordinator may not read: the page says so and asks nothing.
    assert.equal(await page.$eval("#signalen-geen", (e) => e.hidden), false);
    assert.equal(await page.$eval("#signalen-inhoud", (e) => e.hidden), true);
    assert.ok(!requests.some((r) => r.body.includes("DashboardSignals")), "no signals asked for");

    // Every number came from /graphql, with the coordinator's token.
    assert.ok(requests.some((r) => r.url === `${demo.base}/graphql` && r.method === "POST"));
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-laptop.png"), fullPage: true });
    await page.$eval("#pijplijn", (e) => e.scrollIntoView());
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-funnel.png") });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-laptop-top.png") });
    assertNoProblems(problems);

    // A tablet: the same page, no sideways scrolling, charts fit their column.
    await page.setViewport(TABLET);
    await page.reload();
    await waitLoaded(page);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
      chart: document.getElementById("stroom-grafiek").getBoundingClientRect().width,
    }));
    assert.ok(widths.page <= widths.window, JSON.stringify(widths));
    assert.ok(widths.chart <= widths.window && widths.chart > 600, JSON.stringify(widths));
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-tablet.png"), fullPage: true });
    assertNoProblems(problems);
    await page.close();
  });
});

async function checkSankey(page, cohorts) {
  const data = await demo.graphql(
    `query($f: TransitionStatsFilter) {
      pairs: transitionStats(filter: $f, groupBy: [VO_SCHOOL, MBO_SCHOOL]) { minCellSize rows { key { voSchoolBrin mboSchoolBrin } enrolled } }
      vo: transitionStats(filter: $f, groupBy: [VO_SCHOOL]) { rows { key { voSchoolBrin } notEnrolled } }
      mbo: transitionStats(filter: $f, groupBy: [MBO_SCHOOL]) { rows { key { mboSchoolBrin } retained switched droppedOut } }
    }`,
    { f: { cohorts } },
    coordinator,
  );
  const names = await schoolNames();
  const expected = [];
  for (const row of data.pairs.rows) {
    if (row.key.mboSchoolBrin) {
      expected.push([names.get(row.key.voSchoolBrin), names.get(row.key.mboSchoolBrin), row.enrolled]);
    }
  }
  for (const row of data.vo.rows) expected.push([names.get(row.key.voSchoolBrin), "Geen mbo-inschrijving", row.notEnrolled]);
  for (const row of data.mbo.rows) {
    if (!row.key.mboSchoolBrin) continue;
    const name = names.get(row.key.mboSchoolBrin);
    expected.push([name, "Gebleven", row.retained], [name, "Overgestapt", row.switched], [name, "Uitgevallen", row.droppedOut]);
  }
  const drawn = await page.evaluate(() => {
    const option = echarts.getInstanceByDom(document.getElementById("stroom-grafiek")).getOption();
    return { nodes: option.series[0].data.map((n) => n.name), links: option.series[0].links };
  });
  const key = ([from, to, value]) => `${from} → ${to}: ${value}`;
  const visible = expected.filter(([, , value]) => value !== null && value > 0);
  assert.deepEqual(drawn.links.map((l) => key([l.source, l.target, l.value])).sort(), visible.map(key).sort());

  // The demo schools are the nodes: IJburg College and the ROC's colleges it sends pupils to.
  const schools = new Set(visible.flatMap(([from, to]) => [from, to]).filter((n) => [...names.values()].includes(n)));
  assert.ok(schools.has("IJburg College"), [...schools].join(", "));
  assert.ok(schools.has("MBO College Zuid"), [...schools].join(", "));
  for (const school of schools) assert.ok(drawn.nodes.includes(school), `${school} is no node`);
  const fixed = ["Geen mbo-inschrijving", "Gebleven", "Overgestapt", "Uitgevallen"];
  for (const node of drawn.nodes) assert.ok(schools.has(node) || fixed.includes(node), `unexpected node ${node}`);
  const svgText = await page.$eval("#stroom-grafiek svg", (svg) => svg.textContent);
  assert.ok(svgText.includes("IJburg College"), "the node label is drawn");

  // The table lists every flow, hidden ones as "< minCellSize".
  const minCell = data.pairs.minCellSize;
  const rows = (await tableText(page, "stroom-tabel")).slice(1);
  assert.deepEqual(rows, expected.map(([from, to, value]) => [from, to, countText(value, minCell)]));
}

const FUNNEL = [
  ["pupils", "Leerlingen (leerjaar 3 en 4)"],
  ["applied", "Aangemeld bij een mbo-school"],
  ["appliedBeforeApril", "Aangemeld vóór 1 april"],
  ["offered", "Toegelaten (aanbod)"],
  ["enrolled", "Ingeschreven"],
];

/** The funnel of the server's current school year equals `pipelineStats` for `token`. */
async function checkFunnel(page, token) {
  const { currentSchoolYear } = await demo.graphql(`{ currentSchoolYear { name } }`, {}, token);
  const year = currentSchoolYear.name;
  const data = await demo.graphql(
    `query($f: PipelineStatsFilter!) { pipelineStats(filter: $f, groupBy: []) { minCellSize total { ${FUNNEL.map(([f]) => f).join(" ")} } } }`,
    { f: { schoolYear: year } },
    token,
  );
  const stats = data.pipelineStats;
  const minCell = stats.minCellSize;
  assert.equal(await page.$eval("#trechter-inhoud", (e) => e.hidden), false);
  assert.equal(await page.$eval("#trechter-fout", (e) => e.hidden), true);
  assert.equal(await page.$eval("#pijplijn-titel", (e) => e.textContent), `Dit schooljaar (${year})`);
  assert.ok(stats.total.pupils > 0 && stats.total.applied > 0, `the demo has a pipeline in ${year}`);

  // The table: every step, hidden ones as "< minCellSize", in the order of the funnel.
  const rows = await tableText(page, "trechter-tabel");
  assert.deepEqual(rows[0], ["Stap", "Leerlingen"]);
  assert.deepEqual(rows.slice(1), FUNNEL.map(([field, label]) => [label, countText(stats.total[field], minCell)]));
  const caption = await page.$eval("#trechter-tabel caption", (e) => e.textContent);
  assert.ok(caption.includes(year), caption);

  // The funnel draws the published steps, in that order, with the same values.
  const drawn = await page.evaluate(() => {
    const option = echarts.getInstanceByDom(document.getElementById("trechter-grafiek")).getOption();
    return option.series[0].data.map((d) => [d.name, d.value]);
  });
  const published = FUNNEL.filter(([field]) => stats.total[field] !== null).map(([field, label]) => [label, stats.total[field]]);
  assert.deepEqual(drawn, published);
  const svgText = await page.$eval("#trechter-grafiek svg", (svg) => svg.textContent);
  assert.ok(svgText.includes(`Leerlingen (leerjaar 3 en 4): ${integer.format(stats.total.pupils)}`), svgText);

  // The line why a count is hidden names the API's threshold.
  const line = await page.$eval("#trechter-uitleg", (e) => e.textContent.replace(/\s+/g, " "));
  assert.ok(line.includes(`‘< ${integer.format(minCell)}’`), line);
}

const RATE_FIELDS = ["enrolledRate", "retainedRate", "switchedRate", "droppedOutRate", "choseBeforeExamRate"];
const RATES_QUERY = `query($f: TransitionStatsFilter, $g: [TransitionDimension!]!) {
  transitionStats(filter: $f, groupBy: $g) {
    minCellSize
    rows { key { cohort voSchoolBrin leerlabCode } leavers enrolled ${RATE_FIELDS.join(" ")} }
    total { leavers enrolled ${RATE_FIELDS.join(" ")} }
  }
}`;

function rateCells(row, minCell) {
  return [countText(row.leavers, minCell), countText(row.enrolled, minCell), ...RATE_FIELDS.map((f) => rateText(row[f]))];
}

async function checkRates(page, cohorts) {
  const names = await schoolNames();
  const perSchool = (await demo.graphql(RATES_QUERY, { f: { cohorts }, g: ["COHORT", "VO_SCHOOL"] }, coordinator)).transitionStats;
  const minCell = perSchool.minCellSize;
  const expected = [
    ...perSchool.rows.map((row) => [row.key.cohort, names.get(row.key.voSchoolBrin), ...rateCells(row, minCell)]),
    ["Alle gekozen cohorten", "Totaal", ...rateCells(perSchool.total, minCell)],
  ];
  assert.deepEqual((await tableText(page, "percentages-tabel")).slice(1), expected);

  const leerlab = (await demo.graphql(RATES_QUERY, { f: { cohorts }, g: ["COHORT", "LEERLAB"] }, coordinator)).transitionStats;
  const labs = await demo.graphql(`{ leerlabs(filter: {regionCode: "AMS"}) { nodes { code name } } }`, {}, coordinator);
  const labName = new Map(labs.leerlabs.nodes.map((l) => [l.code, l.name]));
  const groupOf = (key) => (key.leerlabCode ? labName.get(key.leerlabCode) : "Buiten een leerlab");
  const groups = leerlab.rows.map((row) => [row.key.cohort, groupOf(row.key), ...rateCells(row, minCell)]);
  assert.ok(groups.some((g) => g[1] === "Leerlab IJburg College – ROC van Amsterdam"), JSON.stringify(groups));
  assert.ok(groups.some((g) => g[1] === "Buiten een leerlab"), JSON.stringify(groups));
  const table = (await tableText(page, "leerlab-tabel")).slice(1);
  assert.deepEqual(table.slice(0, -1), groups);

  // The chart shows the chosen rate of those rows: one bar series per cohort.
  const bars = await page.evaluate(() => {
    const option = echarts.getInstanceByDom(document.getElementById("leerlab-grafiek")).getOption();
    return { categories: option.yAxis[0].data, series: option.series.map((s) => ({ name: s.name, data: s.data })) };
  });
  assert.deepEqual(bars.series.map((s) => s.name), [...cohorts].sort());
  for (const series of bars.series) {
    series.data.forEach((value, i) => {
      const row = leerlab.rows.find(
        (r) => r.key.cohort === series.name && groupOf(r.key) === bars.categories[i],
      );
      const rate = row ? row.retainedRate : null;
      assert.equal(value, rate === null ? null : Math.round(rate * 1000) / 10, `${series.name} ${bars.categories[i]}`);
    });
  }
}

async function checkNeeds(page, cohorts) {
  const data = await demo.graphql(
    `query($f: NeedsStatsFilter) { needsStats(filter: $f, groupBy: [COHORT]) { minCellSize rows { key { cohort } respondents } total { respondents needs { need pupils } } } }`,
    { f: { cohorts } },
    coordinator,
  );
  const stats = data.needsStats;
  const rows = await tableText(page, "behoeften-tabel");
  assert.deepEqual(rows[0], ["Behoefte", ...stats.rows.map((r) => r.key.cohort), "Alle gekozen cohorten"]);
  assert.deepEqual(rows[1], [
    "Leerlingen met een zelfevaluatie",
    ...[...stats.rows, stats.total].map((r) => countText(r.respondents, stats.minCellSize)),
  ]);
  const digid = stats.total.needs.find((n) => n.need === "DIGID").pupils;
  assert.equal(rows.find((r) => r[0] === "DigiD").at(-1), countText(digid, stats.minCellSize));
  // The line that explains a hidden count names the API's threshold.
  const line = await page.$eval("#uitleg-klein", (e) => e.textContent.replace(/\s+/g, " "));
  assert.ok(line.includes(`‘< ${stats.minCellSize}’`), line);
}

async function checkCsv(page, section = "percentages") {
  const dir = mkdtempSync(path.join(os.tmpdir(), "leerroute-csv-"));
  try {
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: dir });
    await page.click(`button.csv[data-sectie=${section}]`);
    let files = [];
    for (let i = 0; i < 100 && !files.some((f) => f.endsWith(".csv")); i++) {
      await new Promise((r) => setTimeout(r, 100));
      files = readdirSync(dir);
    }
    const file = files.find((f) => f.endsWith(".csv"));
    assert.ok(file, `no CSV downloaded: ${files}`);
    assert.ok(file.startsWith(`leerroute-${section}`), file);
    const text = readFileSync(path.join(dir, file), "utf8");
    assert.ok(text.startsWith("\ufeff"), "byte-order mark for spreadsheets");
    const csv = text.slice(1).trimEnd().split("\r\n").map((line) => line.split(";"));
    const shown = await tableText(page, `${section}-tabel`);
    assert.deepEqual(csv, shown);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the dashboard's pipeline", () => {
  test("an rmc officer's token: open signals per vmbo school equal the API's", async () => {
    const { page, problems } = await openPage();
    await page.goto(`${demo.base}/dashboard#token=${rmc}`);
    await waitLoaded(page);
    assert.match(await page.$eval("#wie", (e) => e.textContent), /RMC.*Amsterdam/);
    assert.equal(await page.$eval("#signalen-inhoud", (e) => e.hidden), false);
    assert.equal(await page.$eval("#signalen-geen", (e) => e.hidden), true);
    assert.equal(await page.$eval("#signalen-fout", (e) => e.hidden), true);

    // The expected rows: every vmbo school of the region, then all the token may read.
    const SIGNALS = `query($s: String) {
      open: signals(filter: {schoolBrin: $s, status: OPEN}, first: 0) { totalCount }
      busy: signals(filter: {schoolBrin: $s, status: IN_PROGRESS}, first: 0) { totalCount }
    }`;
    const schools = await demo.graphql(`{ schools(filter: {regionCode: "AMS"}, first: 100) { nodes { brin name sector } } }`, {}, rmc);
    const vo = schools.schools.nodes.filter((s) => s.sector === "VO");
    const expected = [];
    for (const [label, brin] of [...vo.map((s) => [s.name, s.brin]), ["Alle signalen die u mag zien", null]]) {
      const data = await demo.graphql(SIGNALS, { s: brin }, rmc);
      expected.push([label, integer.format(data.open.totalCount), integer.format(data.busy.totalCount)]);
    }
    assert.ok(vo.some((s) => s.name === "IJburg College"), JSON.stringify(vo));
    const rows = await tableText(page, "signalen-tabel");
    assert.deepEqual(rows[0], ["vmbo-school", "Open", "In behandeling"]);
    assert.deepEqual(rows.slice(1), expected);
    assert.ok(Number(expected.at(-1)[1].replaceAll(".", "")) > 0, "the demo has open signals");

    // The chart draws the same counts: a bar per school, one series per status.
    const bars = await page.evaluate(() => {
      const option = echarts.getInstanceByDom(document.getElementById("signalen-grafiek")).getOption();
      return { categories: option.yAxis[0].data, series: option.series.map((s) => ({ name: s.name, data: s.data })) };
    });
    assert.deepEqual(bars.categories, vo.map((s) => s.name));
    assert.deepEqual(bars.series.map((s) => s.name), ["Open", "In behandeling"]);
    bars.series.forEach((series, c) => {
      assert.deepEqual(series.data.map((v) => integer.format(v)), expected.slice(0, -1).map((row) => row[c + 1]));
    });

    // Its CSV is what the table shows; the funnel above it is the rmc's own pipelineStats.
    await checkCsv(page, "signalen");
    await checkFunnel(page, rmc);
    await page.$eval("#pijplijn", (e) => e.scrollIntoView());
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-pipeline.png") });
    await page.setViewport(TABLET);
    await page.$eval("#pijplijn", (e) => e.scrollIntoView());
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-pipeline-tablet.png") });
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
    assert.ok(widths.page <= widths.window, JSON.stringify(widths));
    assertNoProblems(problems);
    await page.close();
  });
});

describe("GraphiQL", () => {
  test("loads from the server, runs a query, shows the docs and completes field names", async () => {
    const { page, problems } = await openPage();
    await page.goto(`${demo.base}/graphql`);
    await page.waitForSelector(".graphiql-container", { timeout: 60_000 });
    await page.waitForSelector(".graphiql-execute-button");

    await page.click(".graphiql-execute-button");
    await page.waitForFunction(
      () => document.querySelector(".graphiql-response")?.textContent.includes("Amsterdam"),
      { timeout: 30_000 },
    );

    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.waitForFunction(() => document.querySelector(".graphiql-doc-explorer")?.textContent.includes("Query"));
    await page.evaluate(() => {
      const link = [...document.querySelectorAll(".graphiql-doc-explorer a")].find((a) => a.textContent === "Query");
      link.click();
    });
    await page.waitForFunction(() => document.querySelector(".graphiql-doc-explorer")?.textContent.includes("transitionStats"));
    await page.screenshot({ path: path.join(SCREENSHOTS, "graphiql-docs.png") });

    // Autocompletion comes from the schema the docs were read from.
    await page.click(".graphiql-query-editor .CodeMirror");
    await page.keyboard.down("Control");
    await page.keyboard.press("KeyA");
    await page.keyboard.up("Control");
    await page.keyboard.press("Backspace");
    await page.keyboard.type("{ transitionSt");
    await page.waitForFunction(() => document.querySelector(".CodeMirror-hints")?.textContent.includes("transitionStats"), {
      timeout: 10_000,
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, "graphiql.png") });

    assert.equal(await page.evaluate(() => localStorage.length), 0, "GraphiQL keeps its state in sessionStorage");
    assertNoProblems(problems);
    await page.close();
  });
});
