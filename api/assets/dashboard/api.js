// Speaks GraphQL to this service with the visitor's own token: every number on the page is
// what /graphql answers for that token, so scope and disclosure control are the API's.

const TOKEN_KEY = "leerroute.token";
const documents = new Map();

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signIn(value) {
  sessionStorage.setItem(TOKEN_KEY, value.trim());
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An error of the API, with its `extensions.code` and a Dutch message for the page. */
export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const MESSAGES = {
  UNAUTHENTICATED: "Het token is ongeldig of verlopen. Meld u opnieuw aan.",
  FORBIDDEN: "Met dit token mag u deze cijfers niet zien.",
  RATE_LIMITED: "Te veel verzoeken in korte tijd. Probeer het over een minuut opnieuw.",
  UNAVAILABLE: "De dienst is even niet bereikbaar. Probeer het zo opnieuw.",
  QUERY_TOO_COMPLEX: "Deze vraag is te groot voor de dienst.",
};

function apiError(code) {
  return new ApiError(code, MESSAGES[code] || "Er ging iets mis bij het ophalen van de cijfers.");
}

/** The text of one of the dashboard's documents (`/assets/dashboard/queries/NAME.graphql`). */
async function documentText(name) {
  if (!documents.has(name)) {
    const response = await fetch(`/assets/dashboard/queries/${name}.graphql`);
    if (!response.ok) throw apiError("INTERNAL");
    documents.set(name, await response.text());
  }
  return documents.get(name);
}

/** Runs a dashboard document and returns its `data`; any error in the answer throws. */
export async function query(name, variables = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const current = token();
  if (current) headers.Authorization = `Bearer ${current}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query: await documentText(name), variables }),
    });
  } catch {
    throw apiError("UNAVAILABLE");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw apiError(response.status === 429 ? "RATE_LIMITED" : "INTERNAL");
  }
  const error = body.errors && body.errors[0];
  if (error) throw apiError(error.extensions && error.extensions.code);
  return body.data;
}
