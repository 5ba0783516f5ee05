// Numbers the Dutch way (nl-NL), and the one way a hidden count is shown: `< {minCellSize}`.
// Nothing here adds, subtracts or divides counts: a rate is the API's, or it is missing.

const integer = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat("nl-NL", {
  style: "percent",
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** A published count, or `< minCell` for a hidden one (null). */
export function count(value, minCell) {
  return value === null || value === undefined ? `< ${integer.format(minCell)}` : integer.format(value);
}

/** A rate of the API as a percentage, or a dash where the API gives none. */
export function rate(value) {
  return value === null || value === undefined ? "–" : percent.format(value);
}

/** What a screen reader says for a cell: "minder dan 5" rather than "kleiner-dan 5". */
export function spoken(kind, value, minCell) {
  if (value !== null && value !== undefined) return null;
  if (kind === "count") return `minder dan ${integer.format(minCell)}, niet getoond`;
  if (kind === "rate") return "geen percentage: een aantal is verborgen of nul";
  return null;
}

export const LEERWEGEN = {
  BB: "BB (basis)",
  KB: "KB (kader)",
  GL: "GL (gemengd)",
  TL: "TL (theoretisch)",
};

export function level(value) {
  return value === null || value === undefined ? "Geen mbo-inschrijving" : `mbo-niveau ${value}`;
}

export const NEEDS = {
  DIGID: "DigiD",
  FINANCES: "Geldzaken",
  DUO: "DUO",
  APPOINTMENTS: "Afspraken maken en nakomen",
  PLANNING: "Plannen",
  STUDY_SKILLS: "Studievaardigheden",
  INTERNSHIP: "Stage",
  STUDY_CHOICE: "Studiekeuze",
  WELLBEING: "Welzijn",
  OTHER: "Iets anders",
};
