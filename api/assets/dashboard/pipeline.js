// The pipeline of the current school year (pipelineStats): pupils on the roster → applied →
// applied before 1 April → offered → enrolled, as a funnel with the table of the same counts
// beside it. Each step is one published count; a hidden one is `< {minCellSize}` in the table
// and left out of the funnel. The school year is the server's (`currentSchoolYear`).

import * as charts from "./charts.js";
import * as format from "./format.js";
import * as table from "./table.js";

/** The roles that may ask for `pipelineStats` (DESIGN.md 4b); others are asked nothing. */
export const READERS = new Set(["ADMIN", "SCHOOL_STAFF", "COORDINATOR", "INTEGRATION", "RMC"]);

/** The funnel's steps: the API's field and its Dutch name, in order. */
export const STEPS = [
  ["pupils", "Leerlingen (leerjaar 3 en 4)"],
  ["applied", "Aangemeld bij een mbo-school"],
  ["appliedBeforeApril", "Aangemeld vóór 1 april"],
  ["offered", "Toegelaten (aanbod)"],
  ["enrolled", "Ingeschreven"],
];

const COLUMNS = [
  { label: "Stap", kind: "text" },
  { label: "Leerlingen", kind: "count" },
];

/**
 * Loads the funnel of `schoolYear` (a `SchoolYear` of the API) within `scope` (the viewer's
 * school filter, if any) and draws it; `explain` gets the minimum cell size for its line.
 */
export async function show(api, { schoolYear, scope, chartElement, tableElement, explain }) {
  const data = await api.query("pipeline", { filter: { ...scope, schoolYear: schoolYear.name } });
  const stats = data.pipelineStats;
  const minCell = stats.minCellSize;
  explain(minCell);
  const model = {
    caption: `Van leerling tot mbo-inschrijving, schooljaar ${schoolYear.name}`,
    columns: COLUMNS,
    rows: STEPS.map(([field, label]) => [label, stats.total[field]]),
    minCell,
  };
  table.render(tableElement, model);
  charts.funnel(
    chartElement,
    STEPS.map(([field, label]) => ({ name: label, value: stats.total[field], shown: format.count(stats.total[field], minCell) })),
    `Trechter: per stap het aantal leerlingen van schooljaar ${schoolYear.name}. ` +
      "De tabel ernaast bevat dezelfde aantallen, ook de verborgen.",
  );
  return model;
}
