import { matchMaker } from "@colyseus/core";
import type { Delayed } from "@colyseus/timer";
import type { ChangeNotifications } from "../../store/index.ts";
import { TEAM_ROOM_TIMINGS } from "./timings.ts";

/**
 * Watches a team's match until it ends: its result is recorded (a store
 * notification, from any process) or its game room is gone without one
 * (checked every `gameWatchMs`). `onEnd` runs once; the answer stops watching.
 */
export function watchGame(
  notifications: ChangeNotifications,
  every: (fn: () => void, ms: number) => Delayed,
  match: { matchId: string; gameRoomId: string },
  onEnd: () => void,
): () => void {
  let ended = false;
  const stop = () => {
    unsubscribe();
    timer.clear();
  };
  const end = () => {
    if (ended) return;
    ended = true;
    stop();
    onEnd();
  };
  const unsubscribe = notifications.subscribe((event) => {
    if (event.type === "result" && event.matchId === match.matchId) end();
  });
  const timer = every(() => {
    matchMaker
      .query({ roomId: match.gameRoomId })
      .then((rooms) => (rooms.length === 0 ? end() : undefined))
      .catch(() => undefined);
  }, TEAM_ROOM_TIMINGS.gameWatchMs);
  return () => {
    ended = true;
    stop();
  };
}
