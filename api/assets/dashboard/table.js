// Tables beside the charts (the accessible form of every chart, WCAG 2.1 AA) and their CSV
// download. A table holds raw API values; the page and the CSV show them alike: counts and
// rates in nl-NL notation, a hidden count as `< {minCellSize}`.

import * as format from "./format.js";

/**
 * A table model: `caption`, `columns` (`{label, kind}` with kind `text`, `count` or `rate`),
 * `rows` (arrays of raw values, one per column), `minCell` and an optional `total` row.
 */
export function cellText(kind, value, minCell) {
  if (kind === "count") return format.count(value, minCell);
  if (kind === "rate") return format.rate(value);
  return value ?? "";
}

function cell(tag, kind, value, minCell) {
  const element = document.createElement(tag);
  element.textContent = cellText(kind, value, minCell);
  if (kind !== "text") element.className = "getal";
  const spoken = format.spoken(kind, value, minCell);
  if (spoken) {
    element.classList.add("verborgen");
    element.setAttribute("aria-label", spoken);
    element.title = spoken;
  }
  return element;
}

/** Draws `model` into `container` (replacing what was there). */
export function render(container, model) {
  const table = document.createElement("table");
  const caption = table.createCaption();
  caption.textContent = model.caption;
  const head = table.createTHead().insertRow();
  for (const column of model.columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = column.label;
    if (column.kind !== "text") th.className = "getal";
    head.appendChild(th);
  }
  const body = table.createTBody();
  const rows = model.total ? [...model.rows, model.total] : model.rows;
  rows.forEach((values, index) => {
    const tr = body.insertRow();
    if (model.total && index === rows.length - 1) tr.className = "totaal";
    values.forEach((value, i) => {
      const kind = model.columns[i].kind;
      const th = i === 0 && kind === "text";
      const element = cell(th ? "th" : "td", kind, value, model.minCell);
      if (th) element.scope = "row";
      tr.appendChild(element);
    });
  });
  if (rows.length === 0) {
    const tr = body.insertRow();
    const td = tr.insertCell();
    td.colSpan = model.columns.length;
    td.textContent = "Geen gegevens voor deze keuze.";
  }
  const wrapper = document.createElement("div");
  wrapper.className = "tabelrol";
  wrapper.tabIndex = 0;
  wrapper.setAttribute("role", "region");
  wrapper.setAttribute("aria-label", model.caption);
  wrapper.appendChild(table);
  container.replaceChildren(wrapper);
}

function csvField(text) {
  return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The CSV of what the table shows, for Dutch spreadsheets: `;` between fields, decimal
 * commas, a byte-order mark so that accents survive, CRLF line ends.
 */
export function csv(model) {
  const rows = model.total ? [...model.rows, model.total] : model.rows;
  const lines = [model.columns.map((c) => csvField(c.label)).join(";")];
  for (const values of rows) {
    const fields = values.map((value, i) =>
      csvField(String(cellText(model.columns[i].kind, value, model.minCell))),
    );
    lines.push(fields.join(";"));
  }
  return "\ufeff" + lines.join("\r\n") + "\r\n";
}

/** Offers `model` as a CSV download named `name`. */
export function download(model, name) {
  const blob = new Blob([csv(model)], { type: "text/csv;charset=utf-8" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
