// ECharts (vendored, global `echarts`) drawn as SVG, resized with its container so the page
// works on a laptop and a tablet. Charts only show API values; their tables carry the same
// numbers for those who cannot see the chart.

import * as format from "./format.js";

const charts = new Map();

/** The chart of `element`, made once. */
function chartOf(element) {
  let chart = charts.get(element);
  if (!chart) {
    chart = echarts.init(element, null, { renderer: "svg", locale: "EN" });
    new ResizeObserver(() => chart.resize()).observe(element);
    charts.set(element, chart);
  }
  return chart;
}

/** Labels the chart for screen readers: its table beside it says the same in full. */
function describe(element, text) {
  element.setAttribute("role", "img");
  element.setAttribute("aria-label", text);
}

const textStyle = { fontFamily: "inherit", color: "#1b1b1b", fontSize: 13 };

/**
 * A Sankey diagram. `nodes`: `{name, depth, shown}` (`shown`: the published count as text);
 * `links`: `{source, target, value}` with published, non-hidden values only.
 */
export function sankey(element, nodes, links, description) {
  describe(element, description);
  const chart = chartOf(element);
  const shown = new Map(nodes.map((n) => [n.name, n.shown]));
  chart.setOption(
    {
      aria: { enabled: false },
      animation: false,
      textStyle,
      tooltip: {
        trigger: "item",
        formatter: (p) =>
          p.dataType === "edge"
            ? `${escape(p.data.source)} → ${escape(p.data.target)}: ${format.count(p.data.value)}`
            : `${escape(p.name)}: ${escape(shown.get(p.name) ?? "")}`,
      },
      series: [
        {
          type: "sankey",
          left: 8,
          right: 150,
          top: 12,
          bottom: 12,
          nodeGap: 12,
          draggable: false,
          emphasis: { focus: "adjacency" },
          label: { color: "#1b1b1b", fontSize: 13 },
          lineStyle: { color: "gradient", opacity: 0.45 },
          data: nodes.map(({ name, depth }) => ({ name, depth })),
          links,
        },
      ],
    },
    true,
  );
}

/**
 * Horizontal bars of one rate: a category per group, a series per cohort. Missing rates
 * draw no bar; the table says why.
 */
export function rateBars(element, categories, series, description) {
  describe(element, description);
  element.style.height = `${Math.max(260, 70 + categories.length * (18 + 14 * series.length))}px`;
  const chart = chartOf(element);
  chart.resize();
  chart.setOption(
    {
      aria: { enabled: false },
      animation: false,
      textStyle,
      legend: { top: 0, itemGap: 24, textStyle },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: (v) => format.rate(v === null || v === undefined ? null : v / 100),
      },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: categories, axisLabel: { width: 180, overflow: "truncate" } },
      series: series.map((s) => ({
        name: s.name,
        type: "bar",
        data: s.values.map((v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10)),
      })),
    },
    true,
  );
}

/** Horizontal bars of published counts (hidden ones draw no bar). */
export function countBars(element, categories, values, minCell, description) {
  describe(element, description);
  element.style.height = `${Math.max(260, 40 + categories.length * 30)}px`;
  const chart = chartOf(element);
  chart.resize();
  chart.setOption(
    {
      aria: { enabled: false },
      animation: false,
      textStyle,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => format.count(v, minCell) },
      xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: (v) => format.count(v, minCell) } },
      yAxis: { type: "category", inverse: true, data: categories },
      series: [{ type: "bar", name: "Leerlingen", data: values, itemStyle: { color: "#01689b" } }],
    },
    true,
  );
}

/** Stacked horizontal bars of exact counts: a category per row, a series per part. */
export function stackedCounts(element, categories, series, description) {
  describe(element, description);
  element.style.height = `${Math.max(200, 70 + categories.length * 30)}px`;
  const chart = chartOf(element);
  chart.resize();
  chart.setOption(
    {
      aria: { enabled: false },
      animation: false,
      textStyle,
      color: ["#b00020", "#01689b"],
      legend: { top: 0, itemGap: 24, textStyle },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => format.count(v) },
      xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: (v) => format.count(v) } },
      yAxis: { type: "category", inverse: true, data: categories, axisLabel: { width: 180, overflow: "truncate" } },
      series: series.map((s) => ({ name: s.name, type: "bar", stack: "alle", data: s.values })),
    },
    true,
  );
}

/**
 * A funnel of published counts, in the order given (`steps`: `{name, value, shown}`, `shown`
 * the count as text). A hidden step (null) is left out; its table names it.
 */
export function funnel(element, steps, description) {
  describe(element, description);
  const drawn = steps.filter((step) => step.value !== null && step.value !== undefined);
  const chart = chartOf(element);
  chart.setOption(
    {
      aria: { enabled: false },
      animation: false,
      textStyle,
      color: ["#01689b"],
      tooltip: { trigger: "item", formatter: (p) => `${escape(p.name)}: ${escape(p.data.shown)}` },
      series: [
        {
          type: "funnel",
          sort: "none",
          left: 8,
          right: 8,
          top: 12,
          bottom: 12,
          min: 0,
          max: Math.max(1, ...drawn.map((step) => step.value)),
          minSize: "30%",
          gap: 4,
          label: { position: "inside", color: "#fff", fontSize: 13, formatter: (p) => `${p.name}: ${p.data.shown}` },
          data: drawn.map(({ name, value, shown }) => ({ name, value, shown })),
        },
      ],
    },
    true,
  );
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}
