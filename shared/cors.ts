/**
 * What a browser client sends cross-origin, in one place: the SDK builds
 * every request header from {@link ClientHeaders}, and the API's and the
 * matchmaker's CORS preflight answers admit exactly {@link CORS_REQUEST_HEADERS}
 * and {@link CORS_METHODS}. A header the SDK starts sending without listing it
 * here would be refused by every browser on another origin (a test drives
 * the SDK against a real server, records what it sends, and compares).
 * Browser-safe.
 */
export const ClientHeaders = {
  AUTHORIZATION: "authorization",
  CONTENT_TYPE: "content-type",
  ACCEPT: "accept",
  /** SSE resume (`Last-Event-ID`). */
  LAST_EVENT_ID: "last-event-id",
  /** `no-cache` on streams, so no cache or proxy between answers from a stored copy. */
  CACHE_CONTROL: "cache-control",
  /** An app's own correlation id; the server echoes a well-formed one. */
  REQUEST_ID: "x-request-id",
} as const;

export type ClientHeader = (typeof ClientHeaders)[keyof typeof ClientHeaders];

/** `Access-Control-Allow-Headers` of every cross-origin endpoint (API and /matchmake). */
export const CORS_REQUEST_HEADERS: readonly ClientHeader[] = Object.values(ClientHeaders);

/** `Access-Control-Allow-Methods`. */
export const CORS_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Response headers a page may read (`Access-Control-Expose-Headers`); the SDK reads these. */
export const CORS_EXPOSED_HEADERS = ["Retry-After", "X-Request-Id", "WWW-Authenticate", "ETag"] as const;
