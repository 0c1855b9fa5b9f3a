import type { GameListingMetadata, GameRoomSettings, GameSide } from "../../shared/index.ts";
import { seatedPlayers, type MatchMeta, type World } from "../../shared/rules/arena/index.ts";

/**
 * A game room's lobby listing, and whether joinOrCreate may pick it: only a
 * public room still waiting with a free player seat. Full player seats do
 * not lock the room (spectators still join by id); they hide it from
 * joinOrCreate instead, as `private` rooms are. The filter keys
 * (RoomDefinition.filterBy) stay in the metadata: setMetadata replaces it whole.
 */
export function gameListing(
  world: World,
  settings: GameRoomSettings,
  match: { matchId: string; teams: Record<GameSide, { name: string }> },
  spectators: number,
): { metadata: GameListingMetadata; visible: boolean } {
  const seated = seatedPlayers(world).length;
  const seats = world.config.teamSize * 2;
  const metadata: GameListingMetadata = {
    teamSize: world.config.teamSize,
    friendly: settings.friendly,
    matchId: match.matchId,
    phase: world.phase,
    teams: { home: match.teams.home.name, away: match.teams.away.name },
    score: { ...world.score },
    players: seated,
    maxPlayers: seats,
    spectators,
    listed: settings.listed ?? !settings.private,
  };
  return { metadata, visible: !settings.private && world.phase === "waiting" && seated < seats };
}

/**
 * How long a match id stays "expected" (a long poll on it waits instead of
 * answering "unknown match"): the whole match (countdown, clock, freezes, a
 * forfeit window, post-match) with margin.
 */
export function expectedMatchSeconds(settings: GameRoomSettings, reconnectSeconds: number): number {
  return Math.ceil(settings.countdownSeconds + settings.matchSeconds * 2 + reconnectSeconds + settings.postMatchSeconds + EXPECT_MARGIN_SECONDS);
}

/** Slack on the "match expected" TTL (waiting for players, goal freezes). */
const EXPECT_MARGIN_SECONDS = 600;

/** The match's id and the names (and team ids) its sides play under: the matchmaker's, or Home and Away. */
export function matchMeta(matchId: string, settings: GameRoomSettings): MatchMeta {
  const side = (which: "home" | "away", fallback: string) => {
    const team = settings.teams?.[which];
    return { name: team?.name ?? fallback, ...(team?.teamId ? { teamId: team.teamId } : {}) };
  };
  return { matchId, teams: { home: side("home", "Home"), away: side("away", "Away") } };
}
