import type { League, LeagueSettings, LeagueTeam } from "../shared/fantasy-leagues.ts";

/** What `create` needs: the validated settings and the commissioner. */
export interface NewLeague extends LeagueSettings {
  commissionerId: string;
}

/** A draft room's snapshot: opaque JSON with a version that only grows. */
export interface DraftSnapshot {
  version: number;
  data: string;
}

/**
 * Fantasy leagues and their draft snapshots. One team per player
 * per league; a league takes joins until it is full or its draft starts.
 *
 * Errors: `AppError` NOT_FOUND (unknown invite code or league), CONFLICT
 * (full, draft started, team name taken), STORE_UNAVAILABLE (Redis down).
 */
export interface LeagueStore {
  /** Creates a league with a fresh id and invite code; with `teamName` the commissioner also gets the first team. */
  create(input: NewLeague): Promise<League>;
  get(leagueId: string): Promise<League | undefined>;
  /**
   * Joins as a manager. Idempotent per player: a player who already has a
   * team gets that team back (`created: false`), whatever `teamName` says.
   */
  join(inviteCode: string, manager: { playerId: string; teamName: string }): Promise<{ league: League; team: LeagueTeam; created: boolean }>;
  /** Leagues where the player is the commissioner or a manager, newest first. */
  listForPlayer(playerId: string): Promise<League[]>;
  /**
   * Closes the league to joins (`in-progress`) and answers it with its final
   * teams, atomically: a join cannot slip in after the draft read the teams.
   * Idempotent; CONFLICT when the draft is already complete.
   */
  markDraftStarted(leagueId: string): Promise<League>;
  /** Idempotent. */
  markDraftComplete(leagueId: string): Promise<League>;
  /**
   * Leagues whose draft is still `scheduled` and has a `startAt` at or before
   * `now` (epoch ms), earliest first, at most `limit` ids: the drafts the
   * scheduler must get started.
   */
  listDueDrafts(now: number, limit: number): Promise<string[]>;
  /** Takes the league off the due list (its scheduled start was refused; the commissioner starts it by hand). Idempotent. */
  clearDraftSchedule(leagueId: string): Promise<void>;
  /** Stores the snapshot unless one with the same or a newer version is there (answers whether it stored). */
  saveDraftSnapshot(leagueId: string, snapshot: DraftSnapshot): Promise<boolean>;
  loadDraftSnapshot(leagueId: string): Promise<DraftSnapshot | undefined>;
}

/** The league row without teams (teams are stored apart so a join appends one). */
export type LeagueRecord = Omit<League, "teams" | "draftStatus">;
