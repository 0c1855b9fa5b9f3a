import { waitingBoard } from "../../shared/index.ts";
import { formatEvent } from "../sse/event-format.ts";
import type { LeagueStreamDeps, StreamFollow } from "./league-streams.ts";

/** Feed events a draft stream reads per store read while catching up. */
export const DRAFT_STREAM_READ_LIMIT = 200;

/**
 * Serves one draft stream from the league's draft feed (store/draft-feed.ts):
 * the `board` (unless the client resumes), then every feed event after it, in
 * seq order, woken by the `draft-feed` notification of whichever process's
 * room appended it. The client's position is a seq: nothing is queued per
 * client, so a congested client just reads on from where it was when its
 * socket drains; a gap the feed no longer holds gets a fresh `board`.
 */
export async function followDraft(deps: Pick<LeagueStreamDeps, "draftFeed" | "notifications" | "onError">, follow: StreamFollow): Promise<() => void> {
  const { stream, league } = follow;
  const feed = deps.draftFeed;
  let sent = follow.since === undefined ? -1 : Number(follow.since);
  let pumping = false;
  let again = false;

  const writeBoard = async (): Promise<void> => {
    const stored = await feed.board(league.id);
    const seq = stored?.seq ?? 0;
    stream.write(formatEvent("board", String(seq), stored?.board ?? waitingBoard(league, Date.now())));
    sent = seq;
  };

  const pump = async (): Promise<void> => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        let boardSent = false;
        for (;;) {
          if (stream.closed) return;
          if (stream.congested) {
            stream.onceDrained(() => void pump());
            return;
          }
          if (sent < 0) {
            await writeBoard();
            boardSent = true;
          }
          const page = await feed.readAfter(league.id, sent, DRAFT_STREAM_READ_LIMIT);
          if (!page.complete || sent > page.last) {
            // The gap is gone (retention), or the client's seq is not this feed's: start again from the board.
            if (boardSent) sent = page.last;
            else sent = -1;
            continue;
          }
          for (const event of page.events) {
            stream.write(formatEvent(event.type as `draft.${string}`, String(event.seq), event.data));
            sent = event.seq;
          }
          if (page.events.length < DRAFT_STREAM_READ_LIMIT) break;
        }
      } while (again);
    } catch (error) {
      deps.onError(error);
      stream.close("server-closed");
    } finally {
      pumping = false;
    }
  };

  // Subscribed before the first read: an append in between wakes the pump again.
  const unsubscribe = deps.notifications.subscribe((event) => {
    if ((event.type === "draft-feed" && event.leagueId === league.id) || event.type === "resync") void pump();
  });
  await pump();
  return unsubscribe;
}
