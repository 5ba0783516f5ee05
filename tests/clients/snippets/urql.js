import { Client, cacheExchange, fetchExchange } from "@urql/core";

// urql at its defaults: short queries go out as GET /graphql?query=…
export function leerroute(url, token) {
  return new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    fetchOptions: () => (token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
  });
}

export async function school(client, brin) {
  const query = "query School($brin: String!) { school(brin: $brin) { id name sector region { code } } }";
  const { data, error } = await client.query(query, { brin }).toPromise();
  if (error) throw error;
  return data.school;
}
