/**
 * The one table of error codes (docs/protocol.md "Error codes"). Every HTTP error body is
 * `{ error: { code, message, details? } }`; the status comes from this table,
 * and `expose: false` codes never show their message to a client.
 * Browser-safe: the SDK imports this file too.
 */
export const ErrorCodes = {
  BAD_REQUEST: { status: 400, expose: true },
  VALIDATION_FAILED: { status: 400, expose: true },
  INVALID_JSON: { status: 400, expose: true },
  BAD_CURSOR: { status: 400, expose: true },
  UNKNOWN_MESSAGE: { status: 400, expose: true },
  UNAUTHORIZED: { status: 401, expose: true },
  TOKEN_EXPIRED: { status: 401, expose: true },
  TOKEN_INVALID: { status: 401, expose: true },
  FORBIDDEN: { status: 403, expose: true },
  NOT_FOUND: { status: 404, expose: true },
  ROUTE_NOT_FOUND: { status: 404, expose: true },
  METHOD_NOT_ALLOWED: { status: 405, expose: true },
  REQUEST_TIMEOUT: { status: 408, expose: true },
  CONFLICT: { status: 409, expose: true },
  PAYLOAD_TOO_LARGE: { status: 413, expose: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, expose: true },
  HEADERS_TOO_LARGE: { status: 431, expose: true },
  RATE_LIMITED: { status: 429, expose: true },
  TOO_MANY_STREAMS: { status: 429, expose: true },
  TOO_MANY_POLLS: { status: 429, expose: true },
  INTERNAL: { status: 500, expose: false },
  STORE_UNAVAILABLE: { status: 503, expose: true },
  DRAINING: { status: 503, expose: true },
  SERVER_BUSY: { status: 503, expose: true },
  /** The SDK's browser build (web/dist/sdk) is missing: the server was started without `npm install`/`npm run build:sdk`. */
  SDK_NOT_BUILT: { status: 503, expose: true },
} as const satisfies Record<string, { status: number; expose: boolean }>;

export type ErrorCode = keyof typeof ErrorCodes;

/** The JSON body of every HTTP error response. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** Validation issues, limits, etc. Present only where documented. */
    details?: unknown;
  };
}

export interface AppErrorOptions {
  details?: unknown;
  cause?: unknown;
  /** Seconds; sent as `Retry-After` on 429/503 answers. */
  retryAfter?: number;
  /** Extra response headers (e.g. `WWW-Authenticate`). */
  headers?: Record<string, string>;
}

/**
 * An error that carries one of the table's codes. Thrown anywhere on the
 * server; the API's error middleware turns it into `{error:{code,message}}`.
 */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryAfter?: number;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
    this.headers = options.headers;
  }

  get status(): number {
    return ErrorCodes[this.code].status;
  }

  get expose(): boolean {
    return ErrorCodes[this.code].expose;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ErrorCodes, value);
}
