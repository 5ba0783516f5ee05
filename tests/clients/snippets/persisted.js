// A trusted document by GET: register the file once (`leerroute documents add school.graphql`
// prints its id), then send only the id, so a CDN may cache what anonymous callers read.
export async function persisted(url, documentId, variables = {}, token) {
  const params = new URLSearchParams({ documentId, variables: JSON.stringify(variables) });
  const response = await fetch(`${url}?${params}`, {
    headers: { Accept: "application/graphql-response+json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors[0].extensions.code);
  return body.data;
}
