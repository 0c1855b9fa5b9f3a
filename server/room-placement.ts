import { ErrorCode, ServerError, matchMaker, type Presence, type Room } from "@colyseus/core";
import { formatRefusal } from "../shared/index.ts";

/**
 * Where rooms are created (PROCESS_ROLE).
 *
 * A process with `PROCESS_ROLE=api` serves the HTTP API, SSE streams, long
 * polls and matchmaking requests, but hosts no rooms: big stream fan-outs and
 * poll crowds then never stall a room's ticks, and such a process can run
 * with V8 settings a room process could not afford (docs/operations.md).
 *
 * Colyseus picks the process for a new room with one callback
 * (`selectProcessIdToCreateRoom`, by default the process with the fewest
 * rooms). Every process of ours installs {@link selectRoomHost}: the fewest
 * rooms among processes that are not marked room-less. An api process marks
 * itself in presence (the hash {@link ROOMLESS_PROCESSES_KEY}) before it
 * appears in Colyseus's process list, and unmarks itself on a clean stop. A
 * process that does not know the mark (an older version in a rolling deploy)
 * keeps Colyseus's default and may still ask an api process to create a room:
 * the api process's room types refuse (below), so the client gets a clear
 * error instead of a room in the wrong place.
 */
export type ProcessRole = "all" | "api";

/** The presence hash of room-less processes: processId → the time (ms) it was marked (under REDIS_KEY_PREFIX + "colyseus:", like Colyseus's own keys). */
export const ROOMLESS_PROCESSES_KEY = "roomless";

/** A mark whose process is not (or no longer) in Colyseus's process list is dropped when older than this. @default 60000 */
export const STALE_MARK_MS = 60_000;

/** The refusal when no live process hosts rooms; retryable (a room process may be starting). */
export const NO_ROOM_HOST = formatRefusal("SERVER_BUSY", "No process hosts rooms right now (every live process runs with PROCESS_ROLE=api); retry shortly");

/** The refusal of a room creation that reached a process that hosts no rooms. */
export const ROOM_REFUSED_HERE = formatRefusal("SERVER_BUSY", "This process hosts no rooms (PROCESS_ROLE=api); retry shortly");

/** Colyseus's `selectProcessIdToCreateRoom`: the live process with the fewest rooms that is not marked room-less. */
export async function selectRoomHost(): Promise<string> {
  const [processes, roomless] = await Promise.all([matchMaker.stats.fetchAll(), matchMaker.presence.hgetall(ROOMLESS_PROCESSES_KEY)]);
  // Colyseus writes a process's entry at most once a second, so a process that has just (re)started may not
  // be listed yet: it is a candidate all the same (Colyseus's default falls back to it too), unless it is room-less.
  if (!processes.some((p) => p.processId === matchMaker.processId)) processes.push({ processId: matchMaker.processId, roomCount: matchMaker.stats.local.roomCount, ccu: matchMaker.stats.local.ccu });
  let best: { processId: string; roomCount: number } | undefined;
  for (const candidate of processes) {
    if (roomless && Object.hasOwn(roomless, candidate.processId)) continue;
    if (!best || candidate.roomCount < best.roomCount) best = candidate;
  }
  if (!best) throw new ServerError(ErrorCode.MATCHMAKE_UNHANDLED, NO_ROOM_HOST);
  return best.processId;
}

/**
 * An api process marks itself before the matchmaker accepts (so no other
 * process ever sees it as a room host), and drops marks of processes that are
 * gone (a crash leaves its mark behind; process ids are never reused).
 */
export async function markRoomless(presence: Presence, processId: string, now = Date.now()): Promise<void> {
  await presence.hset(ROOMLESS_PROCESSES_KEY, processId, String(now));
  const [marks, processes] = await Promise.all([presence.hgetall(ROOMLESS_PROCESSES_KEY), matchMaker.stats.fetchAll()]);
  const live = new Set(processes.map((p) => p.processId));
  for (const [id, markedAt] of Object.entries(marks ?? {})) {
    if (id !== processId && !live.has(id) && now - Number(markedAt) > STALE_MARK_MS) await presence.hdel(ROOMLESS_PROCESSES_KEY, id);
  }
}

export async function unmarkRoomless(presence: Presence, processId: string): Promise<void> {
  await presence.hdel(ROOMLESS_PROCESSES_KEY, processId);
}

/**
 * The room class an api process registers instead of `klass`: the same
 * statics (`onAuth` runs here for a matchmaking request), but creating one
 * is refused. Colyseus can still try to create a room on this process: a
 * remote request from a process that does not know the mark, or its own
 * fallback when the chosen process does not answer in time.
 */
export function roomlessClass<T extends new (...args: any[]) => Room>(klass: T): T {
  return class extends klass {
    override onCreate(): never {
      throw new ServerError(ErrorCode.MATCHMAKE_UNHANDLED, ROOM_REFUSED_HERE);
    }
  };
}
