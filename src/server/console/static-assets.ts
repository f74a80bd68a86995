// The console's files (src/console/: HTML, CSS and plain ES modules, no build step), served at `/` and
// `/console/...`. They hold no data: every page fetches it from the API with the user's credentials.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the console's files are. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The console's pages may load only their own files and talk only to this server. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Every file of the console, by URL path, read once at start (a fixed list: no path from a request reaches the disk). */
function consoleFiles(dir: string): Map<string, { type: string; body: Buffer; etag: string }> {
  const files = new Map<string, { type: string; body: Buffer; etag: string }>();
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (TYPES[extname(e.name)]) {
        const body = readFileSync(join(dir, path));
        files.set(`/console/${path}`, { type: TYPES[extname(e.name)], body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
      }
    }
  };
  walk('');
  return files;
}

/** Serves the console: `/` is its page, `/console/<file>` its scripts and styles. */
export function registerConsole(app: FastifyInstance, dir = CONSOLE_DIR): void {
  const files = consoleFiles(dir);
  // no-cache + ETag: the browser asks every time and gets a 304 while the file is the same
  const send = (request: FastifyRequest, reply: FastifyReply, path: string) => {
    const f = files.get(path);
    if (!f) return undefined;
    reply.headers({ ...SECURITY_HEADERS, etag: f.etag });
    if (request.headers['if-none-match'] === f.etag) return reply.code(304).send();
    return reply.code(200).type(f.type).send(f.body);
  };
  app.get('/', async (request: FastifyRequest, reply: FastifyReply) => send(request, reply, '/console/index.html'));
  app.get('/console/*', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    const sent = send(request, reply, path);
    if (sent) return sent;
    return reply.callNotFound();
  });
}
