import { z } from "zod";
import type { DraftBoard, DraftClock, DraftOrderMessage } from "../draft/board.ts";
import { DraftServerMessage, type DraftCompleteMessage, type DraftPickMessage, type DraftUndoneMessage } from "../draft/events.ts";
import type { LeagueStandings, LeagueStandingsRow } from "../fantasy-standings.ts";
import { dto } from "./dto.ts";
import { Whole } from "./leaderboard-schemas.ts";

/** A league's standings and draft board, and the events of their streams, as zod schemas for the OpenAPI document. */

const LeagueStandingsRowSchema = dto<LeagueStandingsRow>()(
  z.strictObject({
    rank: Whole.describe("1-based: the standings board's order (ties: the team that reached the score first), then the teams without points in join order"),
    teamId: z.string(),
    name: z.string(),
    managerId: z.string().describe("The manager's player id"),
    points: Whole.describe("Fantasy points so far (docs/scoring.md); 0 before any match"),
  }),
);

export const LeagueStandingsSchema = dto<LeagueStandings>()(
  z
    .strictObject({
      leagueId: z.string(),
      boardId: z.string().describe("The standings board (`fantasy-<leagueId>`), made when the draft's rosters are saved"),
      rows: z.array(LeagueStandingsRowSchema).describe("A row per team of the league, best first"),
      ts: z.number().describe("Server time (ms) of the read"),
    })
    .describe("Every team of the league with its fantasy points"),
);

const DraftPickSchema = dto<DraftPickMessage>()(
  z.strictObject({
    number: Whole,
    round: Whole,
    teamId: z.string(),
    playerId: z.string(),
    playerName: z.string(),
    by: z.enum(["manager", "commissioner", "autopick", "keeper"]),
    source: z.enum(["queue", "rankings", "best-available"]).optional(),
    price: Whole.optional().describe("Auction drafts: what the team paid"),
  }),
);

const DraftClockSchema = dto<DraftClock>()(
  z
    .strictObject({
      status: z.enum(["waiting", "running", "paused", "complete"]),
      pickNumber: Whole.describe("The pick on the clock; 0 when none"),
      round: Whole,
      teamId: z.string().describe("The team on the clock; empty when none"),
      endsAt: z.number().nullable().describe("Epoch ms the clock runs out (running); null otherwise"),
      remainingMs: Whole.describe("Frozen while paused; the full clock while waiting; 0 when complete"),
    })
    .describe("Who is on the clock and until when"),
);

const DraftTeamsSchema = z.array(z.strictObject({ teamId: z.string(), name: z.string(), managerId: z.string(), autopick: z.boolean() })).describe("In join order");
const DraftOrderSchema = z.array(z.string()).describe("Round 1's order (team ids); empty until set or the draft starts");
const DraftSlotsSchema = z.array(z.strictObject({ number: Whole, round: Whole, teamId: z.string() })).describe("Every pick slot in order: which team picks at each overall number");

export const DraftBoardSchema = dto<DraftBoard>()(
  z
    .strictObject({
      leagueId: z.string(),
      leagueName: z.string(),
      status: z.enum(["waiting", "running", "paused", "complete"]),
      draftType: z.string(),
      rounds: Whole,
      pickSeconds: Whole,
      teams: DraftTeamsSchema,
      order: DraftOrderSchema,
      slots: DraftSlotsSchema,
      picks: z.array(DraftPickSchema).describe("The picks so far, in order"),
      clock: DraftClockSchema,
      ts: z.number(),
    })
    .describe("The draft board: teams, order, slots, picks so far and the clock"),
);

/** The standings stream's events by name. */
export const StandingsEventSchemas = { standings: LeagueStandingsSchema } as const;

/** The draft feed events with their payloads spelled out (the board follows them). */
const TYPED_FEED_EVENTS = {
  "draft.picked": DraftPickSchema,
  "draft.undone": dto<DraftUndoneMessage>()(z.strictObject({ fromPick: Whole, undone: z.array(DraftPickSchema) })),
  "draft.order": dto<DraftOrderMessage>()(z.strictObject({ teams: DraftTeamsSchema, order: DraftOrderSchema, slots: DraftSlotsSchema }).describe("The board's teams, order or slots changed")),
  "draft.clock": DraftClockSchema,
  "draft.complete": dto<DraftCompleteMessage>()(
    z.strictObject({ leagueId: z.string(), standingsBoardId: z.string(), rosters: z.array(z.strictObject({ teamId: z.string(), name: z.string(), playerIds: z.array(z.string()) })) }),
  ),
} as const;

/** Every other event the draft room announces to everyone (keepers, trades, absent managers, chat, auction lots and bids, …), as the room sends it. */
const OTHER_FEED_EVENTS = Object.fromEntries(
  Object.values(DraftServerMessage)
    .filter((name) => name !== DraftServerMessage.PICK_RESULT && !(name in TYPED_FEED_EVENTS))
    .map((name) => [name, z.record(z.string(), z.unknown()).describe(`The draft room's \`${name}\` message, as the room sends it (docs/protocol.md, "Draft room")`)]),
) as Record<`draft.${string}`, z.ZodType>;

/** The draft stream's events by name: the board, then the draft room's events (shared/draft/events.ts). */
export const DraftStreamEventSchemas = { board: DraftBoardSchema, ...TYPED_FEED_EVENTS, ...OTHER_FEED_EVENTS };
