import { encode, type Iterator } from "@colyseus/schema";
import fc from "fast-check";
import { pack } from "msgpackr";

/**
 * The fast-check generators of the hostile-input fuzzers, shared by the
 * suites in test/reliability/ (a few hundred cases on every `npm test`) and
 * `npm run fuzz -- --cases N` (scripts/fuzz.ts, as many as asked).
 */

/** The message type the fuzzers use as a barrier (never generated as a hostile type). */
export const SYNC = "__sync__";

/** Values that break naive handlers: wrong types, NaN/±Infinity/-0, huge numbers, strings and arrays. */
export const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 31), 2 ** 32, null, undefined, true, false, "", [], {}),
  fc.integer({ min: 1000, max: 7000 }).map((n) => "é".repeat(n)),
  fc.integer({ min: 100, max: 2500 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("__proto__", "constructor", "toString", "1v1", "home", "away"),
);

/** A payload shaped like `keys` (each key maybe present, with a hostile value), or any value at all. */
export function payloadFor(keys: string[]): fc.Arbitrary<unknown> {
  const shaped = keys.length
    ? fc.dictionary(fc.constantFrom(...keys, "extra", "__proto__"), fc.oneof(weird, fc.dictionary(fc.constantFrom("x", "y", "z"), weird)), { maxKeys: keys.length + 1 })
    : fc.constant({});
  return fc.oneof(shaped, weird);
}

/** A room message: a known type with a hostile payload, an unknown type, or a number. */
export function messageArb(messageKeys: Record<string, string[]>): fc.Arbitrary<[string | number, unknown]> {
  const known = Object.keys(messageKeys);
  const type = fc.oneof(
    fc.constantFrom(...known, "auth.refresh", "*"),
    fc.string({ maxLength: 300 }).filter((t) => t !== SYNC),
    fc.integer({ min: -1000, max: 100_000 }),
  );
  return type.chain((t) => fc.tuple(fc.constant(t), typeof t === "string" && messageKeys[t] ? payloadFor(messageKeys[t]) : payloadFor(["token", "text", "seq"])));
}

/** Message type → the payload keys worth shaping for it. */
export const keysOf = (schemas: Record<string, unknown>, extra: Record<string, string[]>) =>
  Object.fromEntries(Object.keys(schemas).map((type) => [type, extra[type] ?? []]));

/** What a raw socket sends: bytes or text (a WebSocket message), or a WebSocket ping/pong control frame. */
export type RawFrame = { kind: string; data?: Buffer | string; control?: "ping" | "pong" };

function headed(code: number, build: (buffer: Buffer, it: Iterator) => void, tail: Buffer = Buffer.alloc(0)): Buffer {
  const buffer = Buffer.alloc(512);
  const it: Iterator = { offset: 1 };
  buffer[0] = code;
  build(buffer, it);
  return Buffer.concat([buffer.subarray(0, it.offset), tail]);
}

/**
 * Every kind of frame a client can send after joining: Colyseus protocol
 * frames (ROOM_DATA, ROOM_DATA_BYTES, ROOM_REQUEST, PING, JOIN_ROOM acks,
 * inputs) well-formed and not, unknown first bytes, empty and text frames,
 * WebSocket ping/pong control frames, oversized frames, random bytes.
 * LEAVE_ROOM only with `leaves` (it ends the socket on purpose).
 */
export function rawFrameArb(maxPayload: number, options: { leaves?: boolean } = {}): fc.Arbitrary<RawFrame> {
  const type = fc.oneof(fc.constantFrom("ready", "input", "chat", "start", "auth.refresh", SYNC), fc.string({ maxLength: 40 }));
  const kinds: fc.Arbitrary<RawFrame>[] = [
    fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((b) => ({ kind: "random", data: Buffer.from(b) })),
    fc.uint8Array({ maxLength: 500 }).map((b) => ({ kind: "room-data+garbage", data: Buffer.concat([Buffer.from([13]), Buffer.from(b)]) })),
    fc.tuple(type, weird).map(([t, payload]) => ({ kind: "room-data", data: headed(13, (b, it) => encode.string(b, t, it), safePack(payload)) })),
    fc.tuple(type, fc.uint8Array({ maxLength: 300 })).map(([t, bytes]) => ({ kind: "room-data-bytes", data: headed(17, (b, it) => encode.string(b, t, it), Buffer.from(bytes)) })),
    fc.tuple(fc.nat(), type, weird).map(([id, t, payload]) => ({ kind: "room-request", data: headed(21, (b, it) => (encode.number(b, id, it), encode.string(b, t, it)), safePack(payload)) })),
    fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: "room-request+garbage", data: Buffer.concat([Buffer.from([21]), Buffer.from(b)]) })),
    fc.constant({ kind: "ping [18]", data: Buffer.from([18]) }),
    fc.uint8Array({ maxLength: 50 }).map((b) => ({ kind: "ping+garbage", data: Buffer.concat([Buffer.from([18]), Buffer.from(b)]) })),
    fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: "join-ack+garbage", data: Buffer.concat([Buffer.from([10]), Buffer.from(b)]) })),
    fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: "input+garbage", data: Buffer.concat([Buffer.from([19 + (b[0] ?? 0) % 2]), Buffer.from(b)]) })),
    fc.tuple(fc.integer({ min: 0, max: 255 }).filter((n) => ![10, 12, 13, 17, 18, 19, 20, 21].includes(n & 0x1f)), fc.uint8Array({ maxLength: 100 })).map(([first, b]) => ({
      kind: "unknown first byte",
      data: Buffer.concat([Buffer.from([first]), Buffer.from(b)]),
    })),
    fc.constant({ kind: "empty", data: Buffer.alloc(0) }),
    fc.string({ maxLength: 500 }).map((s) => ({ kind: "text", data: s })),
    fc.constant({ kind: "ws ping", control: "ping" as const }),
    fc.constant({ kind: "ws pong", control: "pong" as const }),
    fc.integer({ min: maxPayload + 1, max: maxPayload * 4 }).map((n) => ({ kind: "oversized", data: Buffer.alloc(n, 13) })),
  ];
  if (options.leaves) kinds.push(fc.constant({ kind: "leave [12]", data: Buffer.from([12]) }));
  return fc.oneof(...kinds);
}

