import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ERROR_CODES, errorBody } from './http/api-error.ts';

/** The probes of load balancers and orchestrators: no credentials, no audit entry, no rate limit. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** How long `/readyz` waits for the database's answer before saying it is not ready. */
export const READY_TIMEOUT_MS = 2000;

/** How long a clean shutdown waits for requests in flight and a running import by default. */
export const DEFAULT_GRACE_MS = 30_000;

/**
 * Whether the server is stopping, and how many requests it is answering. A stopping server answers `/readyz` with
 * 503 at once (the load balancer sends it nothing new) and every new request on a kept-alive connection with 503.
 */
export class ServerLifecycle {
  #draining = false;
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];

  /** Whether a shutdown has begun. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Requests whose answer is not finished yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Begins the shutdown: from now on the server is not ready. */
  startDraining(): void {
    this.#draining = true;
  }

  /** Counts a request from its arrival until its response is finished or its connection is gone. */
  track(_req: IncomingMessage, res: ServerResponse): void {
    this.#inFlight++;
    res.once('close', () => {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
    });
  }

  /** Resolves when no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }
}

/** 503 in NSX's error shape: the server is stopping or its database does not answer. */
export function unavailable(message: string): ApiError {
  return new ApiError(503, ERROR_CODES.UNAVAILABLE, message);
}

/** Resolves with `work`'s result, or rejects when it takes longer than `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Registers `GET /healthz` (liveness: the process answers; 200 `{"status": "UP"}`) and `GET /readyz` (readiness:
 * not stopping and the database answers a trivial query within READY_TIMEOUT_MS; 200 `{"status": "READY"}`, else
 * 503 in NSX's error shape). `pingDatabase` runs the trivial query.
 */
export function registerHealth(app: FastifyInstance, lifecycle: ServerLifecycle, pingDatabase: () => Promise<void>,
  logError: (message: string) => void, timeoutMs = READY_TIMEOUT_MS): void {
  const send = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).header('cache-control', 'no-store').type('application/json').send(JSON.stringify(body));
  app.get('/healthz', async (_req: FastifyRequest, reply: FastifyReply) => send(reply, 200, { status: 'UP' }));
  app.get('/readyz', async (_req: FastifyRequest, reply: FastifyReply) => {
    if (lifecycle.draining) return send(reply, 503, errorBody(unavailable('the server is shutting down')));
    try {
      await withTimeout(pingDatabase(), timeoutMs, 'the database');
    } catch (e) {
      // the answer says what failed; the driver's message (it may name hosts and users) goes to the log only
      const message = e instanceof Error ? e.message : String(e);
      logError(`np2dfw serve: /readyz: ${message}`);
      const reason = /did not answer within/.test(message) ? message : 'the database cannot be queried; the server\'s log has the details';
      return send(reply, 503, errorBody(unavailable(`not ready: ${reason}`)));
    }
    if (lifecycle.draining) return send(reply, 503, errorBody(unavailable('the server is shutting down')));
    return send(reply, 200, { status: 'READY' });
  });
}
