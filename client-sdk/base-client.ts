import { AuthClient, type GetToken } from "./auth.ts";
import { resolveBackoff, type BackoffOptions } from "./backoff.ts";
import { HttpClient } from "./http.ts";
import { LeaderboardsClient } from "./leaderboards.ts";
import { addLibraryLogger, listenerErrorHandler, type Logger } from "./logger.ts";
import { MatchesClient } from "./matches.ts";
import { httpBaseUrl, resolvePlatform, type Platform, type PlatformOptions } from "./platform.ts";

export interface BaseClientOptions extends PlatformOptions {
  /** The server's base URL (`http(s)://` or `ws(s)://`; HTTP and WebSocket share the port). */
  url: string;
  /** The app's token provider; without it the SDK manages a session (`client.auth.signInAsGuest`). */
  getToken?: GetToken;
  /** The reconnect policy shared by every transport: full jitter in 0.5 s .. 20 s by default. */
  backoff?: BackoffOptions;
  /** Built-in sessions refresh before a request when less than this is left. @default 10 */
  refreshLeadSeconds?: number;
  /**
   * Where the SDK's diagnostics go (`console` works). Without one the SDK
   * writes nothing to the console. Also receives what bundled libraries
   * (@colyseus/sdk) would have printed, in the browser bundles.
   */
  logger?: Logger;
  /**
   * Where an exception thrown by an app listener goes. @default the logger's
   * `error`; without a logger it is reported as an uncaught error, as for a DOM event listener
   */
  onListenerError?: (error: unknown) => void;
}

/** What every SDK client has: the HTTP transports (auth, leaderboards with live subscriptions, match results). */
export interface BaseClient {
  /** The HTTP base URL. */
  readonly url: string;
  readonly auth: AuthClient;
  /** The typed HTTP helper (`call("GET /v1/...", ...)`), for routes without a dedicated module. */
  readonly http: HttpClient;
  /** Typed leaderboard reads (top, a player's record, around a player) and live `subscribe` (SSE, long-poll fallback). */
  readonly leaderboards: LeaderboardsClient;
  /** Match results: `waitForResult` and `feed` (long polling), `get`, `history`, `spectate` (SSE). */
  readonly matches: MatchesClient;
  readonly platform: Platform;
  readonly logger?: Logger;
}

/** @internal The parts both entries build (client.ts for everything, leaderboards-entry.ts for the HTTP transports only). */
export function createBaseClient(options: BaseClientOptions): BaseClient & { onListenerError: (error: unknown) => void } {
  const url = httpBaseUrl(options.url);
  const platform = resolvePlatform(options);
  resolveBackoff(options.backoff); // fail fast on a bad policy
  if (options.logger) addLibraryLogger(options.logger);
  const onListenerError = options.onListenerError ?? listenerErrorHandler(options.logger);
  const auth = new AuthClient({ getToken: options.getToken, refreshLeadSeconds: options.refreshLeadSeconds, onListenerError });
  const http = new HttpClient({ baseUrl: url, fetch: platform.fetch, tokens: auth, backoff: options.backoff, onListenerError });
  auth.attach(http);
  return {
    url,
    auth,
    http,
    leaderboards: new LeaderboardsClient(http, { tokens: auth, fetch: platform.fetch, backoff: options.backoff, network: platform.network, onListenerError }),
    matches: new MatchesClient(http, options.backoff, { tokens: auth, fetch: platform.fetch, network: platform.network, onListenerError }),
    platform,
    logger: options.logger,
    onListenerError,
  };
}
