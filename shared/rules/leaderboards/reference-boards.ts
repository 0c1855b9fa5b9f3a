import { BUILT_IN_LEADERBOARDS, fantasyStandingsBoardId, type LeaderboardConfigInput } from "../../leaderboards.ts";

/**
 * The boards every server starts with (created if absent, never overwritten,
 * so an admin's edits survive restarts): a new user sees live boards at once.
 */
export const REFERENCE_BOARDS: LeaderboardConfigInput[] = [
  { id: BUILT_IN_LEADERBOARDS.rating, title: "Rating (Glicko-2)", sort: "desc", operator: "set", metadata: { kind: "player", stat: "rating" } },
  { id: BUILT_IN_LEADERBOARDS.ratingWeekly, title: "Best rating this week", sort: "desc", operator: "best", reset: "weekly", metadata: { kind: "player", stat: "rating" } },
  { id: BUILT_IN_LEADERBOARDS.wins, title: "Wins", sort: "desc", operator: "incr", metadata: { kind: "player", stat: "wins" } },
  { id: BUILT_IN_LEADERBOARDS.winsWeekly, title: "Wins this week", sort: "desc", operator: "incr", reset: "weekly", metadata: { kind: "player", stat: "wins" } },
  { id: BUILT_IN_LEADERBOARDS.goals, title: "Goals", sort: "desc", operator: "incr", metadata: { kind: "player", stat: "goals" } },
  { id: BUILT_IN_LEADERBOARDS.goalsWeekly, title: "Goals this week", sort: "desc", operator: "incr", reset: "weekly", metadata: { kind: "player", stat: "goals" } },
];

/** A fantasy league's standings: fantasy teams by total points (operator incr, never resets). */
export function leagueStandingsBoard(leagueId: string): LeaderboardConfigInput {
  return {
    id: fantasyStandingsBoardId(leagueId),
    title: `Fantasy league ${leagueId}`,
    sort: "desc",
    operator: "incr",
    metadata: { kind: "fantasy-standings", leagueId },
    // A league's standings are its members' business (docs/protocol.md "Leaderboards").
    visibility: "league-members",
  };
}
