import type { ServerMessage as SharedServerMessage } from "../../shared/room-protocol.ts";
import type { TeamServerMessage as SharedTeamServerMessage } from "../../shared/team/messages.ts";
import type { GameServerMessage as SharedGameServerMessage } from "../../shared/game/messages.ts";
import type { DraftServerMessage as SharedDraftServerMessage, MAX_QUEUE_LENGTH as SHARED_MAX_QUEUE_LENGTH } from "../../shared/draft/messages.ts";

/**
 * The few message names and limits the SDK needs at runtime from shared/
 * modules that also hold zod schemas. Importing those modules would put zod
 * in every browser bundle of the SDK (their top-level schema calls cannot be
 * tree-shaken), so the values are spelled here and `satisfies` checks each
 * one against shared/ at compile time: a renamed or added message in
 * shared/ breaks the build until this file follows.
 */
export const ServerMessage = {
  ERROR: "error",
  AUTH_EXPIRING: "auth.expiring",
  AUTH_REFRESHED: "auth.refreshed",
  DRAINING: "server.draining",
  SEAT: "seat",
} as const satisfies typeof SharedServerMessage;

export const GameServerMessage = { GOAL: "goal", FINISHED: "match.finished" } as const satisfies typeof SharedGameServerMessage;

export const TeamServerMessage = { MATCH_FOUND: "matchFound" } as const satisfies typeof SharedTeamServerMessage;

export const DraftServerMessage = {
  PICK_RESULT: "draft.pick.result",
  PICKED: "draft.picked",
  UNDONE: "draft.undone",
  COMPLETE: "draft.complete",
} as const satisfies typeof SharedDraftServerMessage;

export const MAX_QUEUE_LENGTH = 100 satisfies typeof SHARED_MAX_QUEUE_LENGTH;
