import type http from "node:http";
import { ErrorCode, matchMaker } from "@colyseus/core";
import type { RoomDefinition } from "../rooms/index.ts";
import { AppError, type TokenVerifier } from "../shared/index.ts";

/**
 * A room type's `admit` rule at `POST /matchmake/*`, the one door through
 * which a client's options reach a room (Colyseus's own route, otherwise
 * unchanged): it runs before Colyseus sees a join by name, so the refusal
 * can carry `details` (the project's answer has Colyseus's shape, `{code,
 * error: "CODE: message", details}`, so a stock @colyseus/sdk still shows the
 * message). Server-only options are refused by the matchmaker patches
 * (matchmaker-patches.ts).
 */
export interface MatchmakeEdge {
  /** Answers the request itself (true) when an `admit` rule refuses it. */
  admit(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean>;
}

const ADMITTED_METHODS = new Set(["joinOrCreate", "create", "join"]);
const PATH = /^\/matchmake\/(\w+)\/([^/?#]+)/;

export function createMatchmakeEdge(definitions: RoomDefinition[], tokens: TokenVerifier): MatchmakeEdge {
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
