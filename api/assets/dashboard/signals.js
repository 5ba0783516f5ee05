// Open signals per vmbo school (signals(filter:)): for each vmbo school the token sees, how
// many of its pupils' signals are open and in progress, and the same over everything the token
// may read. Counts are the API's `totalCount`s, exact (whoever may read signals may read them
// one by one); the page asks for no signal itself (`first: 0`), so no pupil is read.

import * as charts from "./charts.js";
import * as table from "./table.js";

/** The roles that may read signals (DESIGN.md 4b); others are told so, and asked nothing. */
export const READERS = new Set(["ADMIN", "RMC", "SCHOOL_STAFF", "COACH"]);

const COLUMNS = [
  { label: "vmbo-school", kind: "text" },
  { label: "Open", kind: "count" },
  { label: "In behandeling", kind: "count" },
];

async function counts(api, schoolBrin) {
  const data = await api.query("signals", { schoolBrin });
  return [data.open.totalCount, data.inProgress.totalCount];
}

/** Loads the counts of `schools` (`{brin, name}`) and of the whole scope, and draws them. */
export async function show(api, { schools, chartElement, tableElement }) {
  const [perSchool, total] = await Promise.all([
    Promise.all(schools.map((school) => counts(api, school.brin))),
    counts(api, null),
  ]);
  const model = {
    caption: "Signalen die nog niet zijn opgelost, per vmbo-school van de leerling",
    columns: COLUMNS,
    rows: schools.map((school, i) => [school.name, ...perSchool[i]]),
    total: ["Alle signalen die u mag zien", ...total],
    minCell: 0,
  };
  table.render(tableElement, model);
  charts.stackedCounts(
    chartElement,
    schools.map((school) => school.name),
    COLUMNS.slice(1).map((column, c) => ({ name: column.label, values: perSchool.map((row) => row[c]) })),
    "Staafdiagram: per vmbo-school het aantal open signalen en signalen in behandeling. " +
      "De tabel ernaast bevat dezelfde aantallen.",
  );
  return model;
}
