import { randomBytes } from "node:crypto";
import { z } from "zod";
import { GameRoomOptions } from "../shared/game/options.ts";
import { parseTrustProxy, type TrustProxy } from "../api/middleware/client-ip.ts";

/**
 * The only reader of `process.env` (DESIGN §3). Every variable is declared
 * once in {@link CONFIG_VARIABLES} with its default and doc line; the README's
 * configuration table lists exactly these (a test checks it).
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with protocol ${protocols.join(" or ")}`);

const trustProxy = z.string().transform((raw, ctx) => {
  const parsed = parseTrustProxy(raw);
  if (typeof parsed === "object" && !Array.isArray(parsed)) {
    ctx.addIssue({ code: "custom", message: parsed.error });
    return z.NEVER;
  }
  return parsed;
});

/** Options the matchmaker sets itself on every matchmade game (MATCH_GAME_OPTIONS may not). */
const MATCHMAKER_GAME_KEYS = ["teamSize", "teams", "matchId", "private", "listed", "side", "spectate", "friendly"];
const matchGameOptions = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON object" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.unknown()))
  .superRefine((options, ctx) => {
    const reserved = MATCHMAKER_GAME_KEYS.filter((key) => key in options);
    if (reserved.length > 0) ctx.addIssue({ code: "custom", message: `the matchmaker sets ${reserved.join(", ")} itself` });
    const parsed = GameRoomOptions.safeParse(options);
    if (!parsed.success) ctx.addIssue({ code: "custom", message: `not game room options: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}` });
  });

interface VariableSpec {
  schema: z.ZodType;
  default?: string;
  doc: string;
}

