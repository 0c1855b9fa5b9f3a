import type Router from "@koa/router";
import { AppError, MatchId, type SpectateFinishedEvent, type SpectateStateEvent, type TokenVerifier } from "../../shared/index.ts";
import type { ResultStore } from "../../store/match-results.ts";
import type { ChangeNotifications } from "../../store/notifications.ts";
import type { SpectatorFeed } from "../../store/spectator-feed.ts";
import type { ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";
import type { Lifecycle } from "../lifecycle.ts";
import { streamClaims } from "../middleware/auth.ts";
import { formatEvent } from "../sse/event-format.ts";
import { SSE_HEADERS, SseStream } from "../sse/sse-stream.ts";
import type { ConnectionBudget } from "../limits/connection-budget.ts";
import type { StreamOptions } from "./leaderboard-streams.ts";

export interface SpectateDeps {
  spectators: SpectatorFeed;
  results: ResultStore;
  notifications: ChangeNotifications;
  tokens: TokenVerifier;
  lifecycle: Lifecycle;
  admission: ConnectionBudget;
  options: Pick<StreamOptions, "heartbeatMs" | "lifetimeMs" | "writeDeadlineMs" | "public" | "spectateRetryMs">;
}

/**
 * `GET /v1/matches/:id/spectate`: a live match for viewers without a
 * WebSocket. The api never touches the room: frames come through the store's
 * spectator feed, the end through the results store. A congested viewer
 * skips frames (the next one replaces them); it is never queued for.
 */
export function spectateRoutes(deps: SpectateDeps): Router<ApiState> {
  const live = new Set<SseStream>();
  deps.lifecycle.onDrain(() => {
    for (const stream of [...live]) stream.close("draining");
  });

  /** Every viewer of a match gets the same frame object: serialise it once, not once per viewer. */
  const encoded = new WeakMap<SpectateStateEvent, Buffer>();
  const encodeFrame = (frame: SpectateStateEvent): Buffer => {
    let bytes = encoded.get(frame);
    if (!bytes) encoded.set(frame, (bytes = formatEvent("state", undefined, frame)));
    return bytes;
  };

  return contractRouter({
    "GET /v1/matches/:id/spectate": async (ctx, request) => {
      if (deps.lifecycle.draining) throw new AppError("DRAINING", "This server is draining; reconnect", { retryAfter: 2 });
      const query = request.query("spectate query");
      const parsed = MatchId.safeParse(request.params.id);
      if (!parsed.success) throw new AppError("NOT_FOUND", "Not a match id");
      const matchId = parsed.data;
      const claims = await streamClaims(ctx.get("Authorization"), query.access_token, deps.tokens, !deps.options.public);
      const recorded = await deps.results.get(matchId);
      if (!recorded && !(await deps.results.isExpected(matchId))) throw new AppError("NOT_FOUND", `No match "${matchId}" is running or recorded`);
      if (ctx.method === "HEAD") {
        // The headers a GET would open with, at once: no stream, no slot.
        const { Connection: _connection, ...headers } = SSE_HEADERS;
        ctx.set(headers);
        ctx.status = 200;
        return;
      }
      const release = deps.admission.admit(claims?.playerId ?? `ip:${ctx.ip}`, ctx.ip);

      ctx.respond = false;
      const cleanups: (() => void)[] = [release];
      const stream = new SseStream(ctx.res, {
        heartbeatMs: deps.options.heartbeatMs,
        lifetimeMs: deps.options.lifetimeMs,
        writeDeadlineMs: deps.options.writeDeadlineMs,
        retryMs: deps.options.spectateRetryMs ?? 1000,
        notAfter: claims ? claims.expiresAt * 1000 : undefined,
        onClose() {
          live.delete(stream);
          for (const cleanup of cleanups) cleanup();
        },
      });
      live.add(stream);
      stream.open();

      const finish = (result: SpectateFinishedEvent["result"]) => {
        stream.write(formatEvent("finished", undefined, { matchId, result } satisfies SpectateFinishedEvent));
        stream.close("server-closed");
      };
      if (recorded) return finish(recorded);

      cleanups.push(
        deps.spectators.subscribe(matchId, (frame) => {
          if (!stream.congested) stream.write(encodeFrame(frame));
        }),
        deps.notifications.subscribe((event) => {
          if (event.type !== "result" || event.matchId !== matchId) return;
          deps.results.get(matchId).then((result) => result && !stream.closed && finish(result), () => undefined);
        }),
      );
      // The result may have landed between the first read and the subscription.
      const late = await deps.results.get(matchId);
      if (late && !stream.closed) finish(late);
    },
  });
}
