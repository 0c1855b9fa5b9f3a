import type { TeamListingMetadata, TeamRoomState } from "../../shared/index.ts";

/** The team's lobby listing (also the matchmaker's filter keys `code` and `access`: setMetadata replaces it whole). */
export function teamListing(state: TeamRoomState): TeamListingMetadata {
  return {
    code: state.code,
    access: state.private ? "private" : state.members.size < state.size && state.queue.status === "idle" ? "open" : "closed",
    teamId: state.teamId,
    name: state.name,
    size: state.size,
    members: state.members.size,
    captain: state.members.get(state.captain)?.name ?? "",
    status: state.queue.status,
    mode: state.queue.mode,
  };
}
