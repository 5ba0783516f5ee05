// What pupils say they need (needsStats): per need, the pupils who named it in a
// self-evaluation, per cohort and over the chosen cohorts together, with a bar chart of the
// latter. Counts are the API's; a hidden one is `< {minCellSize}`.

import * as charts from "./charts.js";
import * as format from "./format.js";
import * as table from "./table.js";

export async function show(api, { filter, chartElement, tableElement }) {
  const data = await api.query("needs", { filter });
  const stats = data.needsStats;
  const cohorts = stats.rows.map((row) => row.key.cohort);
  const groups = [...stats.rows, stats.total];
  const countOf = (group, need) => {
    const entry = group.needs.find((n) => n.need === need);
    return entry ? entry.pupils : null;
  };
  const needs = Object.keys(format.NEEDS);
  const model = {
    caption: "Wat leerlingen zeggen nodig te hebben (leerlingen die het noemden, per cohort)",
    columns: [
      { label: "Behoefte", kind: "text" },
      ...cohorts.map((cohort) => ({ label: cohort, kind: "count" })),
      { label: "Alle gekozen cohorten", kind: "count" },
    ],
    rows: [
      ["Leerlingen met een zelfevaluatie", ...groups.map((g) => g.respondents)],
      ...needs.map((need) => [format.NEEDS[need], ...groups.map((g) => countOf(g, need))]),
    ],
    minCell: stats.minCellSize,
  };
  table.render(tableElement, model);
  charts.countBars(
    chartElement,
    needs.map((need) => format.NEEDS[need]),
    needs.map((need) => countOf(stats.total, need)),
    stats.minCellSize,
    "Staafdiagram: per behoefte het aantal leerlingen dat haar noemde, over de gekozen cohorten. " +
      "De tabel ernaast bevat dezelfde aantallen, ook per cohort.",
  );
  return model;
}
