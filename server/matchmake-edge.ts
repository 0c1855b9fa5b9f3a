import type http from "node:http";
import { ErrorCode, ServerError, matchMaker } from "@colyseus/core";
import type { RoomDefinition } from "../rooms/index.ts";
import { AppError, type TokenVerifier } from "../shared/index.ts";

/**
 * The project's checks at `POST /matchmake/*`, the one door through which a
 * client's options reach a room (Colyseus's own route, otherwise unchanged):
 *
 * - server-only options (RoomDefinition.serverOnlyOptions, e.g. the game's
 *   `matchId`) are refused in a client's request for every method and room
 *   (526 `VALIDATION_FAILED: …`). Server code creates rooms with
 *   `matchMaker.createRoom`, which never passes here, so only the server can
 *   set them;
 * - a room type's `admit` rule runs before Colyseus sees a join by name, so
 *   the refusal can carry `details` (the project's answer has Colyseus's
 *   shape, `{code, error: "CODE: message", details}`, so a stock
 *   @colyseus/sdk still shows the message).
 */
export interface MatchmakeEdge {
  /** Answers the request itself (true) when an `admit` rule refuses it. */
  admit(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean>;
}

const ADMITTED_METHODS = new Set(["joinOrCreate", "create", "join"]);
const PATH = /^\/matchmake\/(\w+)\/([^/?#]+)/;

export function createMatchmakeEdge(definitions: RoomDefinition[], tokens: TokenVerifier): MatchmakeEdge {
  setServerOnlyOptions(definitions.flatMap((definition) => definition.serverOnlyOptions ?? []));
  const admitters = new Map(definitions.filter((d) => d.admit).map((d) => [d.name, d.admit!]));
  return {
    async admit(req, res) {
      if (req.method !== "POST" || admitters.size === 0) return false;
      const match = PATH.exec(req.url ?? "");
      const admit = match && ADMITTED_METHODS.has(match[1]!) ? admitters.get(decodeURIComponent(match[2]!)) : undefined;
      if (!admit) return false;
      const header = req.headers.authorization;
      // No valid token: the room's onAuth refuses it with the usual answer.
      const claims = header?.startsWith("Bearer ") ? await tokens.verify(header.slice(7)).catch(() => undefined) : undefined;
      if (!claims) return false;
      try {
        await admit({ method: match![1] as "joinOrCreate" | "create" | "join", claims });
        return false;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const body = JSON.stringify({ code: ErrorCode.APPLICATION_ERROR, error: `${error.code}: ${error.message}`, details: error.details });
        res.writeHead(ErrorCode.APPLICATION_ERROR, {
          ...matchMaker.controller.DEFAULT_CORS_HEADERS,
          ...matchMaker.controller.getCorsHeaders(new Headers(req.headers as Record<string, string>)),
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
        });
        res.end(body);
        return true;
      }
    },
  };
}

const SERVER_ONLY_PATCH = Symbol("arena:server-only-options");
let serverOnlyOptions: readonly string[] = [];

/**
 * Refuses server-only option keys in a client's matchmake request. The
 * controller is process-wide: patched once, reading the running server's keys.
 */
function setServerOnlyOptions(keys: string[]): void {
  serverOnlyOptions = [...new Set(keys)];
  const controller = matchMaker.controller as typeof matchMaker.controller & { [SERVER_ONLY_PATCH]?: true };
  if (controller[SERVER_ONLY_PATCH]) return;
  controller[SERVER_ONLY_PATCH] = true;
  const invoke = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async (method, roomName, clientOptions, authOptions) => {
    if (method !== "reconnect" && clientOptions && typeof clientOptions === "object") {
      const refused = serverOnlyOptions.find((key) => Object.hasOwn(clientOptions, key));
      if (refused) throw new ServerError(ErrorCode.APPLICATION_ERROR, `VALIDATION_FAILED: the option "${refused}" is chosen by the server; remove it`);
    }
    return invoke(method, roomName, clientOptions, authOptions);
  };
}
