/** The HTTP status names NSX puts in `httpStatus`. */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  423: 'LOCKED',
  429: 'TOO_MANY_REQUESTS',
  431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  500: 'INTERNAL_SERVER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * np2dfw's numeric error codes (NSX error bodies carry a number in `error_code`). Stable: scripts may rely on them.
 * Documented in src/server/README.md.
 */
export const ERROR_CODES = {
  /** The body is not valid JSON. */
  MALFORMED_JSON: 10001,
  /** The body or a query parameter does not match the schema (wrong type, unknown field, missing field). */
  INVALID_REQUEST: 10002,
  /** The body is larger than the server accepts. */
  BODY_TOO_LARGE: 10003,
  /** The content type is not application/json. */
  UNSUPPORTED_MEDIA_TYPE: 10004,
  /** No credentials, or wrong ones. */
  NOT_AUTHENTICATED: 10010,
  /** Too many requests from this client (429, with Retry-After). */
  RATE_LIMITED: 10012,
  /** The user's role does not allow this. */
  NOT_AUTHORIZED: 10011,
  /** No such object or path. */
  NOT_FOUND: 10020,
  /** The `_revision` given is not the object's current one. */
  REVISION_CONFLICT: 10030,
  /** The object is referenced by another object. */
  IN_USE: 10031,
  /** The object exists already. */
  ALREADY_EXISTS: 10032,
  /** A cluster's inventory was refused (invalid Kubernetes objects). */
  INVALID_INVENTORY: 10040,
  /** The server is stopping, or its database does not answer (503). */
  UNAVAILABLE: 10050,
  /** Anything unexpected; the server's log has the details. */
  INTERNAL: 10099,
} as const;

/** An NSX-style API error: the HTTP status, a numeric code and a message, and optional related errors. */
export class ApiError extends Error {
  /** The HTTP status (4xx or 5xx). */
  readonly status: number;
  /** One of ERROR_CODES. */
  readonly code: number;
  /** Further errors (NSX's `related_errors`), e.g. one per invalid field. */
  readonly related: readonly { error_code: number; error_message: string }[];
  constructor(status: number, code: number, message: string, related: readonly { error_code: number; error_message: string }[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.related = related;
  }
}

/** The body of an error response, as NSX shapes it. */
export interface NsxErrorBody {
  /** The HTTP status's name, e.g. `BAD_REQUEST`. */
  readonly httpStatus: string;
  /** A numeric error code (ERROR_CODES). */
  readonly error_code: number;
  /** The module that produced the error. */
  readonly module_name: string;
  /** What went wrong, in one sentence. */
  readonly error_message: string;
  /** Further errors, when there are several. */
  readonly related_errors?: readonly { error_code: number; error_message: string; module_name: string }[];
}

/** The name of an HTTP status, e.g. 412 -> PRECONDITION_FAILED. */
export function httpStatusName(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
}

/** Builds the NSX error body of an ApiError. */
export function errorBody(e: ApiError): NsxErrorBody {
  const body: NsxErrorBody = {
    httpStatus: httpStatusName(e.status),
    error_code: e.code,
    module_name: 'np2dfw',
    error_message: e.message,
    ...(e.related.length ? { related_errors: e.related.map((r) => ({ ...r, module_name: 'np2dfw' })) } : {}),
  };
  return body;
}

/** 400 with INVALID_REQUEST. */
export function badRequest(message: string, related: readonly { error_code: number; error_message: string }[] = []): ApiError {
  return new ApiError(400, ERROR_CODES.INVALID_REQUEST, message, related);
}

/** 404 with NOT_FOUND. */
export function notFound(message: string): ApiError {
  return new ApiError(404, ERROR_CODES.NOT_FOUND, message);
}
