// The console's only way to the server: the documented API, with the user's credentials on every call.
// Credentials live in this tab's sessionStorage (gone when the tab closes); the server checks every call.

const KEY = 'np2dfw.console';

/** An API error with NSX's error body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && typeof body.error_message === 'string' ? `${body.error_message} (HTTP ${status})` : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

function saved() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

let session = saved();

/** The signed-in user (`user_name`, `role`, `role_name`, `permissions`), or null. */
export function me() {
  return session ? session.me : null;
}

/** Whether the signed-in user's role holds a permission (as the server reported it). */
export function may(permission) {
  return Boolean(session && session.me.permissions && session.me.permissions.includes(permission));
}

async function call(method, path, body, authorization) {
  const headers = { accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  // credentials: 'omit': the Authorization header is ours; the browser neither adds its own nor prompts on a 401 challenge
  const res = await fetch(path, { method, headers, credentials: 'omit', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

/** Signs in: checks the credentials with GET /api/v1/aaa/user-info and keeps them for this tab. */
export async function login(user, password) {
  const authorization = `Basic ${btoa(String.fromCodePoint(...new TextEncoder().encode(`${user}:${password}`)))}`;
  const info = await call('GET', '/api/v1/aaa/user-info', undefined, authorization);
  session = { authorization, me: info };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return info;
}

/** Forgets the credentials. */
export function logout() {
  session = null;
  sessionStorage.removeItem(KEY);
}

/** Calls the API as the signed-in user. A 401 signs out. */
export async function api(method, path, body) {
  try {
    return await call(method, path, body, session ? session.authorization : undefined);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      logout();
      location.hash = '#/login';
    }
    throw e;
  }
}

/** A query string from an object, skipping empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** Every page of an NSX list (cursor paging), up to `max` results. */
export async function listAll(path, max = 20000) {
  const out = [];
  let cursor;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await api('GET', `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...r.results);
    if (!r.cursor || out.length >= max) return out;
    cursor = r.cursor;
  }
}
