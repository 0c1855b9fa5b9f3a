import { DraftServerMessage } from "../../shared/index.ts";
import { absentAfterDisconnect, auctionTick, remainingMs, tick, type AuctionEvent, type ClockNotice, type DraftModel, type DraftPick } from "../../shared/rules/draft/index.ts";
import type { Announcement } from "./league-commands.ts";

/** What one tick of the draft clock did to the model. */
export interface ClockTick {
  /** Picks the clock made (autopicks; an auction's won lots come as `events`). */
  picks: DraftPick[];
  /** Auction happenings (none in snake and linear drafts). */
  events: AuctionEvent[];
  /** What the clock reported besides picks (absent teams, late picks, quiet hours), as the events everyone hears. */
  notices: Announcement[];
  statusChanged: boolean;
  /** Anything above happened: the change goes out (else only the clock moved). */
  changed: boolean;
}

/**
 * One tick of the draft clock at `now`: teams disconnected past the grace
 * become absent (`disconnect-grace`), then the pick clock runs (an expired
 * clock autopicks; quiet hours stop and restart it) and, in an auction, the
 * nomination and bid clocks.
 */
export function tickClock(model: DraftModel, disconnectedSince: ReadonlyMap<string, number>, now: number): ClockTick {
  const notices: ClockNotice[] = [];
  for (const teamId of absentAfterDisconnect(model, disconnectedSince, now)) notices.push({ type: "absent", teamId, reason: "disconnected" });
  const status = model.status;
  const picks = tick(model, now, notices); // an auction's: quiet hours only
  const events = model.auction ? auctionTick(model, now, notices) : [];
  const statusChanged = model.status !== status;
  return {
    picks,
    events,
    notices: notices.map((notice) => noticeAnnouncement(model, notice, now)),
    statusChanged,
    changed: picks.length > 0 || notices.length > 0 || events.length > 0 || statusChanged,
  };
}

/** What the clock reported besides picks, as the event everyone hears. */
export function noticeAnnouncement(model: DraftModel, notice: ClockNotice, now: number): Announcement {
  if (notice.type === "absent") return [DraftServerMessage.ABSENT, { teamId: notice.teamId, reason: notice.reason }];
  if (notice.type === "late") return [DraftServerMessage.LATE, { teamId: notice.teamId, pickNumber: notice.pickNumber }];
  return [DraftServerMessage.QUIET, { quiet: notice.quiet, remainingMs: remainingMs(model, now) }];
}
