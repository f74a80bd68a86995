import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Permission, Principal } from '../auth/roles.ts';
import type { JsonSchema } from './schemas.ts';

/** The methods the API serves. */
export type Method = 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';

/** What a handler gets: the request, the authenticated principal, and a way to name the change for the audit log. */
export interface HandlerContext {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  /** Who is calling (always set: every route but /openapi.json requires credentials). */
  readonly principal: Principal;
  /** Path parameters. */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters. */
  readonly query: Readonly<Record<string, unknown>>;
  /** The parsed JSON body (undefined without one). */
  readonly body: unknown;
}

/**
 * One API operation. The table of these drives routing, authorization (`permission`; `ownCluster` additionally
 * lets an adapter act on its own cluster only), the audit log (`audit` names the change) and /openapi.json.
 */
export interface RouteSpec {
  readonly method: Method;
  /** Fastify path, e.g. `/policy/api/v1/infra/domains/default/groups/:id`. */
  readonly url: string;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** What the caller's role must allow. */
  readonly permission: Permission;
  /**
   * When set, the route acts on the cluster named by this path parameter, and an `antrea_adapter` principal may
   * use it only for its own cluster. `alsoPermission`: a second permission that also grants access (any cluster).
   */
  readonly ownCluster?: { readonly param: string; readonly alsoPermission?: Permission };
  /** The action's name in the audit log (every non-GET route has one). */
  readonly audit?: string;
  /** The request body's schema (validated by the handler; published in OpenAPI). */
  readonly body?: JsonSchema;
  /** The 2xx response's schema (OpenAPI only). */
  readonly response?: JsonSchema;
  /** Query parameters (OpenAPI only): name -> description. */
  readonly query?: Readonly<Record<string, string>>;
  /** Largest body in bytes (default: the server's limit). */
  readonly bodyLimit?: number;
  /** The 2xx status (default 200). */
  readonly status?: number;
  /** Does the work; returns the response body. Throw ApiError for 4xx. */
  readonly handler: (ctx: HandlerContext) => unknown | Promise<unknown>;
}
