import { AppError, type LeaderboardStreamMessage } from "../../shared/index.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import { CURRENT_PERIOD, type StreamHub } from "./stream-hub.ts";
import { encode, snapshotMessage, type Encoded, type TopView } from "./top-view.ts";

/** The store read a view of an explicit period starts with. */
export type PeriodReader = Pick<LeaderboardStore, "top">;

/**
 * What a stream or change poll serves: a running period's live view (a
 * publisher's, released when done), or a past period's fixed snapshot.
 */
export type BoardView =
  | { kind: "live"; view: TopView; release: () => void }
  | { kind: "past"; message: LeaderboardStreamMessage; cursor: string; encoded: () => Encoded; release: () => void };

const nothingToRelease = () => undefined;

/**
 * Opens the view of `top` rows of a board period:
 * - `current` (or no period): the hub's publisher of the current period;
 * - an explicit period (`all`, a period key): one plain read first, which
 *   refuses what the store refuses (400 VALIDATION_FAILED: a period that has
 *   not started, `all` on a resetting board…). A period still running gets
 *   the publisher of that period (`all` on a board that never resets is its
 *   current period); a past period never changes, so that read IS the answer
 *   and no publisher is made for it (a crowd asking for old periods costs a
 *   read each, nothing that lingers).
 * A store that fails answers 503 STORE_UNAVAILABLE.
 */
export async function openBoardView(
  deps: { hub: StreamHub; leaderboards: PeriodReader },
  boardId: string,
  period: string | undefined,
  top: number,
): Promise<BoardView> {
  try {
    if (period === undefined || period === CURRENT_PERIOD) return live(await deps.hub.acquire(boardId, CURRENT_PERIOD, top));
    const page = await deps.leaderboards.top(boardId, { period, limit: top });
    const state = page.state;
    if (state.periodEndsAt === null) return live(await deps.hub.acquire(boardId, CURRENT_PERIOD, top));
    if (Date.parse(state.periodEndsAt) > Date.now()) return live(await deps.hub.acquire(boardId, state.period, top));
    const message = snapshotMessage(boardId, top, { ...state, records: page.records }, state.version);
    let encoded: Encoded | undefined;
    return { kind: "past", message, cursor: message.id, encoded: () => (encoded ??= encode(message)), release: nothingToRelease };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("STORE_UNAVAILABLE", "The leaderboard store is unavailable; retry shortly", { retryAfter: 2, cause: error });
  }
}

function live(acquired: { view: TopView; release: () => void }): BoardView {
  return { kind: "live", view: acquired.view, release: acquired.release };
}
