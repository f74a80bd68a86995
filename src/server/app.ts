import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { nestingDepthExceeds } from '../k8s/nesting-depth.ts';
import { Authenticator } from './auth/authenticate.ts';
import { mayReportFor, roleAllows, type Principal } from './auth/roles.ts';
import { ApiError, ERROR_CODES, errorBody, httpStatusName } from './http/api-error.ts';
import { openApiDocument } from './http/openapi.ts';
import type { RouteSpec } from './http/route.ts';
import { registerConsole } from './console/static-assets.ts';
import { aaaRoutes } from './routes/aaa-routes.ts';
import { adapterRoutes } from './routes/adapter-routes.ts';
import { consoleRoutes } from './routes/console-routes.ts';
import { importRoutes } from './routes/import-routes.ts';
import { inventoryRoutes } from './routes/inventory-routes.ts';
import { policyRoutes } from './routes/policy-routes.ts';
import type { ServerContext } from './server-context.ts';
import { HEALTH_PATHS, registerHealth, ServerLifecycle, unavailable } from './health.ts';

/** The largest request body by default (routes that take whole inventories or hierarchies allow more). */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/** The deepest nesting of JSON a body may have (Kubernetes objects and NSX bodies stay far below). */
export const MAX_JSON_DEPTH = 100;

/** The longest path parameter (NSX ids are up to 255 characters; longer ones get a 400 from the handler). */
const MAX_PARAM_LENGTH = 1024;

/** What a 401 answer tells the client it may use. */
const WWW_AUTHENTICATE = 'Basic realm="np2dfw", Bearer realm="np2dfw"';

/** Answers a request that never reached the router (bad request line, headers too large) with an NSX body. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'HPE_URI_TOO_LONG' || error.code === 'HPE_URI_OVERFLOW' ? 414 : 400;
  const message = status === 431 ? 'the request\'s headers are larger than this server accepts'
    : status === 414 ? 'the request\'s URL is longer than this server accepts' : 'the request is not valid HTTP';
  const body = JSON.stringify(errorBody(new ApiError(status, ERROR_CODES.INVALID_REQUEST, message)));
  socket.end(`HTTP/1.1 ${status} ${httpStatusName(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Options of the HTTP application. */
export interface AppOptions {
  /** TLS certificate and key (PEM); plain HTTP without them. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Where unexpected errors are logged (default stderr). */
  readonly logError?: (message: string) => void;
  /** The version shown in /openapi.json. */
  readonly version?: string;
  /** Requests in flight and the shutdown's state (start-server.ts drains with it). */
  readonly lifecycle?: ServerLifecycle;
  /**
   * Addresses or CIDRs of load balancers whose X-Forwarded-For is believed: the client's address (rate limits,
   * lockout audit) is then the one the load balancer saw. Without it the header is ignored.
   */
  readonly trustProxy?: readonly string[];
}

/** Every route of the API. */
export function allRoutes(ctx: ServerContext): RouteSpec[] {
  return [...policyRoutes(ctx), ...importRoutes(ctx), ...inventoryRoutes(ctx), ...adapterRoutes(ctx), ...aaaRoutes(ctx), ...consoleRoutes(ctx)];
}

/** Whether the principal may call the route with these path parameters. */
export function authorized(spec: RouteSpec, principal: Principal, params: Readonly<Record<string, string>>): boolean {
  if (spec.ownCluster) {
    if (spec.ownCluster.alsoPermission && roleAllows(principal.role, spec.ownCluster.alsoPermission)) return true;
    return roleAllows(principal.role, spec.permission) && mayReportFor(principal, params[spec.ownCluster.param]);
  }
  return roleAllows(principal.role, spec.permission);
}

/**
 * Builds the Fastify application: the NSX-compatible API on the server context. Every 4xx/5xx answer is an NSX
 * error body; nothing ever answers with a stack trace.
 */