export const CONFIG_VARIABLES = {
  NODE_ENV: { schema: z.enum(["development", "production", "test"]), default: "development", doc: "`production` makes a missing TOKEN_SECRET / ADMIN_KEY an error and turns off permissive CORS." },
  PORT: { schema: port, default: "2567", doc: "HTTP + WebSocket port (one port for both). 0 picks a free port." },
  HOST: { schema: z.string().min(1), default: "0.0.0.0", doc: "Interface to bind." },
  PUBLIC_ADDRESS: { schema: z.string().min(1).optional(), doc: "host:port (optionally /path) that clients use to reach THIS process's rooms; set it on every process when several share Redis. Unset: one process → the SDK uses the URL it already has (right behind a proxy); with REDIS_URL → the bound host:port (right only without a proxy, on one machine)." },
  REDIS_URL: { schema: url(["redis:", "rediss:"]).optional(), doc: "Unset: embedded mode (memory stores, local presence). Set: Redis stores, pub/sub, presence and driver (distributed mode)." },
  REDIS_KEY_PREFIX: { schema: z.string().regex(/^[A-Za-z0-9:_.-]{0,64}$/, "letters, digits and : _ . - only"), default: "arena:", doc: "Prefix of every key (and the pub/sub channel) the stores write in Redis; processes sharing data must use the same one." },
  REDIS_CONNECT_TIMEOUT_MS: { schema: positiveInt(120_000), default: "5000", doc: "Distributed mode: how long start-up waits for Redis before failing (exit 1)." },
  RESULT_OUTBOX_LIMIT: { schema: positiveInt(1_000_000), default: "1000", doc: "Match results held in memory while Redis is unreachable (retried until it is back); past it, recording answers 503 STORE_UNAVAILABLE." },
  LEADERBOARDS_FILE: { schema: z.string().min(1).optional(), doc: "JSON file of leaderboard configs created (or updated) at start-up, besides the built-in boards; see docs/protocol.md." },
  TOKEN_SECRET: { schema: z.string().min(32, "must be at least 32 characters").optional(), doc: "HMAC secret for player tokens (HS256 JWT). Generated with a warning in development; required in production." },
  TOKEN_TTL_SECONDS: { schema: positiveInt(7 * 24 * 3600), default: "3600", doc: "Lifetime of a player token." },
  ADMIN_KEY: { schema: z.string().min(16, "must be at least 16 characters").optional(), doc: "Key for admin endpoints (`X-Admin-Key`). Generated and logged once in development; required in production." },
  LOG_LEVEL: { schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]), default: "info", doc: "pino log level; logs are JSON lines on stdout." },
  TICK_RATE_HZ: { schema: positiveInt(240), default: "40", doc: "Game simulation rate (fixed step); a multiple of PATCH_RATE_HZ, since game rooms send each patch right after a step." },
  PATCH_RATE_HZ: { schema: positiveInt(120), default: "20", doc: "Rate of binary state patches sent to room clients (game rooms: after every TICK_RATE_HZ / PATCH_RATE_HZ steps)." },
  SPECTATE_RATE_HZ: { schema: positiveInt(60), default: "5", doc: "State frames per second sent to SSE spectators of a live match." },
  WS_MAX_PAYLOAD_BYTES: { schema: positiveInt(1024 * 1024), default: "16384", doc: "Largest WebSocket frame a client may send; larger closes with 1009." },
  WS_PING_INTERVAL_MS: { schema: z.coerce.number().int().min(0).max(600_000), default: "3000", doc: "WebSocket ping interval (0 disables); keeps proxies from idling the socket out." },
  WS_PING_MAX_RETRIES: { schema: positiveInt(100), default: "2", doc: "Missed pings before a socket is terminated." },
  WS_MESSAGES_PER_SECOND: { schema: positiveInt(10_000), default: "60", doc: "Sustained room messages (and `room.request`s) per second per WebSocket (token bucket); a flood past it closes with 4103 RATE_LIMITED." },
  WS_MESSAGE_BURST: { schema: positiveInt(10_000), default: "120", doc: "Token-bucket burst for room messages per WebSocket." },
  WS_CONTROL_FRAMES_PER_SECOND: { schema: positiveInt(10_000), default: "10", doc: "Sustained frames per second per WebSocket that are not room messages (Colyseus PING, join/leave acks, unknown first bytes, WebSocket ping/pong); a flood past it closes with 4103 RATE_LIMITED." },
  WS_CONTROL_FRAME_BURST: { schema: positiveInt(10_000), default: "20", doc: "Token-bucket burst for those control frames per WebSocket." },
  WS_MAX_BUFFERED_BYTES: { schema: positiveInt(256 * 1024 * 1024), default: "4194304", doc: "Largest send backlog (bytes the server holds for a room client that does not read its socket); past it the client is closed with 4104 SLOW_CONSUMER." },
  RECONNECT_WINDOW_SECONDS: { schema: z.coerce.number().int().min(0).max(3600), default: "20", doc: "How long a dropped room client keeps its seat (0 disables)." },
  AUTH_REFRESH_LEAD_SECONDS: { schema: z.coerce.number().int().min(1).max(3600), default: "60", doc: "Rooms send `auth.expiring` this long before a client's token expires; unrefreshed clients are closed with 4101 at expiry." },
  DRAFT_POOL_LIMIT: { schema: positiveInt(5000), default: "500", doc: "Most players a draft room reads from the `rating` board into its pool (the league's rankings); players supplied at league creation come on top." },
  DRAFT_CLOSE_AFTER_SECONDS: { schema: z.coerce.number().int().min(0).max(86_400), default: "120", doc: "How long a complete draft's room stays open (rosters saved) before it closes with 4107." },
  DRAFT_IDLE_CLOSE_SECONDS: { schema: positiveInt(7 * 86_400), default: "600", doc: "A paused draft with no manager or commissioner connected is snapshotted and its room closed after this long (memory is reclaimed); the next `joinOrCreate(\"draft\", {leagueId})` restores it." },
  TEAM_MEMBERSHIP_LEASE_SECONDS: { schema: positiveInt(3600), default: "30", doc: "One team room per player: a team room's claim on each member lives this long in the store unless renewed (every third of it); after a process crash its members can join another team once it runs out." },
  MATCHMAKING_RATING_GAP: { schema: z.coerce.number().int().min(0).max(10_000), default: "100", doc: "Team matchmaking: largest difference of average ratings (Glicko-2) accepted at once." },
  MATCHMAKING_GAP_GROWTH_PER_SECOND: { schema: z.coerce.number().min(0).max(10_000), default: "10", doc: "Team matchmaking: the accepted rating gap grows by this much per second the older ticket has waited." },
  MATCHMAKING_MAX_RATING_GAP: { schema: z.coerce.number().int().min(0).max(10_000), default: "600", doc: "Team matchmaking: the accepted rating gap never grows past this." },
  MATCHMAKING_INTERVAL_MS: { schema: z.coerce.number().int().min(50).max(60_000), default: "500", doc: "How often a process with teams in the queue looks for matches." },
  MATCH_GAME_OPTIONS: { schema: matchGameOptions.optional(), doc: "JSON object of `game` room options for every matchmade game, e.g. `{\"matchSeconds\":120}` (not teamSize, teams, matchId, private, listed, friendly)." },
  LEADERBOARDS_PUBLIC: { schema: bool, default: "true", doc: "Leaderboard reads and streams need no token (a token, when sent, is still verified and bounds the stream)." },
  STREAM_HEARTBEAT_MS: { schema: z.coerce.number().int().min(100).max(300_000), default: "15000", doc: "SSE comment heartbeat; below the 30 s idle timeout of strict proxies." },
  STREAM_LIFETIME_MS: { schema: z.coerce.number().int().min(1000).max(86_400_000), default: "600000", doc: "SSE streams end after about this long (±10%) or at token expiry; clients resume with Last-Event-ID." },
  STREAM_WRITE_DEADLINE_MS: { schema: z.coerce.number().int().min(100).max(600_000), default: "5000", doc: "An SSE subscriber whose socket does not drain for this long is dropped (it resumes)." },
  STREAM_HISTORY: { schema: positiveInt(100_000), default: "256", doc: "Visible leaderboard changes kept per stream view for resume; older gaps get a snapshot." },
  STREAMS_PER_CLIENT: { schema: positiveInt(10_000), default: "8", doc: "Concurrent leaderboard streams (and change polls) per player or IP; more answer 429 TOO_MANY_STREAMS." },
  STREAMS_PER_IP: { schema: positiveInt(1_000_000), default: "256", doc: "Concurrent streams (leaderboard and spectator SSE, parked change polls) from one client IP, whatever tokens it uses; more answer 429 TOO_MANY_STREAMS. Players behind one NAT share it." },
  STREAMS_MAX: { schema: positiveInt(10_000_000), default: "10000", doc: "Concurrent streams (as above) on this process, all clients together (about 25 KB of memory each, docs/performance.md); more answer 503 SERVER_BUSY with Retry-After." },
  STREAM_PUBLISHERS_MAX: { schema: positiveInt(1_000_000), default: "1000", doc: "Live leaderboard publishers (one per board and running period with streams or change polls; each re-reads its board on every change) on this process; past it, a view of another board answers 503 SERVER_BUSY with Retry-After." },
  STREAM_PUBLISHER_LINGER_MS: { schema: z.coerce.number().int().min(0).max(3_600_000), default: "60000", doc: "How long a publisher nobody watches is kept (a resuming client finds its history); an idle one is dropped early when STREAM_PUBLISHERS_MAX is reached." },
  POLLS_PER_CLIENT: { schema: positiveInt(10_000), default: "8", doc: "Pending match-result long polls per player; more answer 429 TOO_MANY_POLLS." },
  POLLS_PER_IP: { schema: positiveInt(1_000_000), default: "256", doc: "Pending match-result long polls from one client IP, whatever tokens it uses; more answer 429 TOO_MANY_POLLS. Players behind one NAT share it." },
  POLLS_MAX: { schema: positiveInt(10_000_000), default: "10000", doc: "Pending match-result long polls on this process, all clients together (about 40 KB of memory each, docs/performance.md); more answer 503 SERVER_BUSY with Retry-After." },
  LONG_POLL_MAX_WAIT_SECONDS: { schema: z.coerce.number().int().min(1).max(25), default: "25", doc: "Longest hold of a long poll (the `wait` parameter is clamped to 1..this)." },
  GUEST_SIGNUPS_PER_MINUTE: { schema: positiveInt(1_000_000), default: "120", doc: "Guest sign-ins (`POST /v1/auth/guest`) per minute per client IP, also the burst: bounds how fast one address can mint identities to get around the per-player caps. More answer 429 RATE_LIMITED with Retry-After." },
  JOIN_ATTEMPTS_PER_MINUTE: { schema: positiveInt(100_000), default: "60", doc: "Join attempts per minute per player (per IP for requests without a valid token), also the burst: matchmaking joins (`POST /matchmake/{joinOrCreate,create,join,joinById}/…`; reconnects are not counted) and league joins by invite code. More answer 429 RATE_LIMITED with Retry-After." },
  HTTP_BODY_LIMIT_BYTES: { schema: positiveInt(10 * 1024 * 1024), default: "65536", doc: "Largest JSON request body; larger answers 413 PAYLOAD_TOO_LARGE." },
  HTTP_HEADERS_TIMEOUT_MS: { schema: positiveInt(600_000), default: "10000", doc: "How long a client has to send a request's headers; a slower one gets 408 REQUEST_TIMEOUT and the connection closes." },
  HTTP_REQUEST_TIMEOUT_MS: { schema: positiveInt(600_000), default: "30000", doc: "How long a client has to send a whole request, headers and body (at least HTTP_HEADERS_TIMEOUT_MS); a slower one gets 408 REQUEST_TIMEOUT and the connection closes. Only receiving counts: long polls and SSE streams are not cut." },
  CORS_ORIGINS: { schema: z.string().optional(), doc: "Comma-separated origins allowed by CORS, or `*`. Default: `*` outside production, none in production." },
  TRUST_PROXY: { schema: trustProxy, default: "false", doc: "Who may set the client IP in `X-Forwarded-For` (per-IP limits key on it): `false`; a number of proxy hops in front (e.g. `1` behind one nginx); a comma list of the proxies' addresses/CIDRs; or `true` (every hop: safe only if the proxy replaces the header). The client is the rightmost untrusted address (docs/operations.md)." },
  DRAIN_DELAY_MS: { schema: z.coerce.number().int().min(0).max(120_000), default: "0", doc: "On SIGTERM: how long `/readyz` answers 503 while still serving before the listener closes (give the load balancer time to notice)." },
  SHUTDOWN_GRACE_MS: { schema: z.coerce.number().int().min(0).max(600_000), default: "10000", doc: "On SIGTERM/SIGINT: how long rooms and requests get to finish before the process exits." },
} as const satisfies Record<string, VariableSpec>;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  publicAddress?: string;
  redisUrl?: string;
  /** Store keys in Redis: prefix, start-up timeout, outbox bound; and the start-up board file. */
  stores: { keyPrefix: string; connectTimeoutMs: number; outboxLimit: number; leaderboardsFile?: string };
  tokenSecret: string;
  tokenTtlSeconds: number;
  adminKey: string;
  logLevel: string;
  tickRateHz: number;
  patchRateHz: number;
  spectateRateHz: number;
  ws: {
    maxPayloadBytes: number;
    pingIntervalMs: number;
    pingMaxRetries: number;
    messagesPerSecond: number;
    messageBurst: number;
    controlFramesPerSecond: number;
    controlFrameBurst: number;
    maxBufferedBytes: number;
  };
  reconnectWindowSeconds: number;
  authRefreshLeadSeconds: number;
  /** Draft rooms (issue 8). */
  draft: { poolLimit: number; closeAfterSeconds: number; idleCloseSeconds: number };
  /** One team room per player: the lease of a member's claim. */
  teamMembershipLeaseSeconds: number;
  /** Team matchmaking (issue 7). */
  matchmaking: { policy: { initialGap: number; gapGrowthPerSecond: number; maxGap: number }; intervalMs: number; gameOptions: Record<string, unknown> };
  http: { bodyLimitBytes: number; joinAttemptsPerMinute: number; guestSignupsPerMinute: number; headersTimeoutMs: number; requestTimeoutMs: number };
  streams: {
    public: boolean;
    heartbeatMs: number;
    lifetimeMs: number;
    writeDeadlineMs: number;
    history: number;
    perClient: number;
    perIp: number;
    max: number;
    publishersMax: number;
    publisherLingerMs: number;
  };
  polls: { perClient: number; perIp: number; max: number; maxWaitSeconds: number };
  corsOrigins: "*" | string[];
  trustProxy: TrustProxy;
  drainDelayMs: number;
  shutdownGraceMs: number;
}

