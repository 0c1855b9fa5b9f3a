import { ClientHeaders } from "../shared/cors.ts";
import { isErrorCode, type ErrorBody } from "../shared/errors.ts";
import { ROUTES, fillPath, routeMethod, routePath, type AuthMode } from "../shared/api/routes.ts";
import type { ClientRoute, HasBody, HasQuery, RouteBodyInput, RouteParams, RouteQueryInput, RouteResponse } from "../shared/api/contract.ts";
import { parseRetryAfter, resolveBackoff, retryDelay, type BackoffOptions, type ResolvedBackoff } from "./backoff.ts";
import { Emitter } from "./emitter.ts";
import { AuthError, HttpError, NetworkError, SdkError, isAbort } from "./errors.ts";
import type { FetchLike } from "./platform.ts";

export type QueryValue = string | number | boolean | undefined;

/** A route `call` takes: a client route of the shared table (shared/api/routes.ts), e.g. `"GET /v1/leaderboards/:id"`. */
export type ApiRoute = ClientRoute;

type ParamsPart<R extends ApiRoute> = keyof RouteParams<R> extends never ? { params?: never } : { params: RouteParams<R> };
type BodyPart<R extends ApiRoute> = HasBody<R> extends true ? { body: RouteBodyInput<R> } : { body?: never };
type QueryPart<R extends ApiRoute> = HasQuery<R> extends true ? { query?: RouteQueryInput<R> & Record<string, QueryValue> } : { query?: never };

export interface CallControl {
  signal?: AbortSignal;
  /** Retries of retryable failures (network, 429, 503) with backoff; `Retry-After` is a floor. @default 2 for GET, 0 otherwise */
  retries?: number;
  headers?: Record<string, string>;
}

/** The options of `call(route, options)`: path parameters, query and body as the contract types them. */
export type CallOptions<R extends ApiRoute> = ParamsPart<R> & BodyPart<R> & QueryPart<R> & CallControl;

/** `[options?]` when nothing is required, `[options]` otherwise. */
export type CallArgs<R extends ApiRoute> = {} extends Omit<CallOptions<R>, keyof CallControl> ? [options?: CallOptions<R>] : [options: CallOptions<R>];

/** Where the HTTP client gets tokens (the auth client implements it). */
export interface TokenSource {
  getToken(request: TokenRequest): Promise<string | undefined>;
}

export type TokenRequestReason =
  /** Before a request or a join. */
  | "connect"
  /** A room said the token expires soon (`auth.expiring`). */
  | "expiring"
  /** The server rejected `token` (401, a room's auth failure). */
  | "rejected"
  /** A room closed because `token` expired (4101). */
  | "expired";

export interface TokenRequest {
  reason: TokenRequestReason;
  /** The token being replaced (rejected, expired or expiring). */
  token?: string;
  /** For "expiring": when the server says it expires (seconds since the epoch). */
  expiresAt?: number;
}

export interface RawRequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** @default "required" (the admin API is not for clients) */
  auth?: Exclude<AuthMode, "admin">;
  /** Use exactly this token, and never refresh on 401 (the refresh call itself). */
  token?: string;
  signal?: AbortSignal;
  /** @default 2 for GET, 0 otherwise */
  retries?: number;
  headers?: Record<string, string>;
  /**
   * Whether an answer means "your token was refused" (refresh once, then
   * AuthError). @default status 401
   */
  isAuthFailure?: (error: HttpError) => boolean;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

export interface HttpRetryEvent {
  method: string;
  path: string;
  /** 0-based number of the retry about to happen. */
  attempt: number;
  delayMs: number;
  error: SdkError;
}

export interface HttpClientOptions {
  baseUrl: string;
  fetch: FetchLike;
  tokens: TokenSource;
  backoff?: BackoffOptions;
  onListenerError?: (error: unknown) => void;
}

/**
 * The SDK's one HTTP helper: JSON in and out, `Authorization: Bearer` from
 * the token source, one token refresh on 401, retries of retryable failures
 * with the shared full-jitter backoff and `Retry-After` as a floor, and every
 * failure normalised to an SdkError subclass carrying the server's code.
 */