export function buildApp(ctx: ServerContext, options: AppOptions = {}): FastifyInstance {
  const logError = options.logError ?? ((m: string) => process.stderr.write(`${m}\n`));
  const app = Fastify({
    logger: false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    forceCloseConnections: true,
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: answerClientError,
    // a path that does not decode (`%zz`): NSX's error shape, without echoing the URL
    frameworkErrors: (error: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const e = error.code === 'FST_ERR_BAD_URL' ? new ApiError(400, ERROR_CODES.INVALID_REQUEST, 'the URL\'s path is not valid percent-encoding')
        : new ApiError(400, ERROR_CODES.INVALID_REQUEST, 'the request is not valid');
      void reply.code(400).type('application/json').send(JSON.stringify(errorBody(e)));
    },
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
    ...(options.trustProxy?.length ? { trustProxy: [...options.trustProxy] } : {}),
  }) as unknown as FastifyInstance;
  // JSON only: a text/plain body is refused with 415 rather than parsed as a string
  app.removeContentTypeParser('text/plain');
  // JSON nested deeper than any object the API takes is refused before it is parsed
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && nestingDepthExceeds(body, MAX_JSON_DEPTH)) {
      done(new ApiError(400, ERROR_CODES.MALFORMED_JSON, `the body is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
  const auth = new Authenticator(ctx.users, ctx.loginGuard);
  const flushTimer = setInterval(() => void ctx.loginGuard.flush(), 60_000);
  flushTimer.unref();
  app.addHook('onClose', async () => {
    clearInterval(flushTimer);
    await ctx.loginGuard.flush();
  });
  const lifecycle = options.lifecycle ?? new ServerLifecycle();
  app.server.on('request', (req, res) => lifecycle.track(req, res));
  registerHealth(app, lifecycle, () => ctx.ping(), logError);
  // while stopping, every answer closes its connection, so that clients reconnect to another replica
  app.addHook('onSend', async (_request: FastifyRequest, reply: FastifyReply) => {
    if (lifecycle.draining) void reply.header('connection', 'close');
  });
  // every request, /openapi.json too, counts against its client's rate, before authentication (scrypt is costly);
  // the health probes do not, and a stopping server takes nothing new
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (HEALTH_PATHS.has(request.url.split('?')[0])) return;
    if (lifecycle.draining) throw unavailable('the server is shutting down; send the request again (to another replica)');
    const wait = ctx.rateLimiter.take(request.ip);
    if (wait > 0) {
      ctx.loginGuard.refused(request.ip, 'over the rate limit', 429);
      void reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new ApiError(429, ERROR_CODES.RATE_LIMITED, `too many requests from this client; retry after ${Math.ceil(wait / 1000)} s`);
    }
  });
  const principals = new WeakMap<FastifyRequest, Principal>();
  const routes = allRoutes(ctx);

  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
      onRequest: async (request: FastifyRequest) => {
        if (spec.audit) ctx.auditAction.set(request, { action: spec.audit, status: spec.status ?? 200 });
        const principal = await auth.authenticate(request.headers.authorization, request.ip);
        principals.set(request, principal);
        const params = request.params as Record<string, string>;
        if (!authorized(spec, principal, params)) {
          const cluster = spec.ownCluster ? params[spec.ownCluster.param] : undefined;
          throw new ApiError(403, ERROR_CODES.NOT_AUTHORIZED, principal.role === 'antrea_adapter' && cluster !== undefined
            ? `user ${principal.name} is the adapter of cluster ${principal.cluster ?? '?'} and may not act for cluster ${cluster}`
            : `user ${principal.name} (role ${principal.role}) may not ${spec.method} ${spec.url}`);
        }
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const result = await spec.handler({
          request, reply, principal: principals.get(request)!,
          params: request.params as Record<string, string>,
          query: (request.query ?? {}) as Record<string, unknown>,
          body: request.body,
        });
        reply.code(spec.status ?? 200);
        if (result === undefined) return reply.send();
        return reply.type('application/json').send(JSON.stringify(result));
      },
    });
  }

  const doc = openApiDocument(routes, options.version ?? '0.1.0');
  app.get('/openapi.json', async (_req: FastifyRequest, reply: FastifyReply) => reply.type('application/json').send(JSON.stringify(doc)));

  registerConsole(app);

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    const shown = path.length > 120 ? `${path.slice(0, 120)}...` : path;
    const e = new ApiError(404, ERROR_CODES.NOT_FOUND, `no such API: ${request.method} ${shown} (the API is listed at /openapi.json)`);
    return reply.code(404).type('application/json').send(JSON.stringify(errorBody(e)));
  });

  app.setErrorHandler(async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const e = toApiError(error);
    if (e.status === 401) void reply.header('www-authenticate', WWW_AUTHENTICATE);
    if (e.status >= 500 && e.code !== ERROR_CODES.UNAVAILABLE) logError(`np2dfw serve: ${request.method} ${request.url}: ${error.stack ?? error.message}`);
    const action = ctx.auditAction.get(request);
    // unauthenticated requests never write an audit entry each: the login guard audits them in aggregate
    if (action && !ctx.audited.has(request) && principals.has(request)) {
      try {
        await ctx.audit.record({
          user: principals.get(request)?.name ?? '-', method: request.method, path: request.url.split('?')[0], action: action.action,
          target: request.url.split('?')[0], status: e.status, result: 'failure', detail: e.message.slice(0, 1000),
        });
      } catch (auditError) {
        logError(`np2dfw serve: cannot write the audit log: ${(auditError as Error).message}`);
      }
    }
    return reply.code(e.status).type('application/json').send(JSON.stringify(errorBody(e)));
  });
  return app;
}

/** Maps any error to an ApiError: ours as they are, Fastify's by their code, anything else as a 500 without details. */
function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(400, ERROR_CODES.MALFORMED_JSON, `the body is not valid JSON: ${error.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'/, '').trim() || 'syntax error'}`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, ERROR_CODES.MALFORMED_JSON, 'the body is empty but its content type is application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, ERROR_CODES.BODY_TOO_LARGE, 'the body is larger than this API accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, ERROR_CODES.UNSUPPORTED_MEDIA_TYPE, 'send the body as application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, ERROR_CODES.INVALID_REQUEST, 'the Content-Length does not match the body');
  }
  if (error instanceof SyntaxError || (error as { statusCode?: number }).statusCode === 400) {
    return new ApiError(400, ERROR_CODES.MALFORMED_JSON, `the request is malformed: ${error.message}`);
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return new ApiError(status, ERROR_CODES.INVALID_REQUEST, error.message);
  return new ApiError(500, ERROR_CODES.INTERNAL, 'internal error; the server\'s log has the details');
}
