// Rates per group and cohort: a table of the API's counts and rates, and a bar chart of one
// chosen rate (a bar per cohort, a row per group). Used for "per school" (grouped by cohort
// and vmbo or mbo school) and, through leerlab.js, for leerlab pupils against the others.

import * as charts from "./charts.js";
import * as table from "./table.js";

export const MEASURES = [
  ["enrolledRate", "Ingeschreven bij mbo"],
  ["retainedRate", "Gebleven (na het eerste jaar)"],
  ["switchedRate", "Overgestapt"],
  ["droppedOutRate", "Uitgevallen"],
  ["choseBeforeExamRate", "Koos vóór het examen"],
];

const COLUMNS = [
  { label: "Cohort", kind: "text" },
  null, // the group column, named by the caller
  { label: "Leerlingen", kind: "count" },
  { label: "Ingeschreven", kind: "count" },
  ...MEASURES.map(([, label]) => ({ label, kind: "rate" })),
];

/**
 * Loads `DashboardRates` grouped by `groupBy` and draws it. `group(key)` names a row's group;
 * `groupLabel` heads that column; `measure` is the rate the chart shows.
 */
export async function show(api, { filter, groupBy, group, groupLabel, measure, chartElement, tableElement, caption }) {
  const data = await api.query("rates", { filter, groupBy });
  const stats = data.transitionStats;
  const values = (row) => [row.leavers, row.enrolled, ...MEASURES.map(([field]) => row[field])];
  const rows = stats.rows.map((row) => [row.key.cohort, group(row.key), ...values(row)]);
  const columns = [...COLUMNS];
  columns[1] = { label: groupLabel, kind: "text" };
  const model = {
    caption,
    columns,
    rows,
    total: ["Alle gekozen cohorten", "Totaal", ...values(stats.total)],
    minCell: stats.minCellSize,
  };
  table.render(tableElement, model);
  drawChart(chartElement, stats.rows, group, measure);
  return model;
}

function drawChart(element, rows, group, measure) {
  const categories = [...new Set(rows.map((row) => group(row.key)))];
  const cohorts = [...new Set(rows.map((row) => row.key.cohort))].sort();
  const series = cohorts.map((cohort) => ({
    name: cohort,
    values: categories.map((category) => {
      const row = rows.find((r) => r.key.cohort === cohort && group(r.key) === category);
      return row ? row[measure] : null;
    }),
  }));
  const label = MEASURES.find(([field]) => field === measure)[1];
  charts.rateBars(
    element,
    categories,
    series,
    `Staafdiagram: ${label.toLowerCase()} per groep en cohort, in procenten. ` +
      `De tabel ernaast bevat dezelfde percentages en de aantallen.`,
  );
}
