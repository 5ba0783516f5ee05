// The dashboard page: sign-in, then every section for the cohorts chosen, each drawn from
// the API with the visitor's token. Without a token only the sign-in shows.

import * as api from "./api.js";
import * as flow from "./flow.js";
import * as needs from "./needs.js";
import * as pipeline from "./pipeline.js";
import * as rates from "./rates.js";
import * as signals from "./signals.js";
import * as table from "./table.js";

const $ = (id) => document.getElementById(id);

const ROLES = {
  ADMIN: "beheerder",
  COORDINATOR: "Verbinder (coördinator)",
  INTEGRATION: "koppeling",
  SCHOOL_STAFF: "schoolmedewerker",
  RMC: "RMC-medewerker",
  COACH: "coach",
  STUDENT: "leerling",
};

/** What the sections share: the scope of the token, school names and the shown models. */
const state = { viewer: null, scope: {}, names: null, schoolYear: null, cohorts: [], models: {} };

function showSignIn(message = "") {
  $("dashboard").hidden = true;
  $("menu").hidden = true;
  $("wie").hidden = true;
  $("aanmelden").hidden = false;
  $("aanmeldfout").textContent = message;
}

/** The filter every statistic is asked with: school staff see their own school's figures. */
function scopeOf(viewer) {
  if (viewer.role !== "SCHOOL_STAFF" || !viewer.school) return {};
  return viewer.school.sector === "MBO"
    ? { mboSchoolBrin: viewer.school.brin }
    : { voSchoolBrin: viewer.school.brin };
}

function describeViewer(viewer) {
  const role = ROLES[viewer.role] ?? viewer.role.toLowerCase();
  const where = viewer.school
    ? `${viewer.school.name} (${viewer.school.brin})`
    : viewer.region
      ? `regio ${viewer.region.name} (${viewer.region.code})`
      : "alle regio’s";
  return `Aangemeld als ${role} · ${where}`;
}

/**
 * Names for the BRINs and leerlab codes the statistics return: the schools and leerlabs of
 * the viewer's region (all, for admin). An unknown one shows as its code.
 */
async function loadNames(viewer) {
  const regionCode = viewer.region?.code ?? viewer.school?.region?.code ?? null;
  const schools = new Map();
  const voSchools = [];
  const leerlabs = new Map();
  let after = null;
  for (let page = 0; page < 20; page++) {
    const data = await api.query("names", { regionCode, after });
    for (const school of data.schools.nodes) {
      schools.set(school.brin, school.name);
      if (school.sector === "VO") voSchools.push(school);
    }
    for (const leerlab of data.leerlabs.nodes) leerlabs.set(leerlab.code, leerlab.name);
    if (!data.schools.pageInfo.hasNextPage) break;
    after = data.schools.pageInfo.endCursor;
  }
  return {
    voSchools,
    of: (brin) => (brin ? schools.get(brin) ?? brin : "Onbekend"),
    leerlab: (code) => (code ? leerlabs.get(code) ?? `Leerlab ${code}` : "Buiten een leerlab"),
  };
}

function chosenCohorts() {
  return [...document.querySelectorAll("#cohortkeuzes input:checked")].map((input) => input.value);
}

/** The filter of every section; an empty choice would mean "all cohorts" to the API. */
function filter() {
  const cohorts = chosenCohorts();
  if (cohorts.length === 0) throw new api.ApiError("NO_COHORT", "Kies ten minste één cohort.");
  return { ...state.scope, cohorts };
}

function fillCohorts(cohorts) {
  const container = $("cohortkeuzes");
  container.replaceChildren(
    ...cohorts.map((cohort) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.value = cohort;
      input.checked = true;
      input.addEventListener("change", showAll);
      label.append(input, ` ${cohort}`);
      return label;
    }),
  );
  $("cohorten").hidden = cohorts.length === 0;
  $("geen-cohorten").hidden = cohorts.length > 0;
}

function fillMeasures(select, chosen) {
  select.replaceChildren(
    ...rates.MEASURES.map(([field, label]) => new Option(label.toLowerCase(), field, false, field === chosen)),
  );
}

/** Runs one section; its failure is shown in the section and does not stop the others. */
async function section(name, draw) {
  const error = $(`${name}-fout`);
  try {
    state.models[name] = await draw();
    error.hidden = true;
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") {
      api.signOut();
      showSignIn(failure.message);
      return;
    }
    state.models[name] = null;
    error.textContent = failure.message;
    error.hidden = false;
    if (!(failure instanceof api.ApiError)) console.error(failure);
  }
}

const SECTIONS = {
  stroom: () =>
    flow.show(api, {
      filter: filter(),
      names: state.names,
      view: document.querySelector("input[name=stroomindeling]:checked").value,
      chartElement: $("stroom-grafiek"),
      tableElement: $("stroom-tabel"),
    }),
  percentages: () => {
    const side = document.querySelector("input[name=schoolkant]:checked").value;
    const vo = side === "VO_SCHOOL";
    return rates.show(api, {
      filter: filter(),
      groupBy: ["COHORT", side],
      group: (key) =>
        vo ? state.names.of(key.voSchoolBrin) : key.mboSchoolBrin ? state.names.of(key.mboSchoolBrin) : "Geen mbo-inschrijving",
      groupLabel: vo ? "vmbo-school" : "mbo-school",
      caption: `Uitstroom per cohort en ${vo ? "vmbo-school" : "mbo-school"}`,
      measure: $("percentages-maat").value,
      chartElement: $("percentages-grafiek"),
      tableElement: $("percentages-tabel"),
    });
  },
  leerlab: () =>
    rates.show(api, {
      filter: filter(),
      groupBy: ["COHORT", "LEERLAB"],
      group: (key) => state.names.leerlab(key.leerlabCode),
      groupLabel: "Groep",
      caption: "Leerlab-leerlingen en de anderen, per cohort",
      measure: $("leerlab-maat").value,
      chartElement: $("leerlab-grafiek"),
      tableElement: $("leerlab-tabel"),
    }),
  behoeften: () => {
    const { cohorts } = filter();
    const needsFilter = { cohorts };
    if (state.scope.voSchoolBrin) needsFilter.schoolBrin = state.scope.voSchoolBrin;
    return needs.show(api, {
      filter: needsFilter,
      chartElement: $("behoeften-grafiek"),
      tableElement: $("behoeften-tabel"),
    });
  },
};

