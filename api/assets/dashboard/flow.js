// The flow: a Sankey diagram from the vmbo side (schools, or leerwegen) to the mbo side
// (schools, or levels) and on to stayed / switched / dropped out in the first year, with the
// table of every flow beside it. Each link is one published count of DashboardFlow; a hidden
// flow is left out of the diagram and shown in the table as `< {minCellSize}`.

import * as charts from "./charts.js";
import * as format from "./format.js";
import * as table from "./table.js";

const OUTCOMES = [
  ["retained", "Gebleven"],
  ["switched", "Overgestapt"],
  ["droppedOut", "Uitgevallen"],
];
const NOT_ENROLLED = "Geen mbo-inschrijving";

/** How each view groups and names its two sides. */
const VIEWS = {
  schools: {
    pairs: ["VO_SCHOOL", "MBO_SCHOOL"],
    sources: ["VO_SCHOOL"],
    targets: ["MBO_SCHOOL"],
    from: (key, names) => names.of(key.voSchoolBrin),
    to: (key, names) => (key.mboSchoolBrin ? names.of(key.mboSchoolBrin) : null),
    fromLabel: "vmbo-school",
    toLabel: "mbo-school",
  },
  levels: {
    pairs: ["LEERWEG", "LEVEL"],
    sources: ["LEERWEG"],
    targets: ["LEVEL"],
    from: (key) => format.LEERWEGEN[key.leerweg] ?? key.leerweg,
    to: (key) => (key.level === null ? null : format.level(key.level)),
    fromLabel: "leerweg",
    toLabel: "mbo-niveau",
  },
};

/** Loads and draws the flow of `view` for `filter` into the section's elements. */
export async function show(api, { filter, names, view, chartElement, tableElement }) {
  const spec = VIEWS[view];
  const data = await api.query("flow", {
    filter,
    pairs: spec.pairs,
    sources: spec.sources,
    targets: spec.targets,
  });
  const minCell = data.pairs.minCellSize;
  const flows = []; // [from, to, published count]
  for (const row of data.pairs.rows) {
    const to = spec.to(row.key, names);
    if (to !== null) flows.push([spec.from(row.key, names), to, row.enrolled]);
  }
  for (const row of data.sources.rows) {
    flows.push([spec.from(row.key, names), NOT_ENROLLED, row.notEnrolled]);
  }
  for (const row of data.targets.rows) {
    const from = spec.to(row.key, names);
    if (from === null) continue;
    for (const [field, label] of OUTCOMES) flows.push([from, label, row[field]]);
  }

  const nodes = new Map();
  const node = (name, depth, value) => {
    if (!nodes.has(name)) nodes.set(name, { name, depth, shown: format.count(value, minCell) });
  };
  for (const row of data.sources.rows) node(spec.from(row.key, names), 0, row.leavers);
  for (const row of data.targets.rows) {
    const name = spec.to(row.key, names);
    if (name !== null) node(name, 1, row.enrolled);
  }
  node(NOT_ENROLLED, 1, data.sources.total.notEnrolled);
  for (const [field, label] of OUTCOMES) node(label, 2, data.targets.total[field]);

  const links = flows
    .filter(([, , value]) => value !== null && value > 0)
    .map(([source, target, value]) => ({ source, target, value }));
  const used = new Set(links.flatMap((l) => [l.source, l.target]));
  charts.sankey(
    chartElement,
    [...nodes.values()].filter((n) => used.has(n.name)),
    links,
    `Stroomdiagram van ${spec.fromLabel} naar ${spec.toLabel} en het eerste mbo-jaar: ` +
      `${links.length} stromen. De tabel ernaast noemt elke stroom met zijn aantal.`,
  );

  const model = {
    caption: `Stromen van ${spec.fromLabel} naar ${spec.toLabel} en naar het eerste mbo-jaar (leerlingen)`,
    columns: [
      { label: "Van", kind: "text" },
      { label: "Naar", kind: "text" },
      { label: "Leerlingen", kind: "count" },
    ],
    rows: flows,
    minCell,
  };
  table.render(tableElement, model);
  return model;
}