function safePack(value: unknown): Buffer {
  try {
    return pack(value);
  } catch {
    return Buffer.from([0xc0]); // msgpack nil
  }
}

// ---- HTTP ----------------------------------------------------------------

export interface HttpEndpoint {
  method: string;
  path: (id: string, id2: string) => string;
  /** Streams and long polls may legitimately hold the request open. */
  holds?: boolean;
  body?: boolean;
}

export const HTTP_ENDPOINTS: HttpEndpoint[] = [
  { method: "POST", path: () => "/v1/auth/guest", body: true },
  { method: "POST", path: () => "/v1/auth/refresh", body: true },
  { method: "GET", path: () => "/v1/leaderboards" },
  { method: "GET", path: (id) => `/v1/leaderboards/${id}` },
  { method: "GET", path: (id, p) => `/v1/leaderboards/${id}/players/${p}` },
  { method: "GET", path: (id, p) => `/v1/leaderboards/${id}/around/${p}` },
  { method: "GET", path: (id) => `/v1/leaderboards/${id}/stream`, holds: true },
  { method: "GET", path: (id) => `/v1/leaderboards/${id}/changes`, holds: true },
  { method: "POST", path: () => "/v1/admin/leaderboards", body: true },
  { method: "PATCH", path: (id) => `/v1/admin/leaderboards/${id}`, body: true },
  { method: "POST", path: (id) => `/v1/admin/leaderboards/${id}/records`, body: true },
  { method: "GET", path: (id) => `/v1/admin/fantasy/leagues/${id}/rosters` },
  { method: "PUT", path: (id, p) => `/v1/admin/fantasy/leagues/${id}/rosters/${p}`, body: true },
  { method: "DELETE", path: (id, p) => `/v1/admin/fantasy/leagues/${id}/rosters/${p}` },
  { method: "POST", path: () => "/v1/admin/match-results", body: true },
  { method: "GET", path: () => "/v1/matches/results", holds: true },
  { method: "GET", path: (id) => `/v1/matches/${id}/result`, holds: true },
  { method: "GET", path: (id) => `/v1/matches/${id}` },
  { method: "GET", path: (id) => `/v1/matches/${id}/spectate`, holds: true },
  { method: "GET", path: (id) => `/v1/players/${id}/matches` },
  { method: "POST", path: () => "/v1/leagues", body: true },
  { method: "POST", path: () => "/v1/leagues/join", body: true },
  { method: "GET", path: () => "/v1/leagues" },
  { method: "GET", path: (id) => `/v1/leagues/${id}` },
];

export const QUERY_KEYS = ["limit", "cursor", "period", "top", "since", "after", "wait", "access_token", "playerId", "x"];
export const junk = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom("-1", "0", "1e309", "NaN", "Infinity", "9".repeat(40), "rating", "all", "weekly", "1", "5", "abc:1", "%00", "..", "../../etc/passwd", "null", "[]", "{}", "ÿ"),
  fc.integer({ min: 1000, max: 6000 }).map((n) => "z".repeat(n)),
);
export const idArb = fc.oneof(fc.constantFrom("rating", "goals", "p_abcdefghijkl", "m_1", "lg_x", ""), fc.string({ minLength: 1, maxLength: 40 }));
export const bodyArb = fc.oneof(
  fc.json().map((text) => ({ text, type: "application/json" })),
  fc.anything({ maxDepth: 2 }).map((v) => ({ text: JSON.stringify(v) ?? "null", type: "application/json" })),
  fc.string({ maxLength: 200 }).map((text) => ({ text, type: "application/json" })), // mostly invalid JSON
  fc.constantFrom("{", "{\"name\":", "[1,2", "\u0000", "{\"__proto__\":{\"admin\":true}}", "nul").map((text) => ({ text, type: "application/json" })),
  fc.string({ maxLength: 200 }).map((text) => ({ text, type: "text/plain" })),
  fc.integer({ min: 200_000, max: 1_200_000 }).map((n) => ({ text: `{"name":"${"a".repeat(n)}"}`, type: "application/json" })),
);
export const authArb = fc.oneof(
  fc.constant<"none" | "valid" | "admin">("none"),
  fc.constant<"none" | "valid" | "admin">("valid"),
  fc.constant<"none" | "valid" | "admin">("admin"),
  fc.string({ maxLength: 80 }).map((s) => `Bearer ${s}`),
  fc.constantFrom("Bearer", "Basic Zm9vOmJhcg==", "Bearer a.b.c", "bearer  x"),
);

export interface HttpCase {
  endpoint: HttpEndpoint;
  id: string;
  id2: string;
  query: Record<string, string>;
  body?: { text: string; type: string };
  auth: string;
  lastEventId?: string;
}

export const httpCaseArb: fc.Arbitrary<HttpCase> = fc
  .tuple(
    fc.constantFrom(...HTTP_ENDPOINTS),
    idArb,
    idArb,
    fc.dictionary(fc.constantFrom(...QUERY_KEYS), junk, { maxKeys: 4 }),
    fc.option(bodyArb, { nil: undefined }),
    authArb,
    fc.option(junk, { nil: undefined }),
  )
  .map(([endpoint, id, id2, query, body, auth, lastEventId]) => ({ endpoint, id, id2, query, body, auth, lastEventId }));
