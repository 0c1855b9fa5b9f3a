import { z } from "zod";
import type {
  LeaderboardAroundResponse,
  LeaderboardConfig,
  LeaderboardListResponse,
  LeaderboardPage,
  LeaderboardPeriodState,
  LeaderboardPlayerResponse,
  LeaderboardRecord,
  ScoreWriteResponse,
} from "../leaderboards.ts";
import { LeaderboardOperator, LeaderboardSort, LeaderboardVisibility } from "../leaderboards.ts";
import type { LeaderboardChangesResponse, LeaderboardDeltaEvent, LeaderboardOp, LeaderboardSnapshotEvent, LeaderboardStreamMessage } from "../leaderboard-table.ts";
import { dto } from "./dto.ts";

/**
 * The leaderboard answers and stream events as zod schemas, for the OpenAPI
 * document (each checked against its shared/ DTO type by `dto`).
 */

/** An ISO-8601 time (documented by its format; the server writes them, it does not parse them here). */
export const IsoTime = z.string().meta({ format: "date-time", examples: ["2026-01-05T00:00:00.000Z"] });
/** A count, version, rank or score: a whole number, never negative. */
export const Whole = z.number().int().min(0);
const Metadata = z.record(z.string(), z.unknown());

export const LeaderboardConfigSchema = dto<LeaderboardConfig>()(
  z.strictObject({
    id: z.string(),
    title: z.string(),
    sort: LeaderboardSort,
    operator: LeaderboardOperator,
    reset: z.string().nullable().describe("`daily` | `weekly` | `monthly` | a cron expression (UTC); null: never resets"),
    metadata: Metadata,
    visibility: LeaderboardVisibility,
    revision: Whole.describe("Bumped by every config update"),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  }),
);

export const LeaderboardRecordSchema = dto<LeaderboardRecord>()(
  z.strictObject({
    ownerId: z.string(),
    name: z.string(),
    score: Whole,
    subscore: Whole,
    numScore: Whole.describe("How many submissions changed this record"),
    rank: Whole.describe("1-based; ties rank the owner who got there first higher"),
    metadata: Metadata.optional(),
    createdAt: IsoTime,
    updatedAt: IsoTime.describe("When the score last changed (the tie-break order)"),
  }),
);

const periodState = {
  leaderboardId: z.string(),
  period: z.string().describe("`all`, or the ISO-8601 start of the period"),
  periodEndsAt: IsoTime.nullable().describe("The next reset; null for boards that never reset"),
  epoch: z.string().describe("Changes whenever the version sequence restarts (a new period, lost history)"),
  version: Whole.describe("Bumped by every change of this period's records; 0 before the first"),
  total: Whole.describe("Records in the period"),
};
export const LeaderboardPeriodStateSchema = dto<LeaderboardPeriodState>()(z.strictObject(periodState));

export const LeaderboardPageSchema = dto<LeaderboardPage>()(
  z.strictObject({ ...periodState, records: z.array(LeaderboardRecordSchema), nextCursor: z.string().nullable().describe("The next page's `cursor`; null on the last page") }),
);
export const LeaderboardPlayerResponseSchema = dto<LeaderboardPlayerResponse>()(z.strictObject({ ...periodState, record: LeaderboardRecordSchema }));
export const LeaderboardAroundResponseSchema = dto<LeaderboardAroundResponse>()(z.strictObject({ ...periodState, records: z.array(LeaderboardRecordSchema) }));
export const LeaderboardListResponseSchema = dto<LeaderboardListResponse>()(z.strictObject({ leaderboards: z.array(LeaderboardConfigSchema) }));
export const ScoreWriteResponseSchema = dto<ScoreWriteResponse>()(
  z.strictObject({ ...periodState, changed: z.array(LeaderboardRecordSchema).describe("The records the submission changed, with their ranks after it") }),
);

export const LeaderboardSnapshotEventSchema = dto<LeaderboardSnapshotEvent>()(
  z
    .strictObject({
      boardId: z.string(),
      period: z.string(),
      epoch: z.string(),
      version: Whole,
      top: Whole,
      rows: z.array(LeaderboardRecordSchema),
      total: Whole,
      ts: z.number().describe("Server time (ms since the epoch) the event was made"),
    })
    .describe("Replaces the client's table: the top N rows of the period"),
);

const Rank = z.number().int().min(1).describe("A position in the table as the ops before this one left it (1-based)");
const LeaderboardRowSchema = LeaderboardRecordSchema.omit({ rank: true }).describe("A record without `rank` (its position says it)");
const LeaderboardRowChangeSchema = z
  .strictObject({
    ownerId: z.string().nullable().optional(),
    name: z.string().nullable().optional(),
    score: Whole.nullable().optional(),
    subscore: Whole.nullable().optional(),
    numScore: Whole.nullable().optional(),
    metadata: Metadata.nullable().optional(),
    createdAt: IsoTime.nullable().optional(),
    updatedAt: IsoTime.nullable().optional(),
  })
  .describe("Only the fields that changed, with their new values; null: the field is gone");
export const LeaderboardOpSchema = dto<LeaderboardOp>()(
  z
    .union([
      z.tuple([z.literal("remove"), Rank]).describe("`[\"remove\", rank]`: the row at rank left the top N; the rows below move up one"),
      z.tuple([z.literal("move"), Rank, Rank]).describe("`[\"move\", from, to]`: the row at `from` moves to `to`; the rows between shift by one toward `from`"),
      z.tuple([z.literal("insert"), Rank, LeaderboardRowSchema]).describe("`[\"insert\", rank, row]`: a row enters at rank; the rows from there move down one"),
      z.tuple([z.literal("update"), Rank, LeaderboardRowChangeSchema]).describe("`[\"update\", rank, fields]`: the row at rank has new values for these fields"),
    ])
    .describe("One change of the table; ops apply in order"),
);
export const LeaderboardDeltaEventSchema = dto<LeaderboardDeltaEvent>()(
  z
    .strictObject({
      prevVersion: Whole.describe("The version this delta applies to; anything else is a gap (reconnect for a snapshot)"),
      version: Whole,
      ops: z.array(LeaderboardOpSchema).describe("Applied in order to the previous table; then each row's rank is its position"),
      total: Whole,
      ts: z.number().describe("Server time (ms since the epoch) the event was made"),
    })
    .describe("The change of the visible top N from `prevVersion` to `version` (the id's epoch: the snapshot's)"),
);

/** The stream's events by name: the `text/event-stream` events and the `/changes` answer's `events`. */
export const LeaderboardStreamEventSchemas = { snapshot: LeaderboardSnapshotEventSchema, delta: LeaderboardDeltaEventSchema } as const;

export const LeaderboardStreamMessageSchema = dto<LeaderboardStreamMessage>()(
  z.discriminatedUnion("event", [
    z.strictObject({ event: z.literal("snapshot"), id: z.string(), data: LeaderboardSnapshotEventSchema }),
    z.strictObject({ event: z.literal("delta"), id: z.string(), data: LeaderboardDeltaEventSchema }),
  ]),
);
export const LeaderboardChangesResponseSchema = dto<LeaderboardChangesResponse>()(
  z.strictObject({
    events: z.array(LeaderboardStreamMessageSchema),
    cursor: z.string().describe("The board's position after these events: the next poll's `after`"),
    changed: z.boolean().describe("false: the hold ended with nothing new (poll again with the same cursor)"),
  }),
);
