import { ErrorCode, ServerError, matchMaker } from "@colyseus/core";
import { CORS_EXPOSED_HEADERS, CORS_METHODS, CORS_REQUEST_HEADERS } from "../shared/index.ts";

/**
 * The project's changes to Colyseus's matchmaker controller, in one place.
 *
 * The controller is module state of @colyseus/core, shared by everything in
 * the process, so the patches are installed once per process (a symbol on
 * the controller marks it) and read the running server's policy from the
 * controller on every request. `applyMatchmakerPatches` is the only entry:
 * each server calls it with its own policy before it accepts rooms.
 */
export interface MatchmakerPolicy {
  /** The API's CORS policy (`CORS_ORIGINS`), applied to `/matchmake/*` too. */
  corsOrigins: "*" | readonly string[];
  /** Option keys only the server may set (RoomDefinition.serverOnlyOptions, e.g. the game's `matchId`). */
  serverOnlyOptions: readonly string[];
}

const PATCHED = Symbol("arena:matchmaker-patches");
const POLICY = Symbol("arena:matchmaker-policy");

interface ResolvedPolicy {
  allowedOrigins: ReadonlySet<string> | null;
  serverOnlyOptions: readonly string[];
}

type PatchedController = Omit<typeof matchMaker.controller, "DEFAULT_CORS_HEADERS"> & {
  [PATCHED]?: true;
  [POLICY]?: ResolvedPolicy;
  DEFAULT_CORS_HEADERS: Record<string, string>;
};

/** Installs the patches (first call in the process) and makes `policy` the one they apply. */
export function applyMatchmakerPatches(policy: MatchmakerPolicy): void {
  const controller = matchMaker.controller as PatchedController;
  controller[POLICY] = {
    allowedOrigins: policy.corsOrigins === "*" ? null : new Set(policy.corsOrigins),
    serverOnlyOptions: [...new Set(policy.serverOnlyOptions)],
  };
  if (controller[PATCHED]) return;
  controller[PATCHED] = true;
  applyCorsPolicy(controller);
  checkMatchmakeCalls(controller);
}

const policyOf = (controller: PatchedController): ResolvedPolicy => controller[POLICY] ?? { allowedOrigins: new Set(), serverOnlyOptions: [] };

/**
 * Colyseus answers `/matchmake/*` with its own CORS headers (any origin, with
 * credentials, by default). Apply the same policy as the API: an origin that
 * is not allowed gets no `Access-Control-Allow-Origin` at all (not `null`,
 * which a sandboxed iframe's `Origin: null` would match).
 */
function applyCorsPolicy(controller: PatchedController): void {
  // Tokens travel in Authorization, never in cookies: no credentials, and no origin unless allowed below.
  const { "Access-Control-Allow-Origin": _anyOrigin, "Access-Control-Allow-Credentials": _credentials, ...defaults } = controller.DEFAULT_CORS_HEADERS;
  // The same request headers and methods as the API (shared/cors.ts): what the SDK sends.
  controller.DEFAULT_CORS_HEADERS = {
    ...defaults,
    "Access-Control-Allow-Headers": CORS_REQUEST_HEADERS.join(", "),
    "Access-Control-Allow-Methods": CORS_METHODS.join(", "),
    "Access-Control-Expose-Headers": CORS_EXPOSED_HEADERS.join(", "),
  };
  controller.getCorsHeaders = (headers: Headers): Record<string, string> => {
    const origin = headers.get("origin");
    const { allowedOrigins } = policyOf(controller);
    if (allowedOrigins === null) return { "Access-Control-Allow-Origin": origin || "*", Vary: "Origin" };
    return origin && allowedOrigins.has(origin) ? { "Access-Control-Allow-Origin": origin, Vary: "Origin" } : { Vary: "Origin" };
  };
}

/**
 * Two checks around every matchmaking call (`invokeMethod`):
 *
 * - server-only options are refused in a client's request for every method
 *   and room (526 `VALIDATION_FAILED: …`). Server code creates rooms with
 *   `matchMaker.createRoom`, which never passes here, so only the server can
 *   set them;
 * - a room whose process died without a goodbye (SIGKILL, OOM) stays listed
 *   in Redis until a health check sweeps it. `joinById` to it then answers
 *   Colyseus's generic 523 `process … is not available.` (the sweep it
 *   triggered has just removed the room), while the next client, after the
 *   sweep, gets 522 `room not found`: clients of the same dead room would end
 *   differently depending on who asked first. Answer 522 in both cases, since
 *   the room is gone either way, so the SDK's documented fallback (the
 *   original join, docs/protocol.md "Process crash") applies to every client.
 */
function checkMatchmakeCalls(controller: PatchedController): void {
  const invoke = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async (method, roomName, clientOptions, authOptions) => {
    if (method !== "reconnect" && clientOptions && typeof clientOptions === "object") {
      const refused = policyOf(controller).serverOnlyOptions.find((key) => Object.hasOwn(clientOptions, key));
      if (refused) throw new ServerError(ErrorCode.APPLICATION_ERROR, `VALIDATION_FAILED: the option "${refused}" is chosen by the server; remove it`);
    }
    try {
      return await invoke(method, roomName, clientOptions, authOptions);
    } catch (error) {
      if (method === "joinById" && (error as ServerError).code === ErrorCode.MATCHMAKE_UNHANDLED && !(await matchMaker.driver.findOne({ roomId: roomName }))) {
        throw new ServerError(ErrorCode.MATCHMAKE_INVALID_ROOM_ID, `room "${roomName}" not found`);
      }
      throw error;
    }
  };
}
