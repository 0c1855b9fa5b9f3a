import { LEAGUE_SETTING_DEFAULTS, type League } from "../../shared/index.ts";

/**
 * A league as the store answers it, for the pure draft rules' tests: `teams`
 * teams `t1…tN` managed by `p_m1…p_mN`, commissioner `p_comm`, a snake draft
 * of 2 rounds, every other setting at its default; `overrides` win.
 */
export function leagueFixture(teams: number, overrides: Partial<League> = {}): League {
  return {
    id: "lg_test",
    name: "Test",
    commissionerId: "p_comm",
    inviteCode: "ABCDEFGH",
    teamCount: teams,
    rosterSize: 2,
    draftType: "snake",
    thirdRoundReversal: false,
    pickSeconds: 30,
    draftOrder: "manual",
    players: [],
    ...LEAGUE_SETTING_DEFAULTS,
    teams: Array.from({ length: teams }, (_, i) => ({ teamId: `t${i + 1}`, name: `Team ${i + 1}`, managerId: `p_m${i + 1}`, joinedAt: "2025-01-01T00:00:00.000Z" })),
    draftStatus: "scheduled",
    standingsBoardId: "fantasy-lg_test",
    createdAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}