export interface LoadedConfig {
  config: Config;
  /** Things worth a loud log line (generated secrets). */
  warnings: string[];
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n")}`);
  }
}

/** Reads and validates the environment. Throws `ConfigError` naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): LoadedConfig {
  const values: Record<string, unknown> = {};
  const problems: { variable: string; message: string }[] = [];
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES) as [ConfigVariable, VariableSpec][]) {
    const raw = env[name] === "" ? undefined : env[name];
    const result = spec.schema.safeParse(raw ?? spec.default);
    if (result.success) values[name] = result.data;
    else problems.push({ variable: name, message: `${result.error.issues[0]?.message ?? "invalid"} (got ${JSON.stringify(raw)})` });
  }

  const nodeEnv = (values.NODE_ENV ?? "development") as Config["env"];
  const production = nodeEnv === "production";
  const warnings: string[] = [];

  let tokenSecret = values.TOKEN_SECRET as string | undefined;
  if (!tokenSecret && !problems.some((p) => p.variable === "TOKEN_SECRET")) {
    if (production) problems.push({ variable: "TOKEN_SECRET", message: "is required when NODE_ENV=production" });
    else {
      tokenSecret = randomBytes(32).toString("hex");
      warnings.push("TOKEN_SECRET is not set: generated a random one for this process. Tokens will not survive a restart and other processes will reject them. Set TOKEN_SECRET in any shared or lasting deployment.");
    }
  }
  let adminKey = values.ADMIN_KEY as string | undefined;
  if (!adminKey && !problems.some((p) => p.variable === "ADMIN_KEY")) {
    if (production) problems.push({ variable: "ADMIN_KEY", message: "is required when NODE_ENV=production" });
    else {
      adminKey = randomBytes(18).toString("base64url");
      warnings.push(`ADMIN_KEY is not set: generated one for this process: ${adminKey}`);
    }
  }

  const tick = values.TICK_RATE_HZ as number | undefined;
  const patch = values.PATCH_RATE_HZ as number | undefined;
  if (tick !== undefined && patch !== undefined && tick % patch !== 0) {
    // Game rooms patch right after a step (no second timer: input → state waits for one clock, not two).
    problems.push({ variable: "TICK_RATE_HZ", message: `must be a multiple of PATCH_RATE_HZ (${patch}); got ${tick}` });
  }

  const headersTimeout = values.HTTP_HEADERS_TIMEOUT_MS as number | undefined;
  const requestTimeout = values.HTTP_REQUEST_TIMEOUT_MS as number | undefined;
  if (headersTimeout !== undefined && requestTimeout !== undefined && headersTimeout > requestTimeout) {
    // Node refuses a header timeout longer than the whole request's.
    problems.push({ variable: "HTTP_REQUEST_TIMEOUT_MS", message: `must be at least HTTP_HEADERS_TIMEOUT_MS (${headersTimeout}); got ${requestTimeout}` });
  }

  if (problems.length > 0) throw new ConfigError(problems);
  if (values.REDIS_URL && !values.PUBLIC_ADDRESS) {
    warnings.push("REDIS_URL is set without PUBLIC_ADDRESS: rooms of this process are announced at its bound host:port, which clients reach only on the same machine without a proxy. Set PUBLIC_ADDRESS per process (docs/operations.md).");
  }

  const corsRaw = (values.CORS_ORIGINS as string | undefined)?.trim();
  const corsOrigins: Config["corsOrigins"] =
    corsRaw === undefined ? (production ? [] : "*") : corsRaw === "*" ? "*" : corsRaw.split(",").map((o) => o.trim()).filter(Boolean);

  return {
    config: {
      env: nodeEnv,
      port: values.PORT as number,
      host: values.HOST as string,
      publicAddress: values.PUBLIC_ADDRESS as string | undefined,
      redisUrl: values.REDIS_URL as string | undefined,
      stores: {
        keyPrefix: values.REDIS_KEY_PREFIX as string,
        connectTimeoutMs: values.REDIS_CONNECT_TIMEOUT_MS as number,
        outboxLimit: values.RESULT_OUTBOX_LIMIT as number,
        leaderboardsFile: values.LEADERBOARDS_FILE as string | undefined,
      },
      tokenSecret: tokenSecret!,
      tokenTtlSeconds: values.TOKEN_TTL_SECONDS as number,
      adminKey: adminKey!,
      logLevel: values.LOG_LEVEL as string,
      tickRateHz: values.TICK_RATE_HZ as number,
      patchRateHz: values.PATCH_RATE_HZ as number,
      spectateRateHz: values.SPECTATE_RATE_HZ as number,
      ws: {
        maxPayloadBytes: values.WS_MAX_PAYLOAD_BYTES as number,
        pingIntervalMs: values.WS_PING_INTERVAL_MS as number,
        pingMaxRetries: values.WS_PING_MAX_RETRIES as number,
        messagesPerSecond: values.WS_MESSAGES_PER_SECOND as number,
        messageBurst: values.WS_MESSAGE_BURST as number,
        controlFramesPerSecond: values.WS_CONTROL_FRAMES_PER_SECOND as number,
        controlFrameBurst: values.WS_CONTROL_FRAME_BURST as number,
        maxBufferedBytes: values.WS_MAX_BUFFERED_BYTES as number,
      },
      reconnectWindowSeconds: values.RECONNECT_WINDOW_SECONDS as number,
      authRefreshLeadSeconds: values.AUTH_REFRESH_LEAD_SECONDS as number,
      draft: {
        poolLimit: values.DRAFT_POOL_LIMIT as number,
        closeAfterSeconds: values.DRAFT_CLOSE_AFTER_SECONDS as number,
        idleCloseSeconds: values.DRAFT_IDLE_CLOSE_SECONDS as number,
      },
      teamMembershipLeaseSeconds: values.TEAM_MEMBERSHIP_LEASE_SECONDS as number,
      matchmaking: {
        policy: {
          initialGap: values.MATCHMAKING_RATING_GAP as number,
          gapGrowthPerSecond: values.MATCHMAKING_GAP_GROWTH_PER_SECOND as number,
          maxGap: values.MATCHMAKING_MAX_RATING_GAP as number,
        },
        intervalMs: values.MATCHMAKING_INTERVAL_MS as number,
        gameOptions: (values.MATCH_GAME_OPTIONS as Record<string, unknown> | undefined) ?? {},
      },
      http: {
        bodyLimitBytes: values.HTTP_BODY_LIMIT_BYTES as number,
        joinAttemptsPerMinute: values.JOIN_ATTEMPTS_PER_MINUTE as number,
        guestSignupsPerMinute: values.GUEST_SIGNUPS_PER_MINUTE as number,
        headersTimeoutMs: values.HTTP_HEADERS_TIMEOUT_MS as number,
        requestTimeoutMs: values.HTTP_REQUEST_TIMEOUT_MS as number,
      },
      streams: {
        public: values.LEADERBOARDS_PUBLIC as boolean,
        heartbeatMs: values.STREAM_HEARTBEAT_MS as number,
        lifetimeMs: values.STREAM_LIFETIME_MS as number,
        writeDeadlineMs: values.STREAM_WRITE_DEADLINE_MS as number,
        history: values.STREAM_HISTORY as number,
        perClient: values.STREAMS_PER_CLIENT as number,
        perIp: values.STREAMS_PER_IP as number,
        max: values.STREAMS_MAX as number,
        publishersMax: values.STREAM_PUBLISHERS_MAX as number,
        publisherLingerMs: values.STREAM_PUBLISHER_LINGER_MS as number,
      },
      polls: {
        perClient: values.POLLS_PER_CLIENT as number,
        perIp: values.POLLS_PER_IP as number,
        max: values.POLLS_MAX as number,
        maxWaitSeconds: values.LONG_POLL_MAX_WAIT_SECONDS as number,
      },
      corsOrigins,
      trustProxy: values.TRUST_PROXY as TrustProxy,
      drainDelayMs: values.DRAIN_DELAY_MS as number,
      shutdownGraceMs: values.SHUTDOWN_GRACE_MS as number,
    },
    warnings,
  };
}
