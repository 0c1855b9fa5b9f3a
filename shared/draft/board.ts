import type { DraftCompleteMessage, DraftPickMessage, DraftUndoneMessage } from "./events.ts";
import type { DraftStatus } from "./state.ts";

/*
 * The live draft board as `GET /v1/leagues/:id/draft/stream` serves it (and
 * the SDK's `draftFeed` and the /leagues/:id/draft page keep it): one type
 * for the server, the SDK and the page. Types and pure functions only
 * (browser-safe, zod-free).
 */

/** Who is on the clock, and until when. */
export interface DraftClock {
  status: DraftStatus;
  /** The pick on the clock (1-based overall number), 0 when none (waiting, complete). */
  pickNumber: number;
  round: number;
  /** The team on the clock, "" when none. */
  teamId: string;
  /** Epoch ms when the clock runs out while running; null while paused, waiting or complete. */
  endsAt: number | null;
  /** Milliseconds left: frozen while paused; the full clock while waiting; 0 when complete. */
  remainingMs: number;
}

/** One slot of the draft: which team picks at this overall number. */
export interface DraftBoardSlot {
  number: number;
  round: number;
  teamId: string;
}

export interface DraftBoard {
  leagueId: string;
  leagueName: string;
  status: DraftStatus;
  draftType: string;
  rounds: number;
  pickSeconds: number;
  /** In join order. */
  teams: { teamId: string; name: string; managerId: string; autopick: boolean }[];
  /** Round 1's order (team ids); empty until set or the draft starts. */
  order: string[];
  /** Every pick slot in order (empty until the order is known). */
  slots: DraftBoardSlot[];
  /** The picks made so far, in order. */
  picks: DraftPickMessage[];
  clock: DraftClock;
  /** When the room built this board (epoch ms). */
  ts: number;
}

/**
 * The `draft.order` feed event: the board's teams, order or slots changed
 * (the order set or drawn at the start, a team joined, autopick switched, a
 * slot changed hands). The whole of those three fields.
 */
export const DRAFT_ORDER_EVENT = "draft.order";
export type DraftOrderMessage = Pick<DraftBoard, "teams" | "order" | "slots">;

/** The `draft.clock` feed event: the clock's state changed (who is on it, its end, paused/resumed, complete). Not sent per tick. */
export const DRAFT_CLOCK_EVENT = "draft.clock";
export type DraftClockMessage = DraftClock;

/** The board a league has before its draft room ever ran: its teams, nothing picked. */
export function waitingBoard(league: { id: string; name: string; draftType: string; rosterSize: number; pickSeconds: number; teams: { teamId: string; name: string; managerId: string }[] }, now: number): DraftBoard {
  return {
    leagueId: league.id,
    leagueName: league.name,
    status: "waiting",
    draftType: league.draftType,
    rounds: league.rosterSize,
    pickSeconds: league.pickSeconds,
    teams: league.teams.map((t) => ({ teamId: t.teamId, name: t.name, managerId: t.managerId, autopick: false })),
    order: [],
    slots: [],
    picks: [],
    clock: { status: "waiting", pickNumber: 0, round: 0, teamId: "", endsAt: null, remainingMs: league.pickSeconds * 1000 },
    ts: now,
  };
}

/**
 * Applies one feed event to a board (the SDK's `draftFeed` and the page keep
 * their board with it): picks, undos, the order, clock changes and completion. Other
 * events leave the board as it is (the stream's next `board` snapshot, on a
 * reconnect, carries whatever they changed). Returns a new board.
 */
export function applyDraftEvent(board: DraftBoard, type: string, data: unknown): DraftBoard {
  switch (type) {
    case "draft.picked": {
      const pick = data as DraftPickMessage;
      if (board.picks.some((p) => p.number === pick.number)) return board;
      return { ...board, picks: [...board.picks, pick].sort((a, b) => a.number - b.number) };
    }
    case "draft.undone": {
      const { fromPick } = data as DraftUndoneMessage;
      return { ...board, picks: board.picks.filter((p) => p.number < fromPick) };
    }
    case DRAFT_ORDER_EVENT: {
      const { teams, order, slots } = data as DraftOrderMessage;
      return { ...board, teams, order, slots };
    }
    case DRAFT_CLOCK_EVENT: {
      const clock = data as DraftClock;
      return { ...board, status: clock.status, clock };
    }
    case "draft.complete": {
      const complete = data as DraftCompleteMessage;
      void complete;
      return { ...board, status: "complete", clock: { ...board.clock, status: "complete", pickNumber: 0, round: 0, teamId: "", endsAt: null, remainingMs: 0 } };
    }
    default:
      return board;
  }
}