/** The vmbo schools whose signals get a row: vmbo staff's own school, else the region's. */
function signalSchools() {
  const own = state.scope.voSchoolBrin;
  return own ? [{ brin: own, name: state.names.of(own) }] : state.names.voSchools;
}

/** The current school year, as the server has it (`LEERROUTE_TODAY`), asked once. */
async function schoolYear() {
  if (!state.schoolYear) {
    state.schoolYear = (await api.query("schoolyear")).currentSchoolYear;
    $("schooljaar").textContent = ` (${state.schoolYear.name})`;
  }
  return state.schoolYear;
}

/** The sections about the current school year, which do not depend on the cohorts chosen. */
const YEAR_SECTIONS = {
  trechter: async () => {
    const readable = pipeline.READERS.has(state.viewer.role);
    $("trechter-geen").hidden = readable;
    $("trechter-inhoud").hidden = !readable;
    if (!readable) return null;
    return pipeline.show(api, {
      schoolYear: await schoolYear(),
      scope: state.scope,
      chartElement: $("trechter-grafiek"),
      tableElement: $("trechter-tabel"),
      explain: (minCell) => {
        for (const element of document.querySelectorAll(".trechter-min")) {
          element.textContent = new Intl.NumberFormat("nl-NL").format(minCell);
        }
      },
    });
  },
  signalen: async () => {
    const readable = signals.READERS.has(state.viewer.role);
    $("signalen-geen").hidden = readable;
    $("signalen-inhoud").hidden = !readable;
    if (!readable) return null;
    return signals.show(api, {
      schools: signalSchools(),
      chartElement: $("signalen-grafiek"),
      tableElement: $("signalen-tabel"),
    });
  },
};

function run(sections) {
  return Promise.all(Object.entries(sections).map(([name, draw]) => section(name, draw)));
}

async function showAll() {
  await run(SECTIONS);
  document.body.dataset.geladen = "ja";
}

async function start() {
  delete document.body.dataset.geladen;
  let viewer;
  try {
    viewer = (await api.query("viewer")).viewer;
  } catch (failure) {
    api.signOut();
    showSignIn(failure.message);
    return;
  }
  if (viewer.role === "ANONYMOUS") {
    api.signOut();
    showSignIn("Meld u aan met een token.");
    return;
  }
  $("aanmelden").hidden = true;
  $("wie").textContent = describeViewer(viewer);
  $("wie").hidden = false;
  $("menu").hidden = false;
  $("dashboard").hidden = false;
  state.viewer = viewer;
  state.scope = scopeOf(viewer);
  let year = Promise.resolve();
  try {
    state.names = await loadNames(viewer);
    year = run(YEAR_SECTIONS);
    const cohorts = await api.query("cohorts", { filter: state.scope });
    for (const element of document.querySelectorAll(".min")) {
      element.textContent = new Intl.NumberFormat("nl-NL").format(cohorts.transitionStats.minCellSize);
    }
    fillCohorts(cohorts.transitionStats.rows.map((row) => row.key.cohort).filter(Boolean).sort());
  } catch (failure) {
    if (failure.code === "UNAUTHENTICATED") {
      api.signOut();
      showSignIn(failure.message);
      return;
    }
    fillCohorts([]);
    $("geen-cohorten").textContent = failure.message;
    await year;
    document.body.dataset.geladen = "ja";
    return;
  }
  await Promise.all([year, showAll()]);
}

function wire() {
  $("aanmeldformulier").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("token").value.trim();
    if (!value) return;
    api.signIn(value);
    $("token").value = "";
    start();
  });
  $("afmelden").addEventListener("click", () => {
    api.signOut();
    showSignIn("U bent afgemeld.");
  });
  fillMeasures($("percentages-maat"), "enrolledRate");
  fillMeasures($("leerlab-maat"), "retainedRate");
  for (const input of document.querySelectorAll("input[name=stroomindeling]")) {
    input.addEventListener("change", () => section("stroom", SECTIONS.stroom));
  }
  for (const input of document.querySelectorAll("input[name=schoolkant]")) {
    input.addEventListener("change", () => section("percentages", SECTIONS.percentages));
  }
  $("percentages-maat").addEventListener("change", () => section("percentages", SECTIONS.percentages));
  $("leerlab-maat").addEventListener("change", () => section("leerlab", SECTIONS.leerlab));
  for (const button of document.querySelectorAll("button.csv")) {
    button.addEventListener("click", () => {
      const model = state.models[button.dataset.sectie];
      if (!model) return;
      const name = button.dataset.sectie;
      // What depends on the cohorts chosen says which; the school year's sections name the year.
      const cohorts =
        name in YEAR_SECTIONS ? (state.schoolYear ? `-${state.schoolYear.name}` : "") : `-${chosenCohorts().join("_") || "geen"}`;
      table.download(model, `leerroute-${name}${cohorts}.csv`);
    });
  }
}

wire();
if (api.token()) {
  start();
} else {
  showSignIn();
}
