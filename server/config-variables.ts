import { z } from "zod";
import { parseTrustProxy } from "../api/middleware/client-ip.ts";
import { GameRoomOptions } from "../shared/game/options.ts";

/**
 * Every configuration variable, declared once: its schema (zod, from the
 * environment's strings), its default and its doc line. The README's
 * configuration table is printed from this table (`npm run docs:config`)
 * and a test checks the README lists every variable; config.ts reads the
 * environment through it and builds the typed `Config`.
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

export interface VariableSpec {
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
  PROCESS_ROLE: { schema: z.enum(["all", "api"]), default: "all", doc: "`all`: this process serves the API and hosts rooms. `api`: it serves the HTTP API, SSE streams, long polls and matchmaking, but rooms are always created on other processes (needs REDIS_URL and at least one `all` process); keeps big stream fan-outs and poll crowds away from room ticks (docs/operations.md)." },
  V8_HEAP_GROWING_PERCENT: { schema: z.coerce.number().int().min(0).max(1000).optional(), doc: "V8's `--heap-growing-percent`, set by the process on itself at start: old space is collected once it has grown this much past the live size. Default 50 on room processes (no measurable CPU cost for rooms; a parked long poll beside them keeps ~18 KB of RSS instead of ~33 KB) and 25 on PROCESS_ROLE=api processes (~14–16 KB per parked poll instead of ~42 KB, for ~5 points of a core more than 50); 0: V8's own dynamic factor." },
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
  DRAFT_SCHEDULE_CHECK_MS: { schema: z.coerce.number().int().min(50).max(600_000), default: "5000", doc: "How often each process looks for leagues whose draft `startAt` has passed and opens their draft room (which starts the draft) when nobody has it open." },
  TEAM_MEMBERSHIP_LEASE_SECONDS: { schema: positiveInt(3600), default: "30", doc: "One team room per player: a team room's claim on each member lives this long in the store unless renewed (every third of it); after a process crash its members can join another team once it runs out." },
  MATCHMAKING_RATING_GAP: { schema: z.coerce.number().int().min(0).max(10_000), default: "100", doc: "Team matchmaking: largest difference of average ratings (Glicko-2) accepted at once." },
  MATCHMAKING_GAP_GROWTH_PER_SECOND: { schema: z.coerce.number().min(0).max(10_000), default: "10", doc: "Team matchmaking: the accepted rating gap grows by this much per second the older ticket has waited." },
  MATCHMAKING_MAX_RATING_GAP: { schema: z.coerce.number().int().min(0).max(10_000), default: "600", doc: "Team matchmaking: the accepted rating gap never grows past this." },
  MATCHMAKING_INTERVAL_MS: { schema: z.coerce.number().int().min(50).max(60_000), default: "500", doc: "How often a process with teams in the queue looks for matches." },
  MATCH_GAME_OPTIONS: { schema: matchGameOptions.optional(), doc: "JSON object of `game` room options for every matchmade game, e.g. `{\"matchSeconds\":120}` (not teamSize, teams, matchId, private, listed, friendly)." },
  LEADERBOARDS_PUBLIC: { schema: bool, default: "true", doc: "Leaderboard reads and streams need no token (a token, when sent, is still verified and bounds the stream)." },
  STREAM_HEARTBEAT_MS: { schema: z.coerce.number().int().min(100).max(300_000), default: "15000", doc: "SSE comment heartbeat; below the 30 s idle timeout of strict proxies." },
  STREAM_LIFETIME_MS: { schema: z.coerce.number().int().min(1000).max(86_400_000), default: "600000", doc: "SSE streams end after about this long (±10%) or at token expiry; clients resume with Last-Event-ID." },
  STREAM_RETRY_MS: { schema: z.coerce.number().int().min(100).max(600_000), default: "2000", doc: "The `retry:` hint that opens every leaderboard SSE stream: how long an EventSource waits before reconnecting once the stream ends (each stream gets it ±50%, so a crowd cut at once comes back spread out)." },
  SPECTATE_RETRY_MS: { schema: z.coerce.number().int().min(100).max(600_000), default: "1000", doc: "The same `retry:` hint on spectator streams (`GET /v1/matches/:id/spectate`), ±50%: shorter, since a live match moves on." },
  STREAM_WRITE_DEADLINE_MS: { schema: z.coerce.number().int().min(100).max(600_000), default: "5000", doc: "An SSE subscriber whose socket does not drain for this long is dropped (it resumes)." },
  STREAM_HISTORY: { schema: positiveInt(100_000), default: "256", doc: "Visible leaderboard changes kept per stream view for resume; older gaps get a snapshot." },
  STREAMS_PER_CLIENT: { schema: positiveInt(10_000), default: "8", doc: "Concurrent leaderboard streams (and change polls) per player or IP; more answer 429 TOO_MANY_STREAMS." },
  STREAMS_PER_IP: { schema: positiveInt(1_000_000), default: "256", doc: "Concurrent streams (leaderboard and spectator SSE, parked change polls) from one client IP, whatever tokens it uses; more answer 429 TOO_MANY_STREAMS. Players behind one NAT share it." },
  STREAMS_MAX: { schema: positiveInt(10_000_000), default: "10000", doc: "Concurrent streams (as above) on this process, all clients together (about 10 KB of memory each, docs/performance.md); more answer 503 SERVER_BUSY with Retry-After." },
  STREAM_PUBLISHERS_MAX: { schema: positiveInt(1_000_000), default: "1000", doc: "Live leaderboard publishers (one per board and running period with streams or change polls; each re-reads its board on every change) on this process; past it, a view of another board answers 503 SERVER_BUSY with Retry-After." },
  STREAM_PUBLISHER_LINGER_MS: { schema: z.coerce.number().int().min(0).max(3_600_000), default: "60000", doc: "How long a publisher nobody watches is kept (a resuming client finds its history); an idle one is dropped early when STREAM_PUBLISHERS_MAX is reached." },
  POLLS_PER_CLIENT: { schema: positiveInt(10_000), default: "8", doc: "Pending match-result long polls per player; more answer 429 TOO_MANY_POLLS." },
  POLLS_PER_IP: { schema: positiveInt(1_000_000), default: "256", doc: "Pending match-result long polls from one client IP, whatever tokens it uses; more answer 429 TOO_MANY_POLLS. Players behind one NAT share it." },
  POLLS_MAX: { schema: positiveInt(10_000_000), default: "10000", doc: "Pending match-result long polls on this process, all clients together (about 18 KB of memory each at load on a process that hosts rooms, 14–16 KB on a PROCESS_ROLE=api process, with the default V8_HEAP_GROWING_PERCENT: docs/performance.md); more answer 503 SERVER_BUSY with Retry-After." },
  LONG_POLL_MAX_WAIT_SECONDS: { schema: z.coerce.number().int().min(1).max(25), default: "25", doc: "Longest hold of a long poll (the `wait` parameter is clamped to 1..this)." },
  GUEST_SIGNUPS_PER_MINUTE: { schema: positiveInt(1_000_000), default: "120", doc: "Guest sign-ins (`POST /v1/auth/guest`) per minute per client IP, also the burst: bounds how fast one address can mint identities to get around the per-player caps. More answer 429 RATE_LIMITED with Retry-After." },
  JOIN_ATTEMPTS_PER_MINUTE: { schema: positiveInt(100_000), default: "60", doc: "Join attempts per minute per player (per IP for requests without a valid token), also the burst: matchmaking joins (`POST /matchmake/{joinOrCreate,create,join,joinById}/…`; reconnects are not counted) and league joins by invite code. More answer 429 RATE_LIMITED with Retry-After." },
  HTTP_BODY_LIMIT_BYTES: { schema: positiveInt(10 * 1024 * 1024), default: "65536", doc: "Largest JSON request body; larger answers 413 PAYLOAD_TOO_LARGE." },
  HTTP_HEADERS_TIMEOUT_MS: { schema: positiveInt(600_000), default: "10000", doc: "How long a client has to send a request's headers; a slower one gets 408 REQUEST_TIMEOUT and the connection closes." },
  HTTP_REQUEST_TIMEOUT_MS: { schema: positiveInt(600_000), default: "30000", doc: "How long a client has to send a whole request, headers and body (at least HTTP_HEADERS_TIMEOUT_MS); a slower one gets 408 REQUEST_TIMEOUT and the connection closes. Only receiving counts: long polls and SSE streams are not cut." },
  HTTP_LISTEN_BACKLOG: { schema: z.coerce.number().int().min(1).max(65_535), default: "4096", doc: "Connections the kernel queues for the server before it accepts them (the listen backlog; Linux caps it at net.core.somaxconn). A crowd reconnecting at once (a deploy, a proxy restart, thousands of pollers) past it has its connections dropped and retried after 1, 3, 7… s. Node's own default is 511." },
  HTTP_KEEP_ALIVE_TIMEOUT_MS: { schema: z.coerce.number().int().min(1000).max(600_000), default: "65000", doc: "How long an idle keep-alive connection stays open. Keep it above the idle timeout of the proxy or load balancer in front (60 s for nginx's upstream keep-alive and AWS ALB), so it never reuses a connection the server is closing." },
  CORS_ORIGINS: { schema: z.string().optional(), doc: "Comma-separated origins allowed by CORS, or `*`. Default: `*` outside production, none in production." },
  TRUST_PROXY: { schema: trustProxy, default: "false", doc: "Who may set the client IP in `X-Forwarded-For` (per-IP limits key on it): `false`; a number of proxy hops in front (e.g. `1` behind one nginx); a comma list of the proxies' addresses/CIDRs; or `true` (every hop: safe only if the proxy replaces the header). The client is the rightmost untrusted address (docs/operations.md)." },
  DRAIN_DELAY_MS: { schema: z.coerce.number().int().min(0).max(120_000), default: "0", doc: "On SIGTERM: how long `/readyz` answers 503 while still serving before the listener closes (give the load balancer time to notice)." },
  SHUTDOWN_GRACE_MS: { schema: z.coerce.number().int().min(0).max(600_000), default: "10000", doc: "On SIGTERM/SIGINT: how long rooms and requests get to finish before the process exits." },
} as const satisfies Record<string, VariableSpec>;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;

/** The parsed value of every variable (what its schema outputs). */
export type ConfigValues = { [K in ConfigVariable]: z.output<(typeof CONFIG_VARIABLES)[K]["schema"]> };
