// The benchmarks' HTTP client of np2dfw serve: JSON in and out, a thrown Error (with the body) on any non-2xx.

/** A function that calls the API at `baseUrl` as `user` with HTTP basic credentials. */
export function apiClient(baseUrl: string, user: string, password: string): (method: string, path: string, body?: unknown) => Promise<any> {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return async (method, path, body) => {
    const headers: Record<string, string> = { authorization: auth };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
}
