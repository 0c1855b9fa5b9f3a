import { ErrorCode as ColyseusErrorCode } from "@colyseus/core";
import { TeamCode } from "../../shared/index.ts";
import type { MatchmakingStore } from "../../store/index.ts";
import { refusal } from "../refusal.ts";

/**
 * Shapes a join's options into the matchmaker's room query (Colyseus reuses
 * this object): a join without a code may only land in an open team (public,
 * idle, a free slot: filterBy "access"); a join with one is matched by the
 * normalised code alone, and a code no live team holds is refused NOT_FOUND
 * here instead of Colyseus's generic "no rooms found".
 */
export async function routeJoinByCode(options: Record<string, unknown> | undefined, store: MatchmakingStore): Promise<void> {
  if (!options || typeof options !== "object") return;
  if (options.code === undefined) {
    options.access = "open";
    return;
  }
  const parsed = TeamCode.safeParse(options.code);
  if (!parsed.success) throw refusal("VALIDATION_FAILED", `Invalid team code: ${parsed.error.issues[0]?.message}`);
  options.code = parsed.data;
  delete options.access;
  if (!(await store.lookupCode(parsed.data))) {
    throw refusal("NOT_FOUND", `No team has the code ${parsed.data}`, ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA);
  }
}