export class HttpClient {
  readonly baseUrl: string;
  readonly #fetch: FetchLike;
  readonly #tokens: TokenSource;
  readonly #backoff: ResolvedBackoff;
  readonly #events: Emitter<{ retry: HttpRetryEvent }>;

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl;
    this.#fetch = options.fetch;
    this.#tokens = options.tokens;
    this.#backoff = resolveBackoff(options.backoff);
    this.#events = new Emitter(options.onListenerError);
  }

  /** `retry` fires before each retry with the delay chosen (after `Retry-After`). */
  on(event: "retry", listener: (event: HttpRetryEvent) => void): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * A typed call of a client route of the shared table: a wrong route, a
   * missing path parameter, a wrong query or body field is a compile error;
   * the answer is the route's DTO. The auth mode comes from the table.
   */
  async call<R extends ApiRoute>(route: R, ...[options]: CallArgs<R>): Promise<RouteResponse<R>> {
    const opts = (options ?? {}) as { params?: Record<string, string>; body?: unknown; query?: Record<string, QueryValue> } & RawRequestOptions;
    const path = fillPath(routePath(route), opts.params);
    const response = await this.request<RouteResponse<R>>(routeMethod(route), path, { ...opts, auth: ROUTES[route].auth });
    return response.data;
  }

  async request<T>(method: string, path: string, options: RawRequestOptions = {}): Promise<HttpResponse<T>> {
    const auth = options.auth ?? "required";
    const retries = options.retries ?? (method === "GET" ? 2 : 0);
    const isAuthFailure = options.isAuthFailure ?? ((error: HttpError) => error.status === 401);
    let attempt = 0;
    let refreshed = options.token !== undefined; // an explicit token is never refreshed
    let token = auth === "none" ? undefined : (options.token ?? (await this.#tokens.getToken({ reason: "connect" })));

    for (;;) {
      let error: SdkError;
      try {
        return await this.#send<T>(method, path, options, token);
      } catch (caught) {
        if (!(caught instanceof SdkError)) throw caught;
        error = caught;
      }
      if (error instanceof HttpError && auth !== "none" && isAuthFailure(error)) {
        if (!refreshed) {
          refreshed = true;
          // One refresh per request: a second refusal means the new token is no better.
          token = await this.#tokens.getToken({ reason: "rejected", token });
          continue;
        }
        throw new AuthError(error.code, error.message, { status: error.status, cause: error });
      }
      if (!error.retryable || attempt >= retries || options.signal?.aborted) throw error;
      const delayMs = retryDelay(attempt, this.#backoff, error instanceof HttpError ? error.retryAfterMs : undefined);
      this.#events.emit("retry", { method, path, attempt, delayMs, error });
      await abortableDelay(delayMs, options.signal);
      attempt++;
    }
  }

  async #send<T>(method: string, path: string, options: RawRequestOptions, token: string | undefined): Promise<HttpResponse<T>> {
    // Header names from shared/cors.ts: the list every cross-origin preflight admits.
    const headers: Record<string, string> = { [ClientHeaders.ACCEPT]: "application/json", ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers[ClientHeaders.CONTENT_TYPE] = "application/json";
      body = JSON.stringify(options.body);
    }
    if (token) headers[ClientHeaders.AUTHORIZATION] = `Bearer ${token}`;
    let response: Response;
    try {
      response = await this.#fetch(this.url(path, options.query), { method, headers, body, signal: options.signal });
    } catch (error) {
      if (isAbort(error) || options.signal?.aborted) throw new SdkError("ABORTED", `${method} ${path} was aborted`, { cause: error });
      throw new NetworkError(`${method} ${path} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const text = await response.text().catch((error: unknown) => {
      throw new NetworkError(`${method} ${path}: the response body was cut off`, { cause: error });
    });
    let data: unknown = undefined;
    if (text !== "") {
      try {
        data = JSON.parse(text);
      } catch (error) {
        if (response.ok) throw new SdkError("BAD_RESPONSE", `${method} ${path}: the answer is not JSON`, { cause: error });
        data = text;
      }
    }
    if (!response.ok) throw httpErrorFrom(response, data, `${method} ${path}`);
    return { status: response.status, data: data as T, headers: response.headers };
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    const url = new URL(this.baseUrl + (path.startsWith("/") ? path : `/${path}`));
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

/**
 * Builds the HttpError for a non-2xx answer. Understands the project's
 * `{error:{code,message}}` shape (shared/errors.ts) and falls back to the
 * status for anything else (a proxy's HTML page, Colyseus's `{code,error}`).
 */
export function httpErrorFrom(response: Response, data: unknown, what: string): HttpError {
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const body = (data as Partial<ErrorBody> | undefined)?.error;
  if (body && typeof body === "object" && isErrorCode(body.code)) {
    return new HttpError(response.status, body.code, body.message ?? `${what}: ${response.status}`, { retryAfterMs, details: body.details, requestId });
  }
  const message = typeof data === "object" && data !== null && typeof (data as { error?: unknown }).error === "string" ? (data as { error: string }).error : `${what} answered ${response.status}`;
  return new HttpError(response.status, "HTTP_ERROR", message, { retryAfterMs, requestId, details: data });
}

/** Waits `ms`, or rejects with ABORTED as soon as `signal` fires. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SdkError("ABORTED", "aborted"));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new SdkError("ABORTED", "aborted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
