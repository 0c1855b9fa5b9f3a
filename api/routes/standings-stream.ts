import { AppError, leagueStandings, type LeaderboardRecord } from "../../shared/index.ts";
import { STANDINGS_BOARD_ROWS } from "../league-standings.ts";
import { CURRENT_PERIOD } from "../leaderboard-streams/stream-hub.ts";
import type { BoardSink, TopView } from "../leaderboard-streams/top-view.ts";
import { formatEvent, parseCursor } from "../sse/event-format.ts";
import type { LeagueStreamDeps, StreamFollow } from "./league-streams.ts";

/** The `standings` event id before the league's standings board exists (every team at zero). */
export const NO_BOARD_CURSOR = "none:0";

/**
 * Serves one standings stream through the leaderboard streams' publisher of
 * the league's board (api/leaderboard-streams: one store read per change per
 * process, shared by every viewer, conflation for congested ones). Each time
 * the board view moves, the whole standings go out (a league has at most a
 * few dozen teams), with the board's `epoch:version` as id; a resume at the
 * current version sends nothing. Before the board exists (the draft has not
 * finished) every team has zero points: that is sent with id `none:0`, and the
 * stream attaches to the board when its creation is announced.
 */
export async function followStandings(deps: Pick<LeagueStreamDeps, "hub" | "notifications" | "onError">, follow: StreamFollow): Promise<() => void> {
  const { stream, league } = follow;
  const cursor = follow.since ? parseCursor(follow.since) : undefined;
  let lastId = follow.since?.trim() ?? "";
  let stopped = false;
  let detach: (() => void) | undefined;
  let unwatch: (() => void) | undefined;

  const send = (id: string, records: readonly LeaderboardRecord[]): void => {
    if (id === lastId || stream.closed) return;
    lastId = id;
    stream.write(formatEvent("standings", id, leagueStandings(league, [...records], Date.now())));
  };

  /** Follows the board's view; false while the board does not exist. */
  const attach = async (): Promise<boolean> => {
    let acquired: { view: TopView; release: () => void };
    try {
      acquired = await deps.hub.acquire(league.standingsBoardId, CURRENT_PERIOD, STANDINGS_BOARD_ROWS);
    } catch (error) {
      if (error instanceof AppError && error.code === "NOT_FOUND") return false;
      throw error;
    }
    if (stopped || detach) {
      acquired.release();
      return true;
    }
    const view = acquired.view;
    const sink: BoardSink = {
      write() {
        send(`${view.cursor.epoch}:${view.cursor.version}`, view.records);
        return true;
      },
      get congested() {
        return stream.congested;
      },
      onceDrained(listener) {
        stream.onceDrained(listener);
      },
    };
    const subscription = view.subscribe(sink, cursor && lastId !== NO_BOARD_CURSOR ? cursor : undefined);
    detach = () => {
      subscription.unsubscribe();
      acquired.release();
    };
    return true;
  };

  if (!(await attach())) {
    send(NO_BOARD_CURSOR, []);
    // The board is made when the draft's rosters are saved (a `leaderboard-config` notification).
    unwatch = deps.notifications.subscribe((event) => {
      const relevant = ((event.type === "leaderboard-config" || event.type === "leaderboard") && event.boardId === league.standingsBoardId) || event.type === "resync";
      if (!relevant || detach || stopped) return;
      attach().then(
        (attached) => {
          if (attached) unwatch?.();
        },
        (error) => deps.onError(error),
      );
    });
    // It may have been made between the first try and the subscription.
    if (await attach()) unwatch();
  }
  return () => {
    stopped = true;
    unwatch?.();
    detach?.();
  };
}
