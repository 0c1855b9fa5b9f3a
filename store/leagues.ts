import { randomBytes, randomInt } from "node:crypto";
import { AppError } from "../shared/errors.ts";
import { INVITE_ALPHABET, INVITE_CODE_LENGTH, type League, type LeagueSettings, type LeagueTeam } from "../shared/fantasy-leagues.ts";
import { fantasyStandingsBoardId } from "../shared/leaderboards.ts";

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
 * Fantasy leagues (issue 8) and their draft snapshots. One team per player
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
  /** Stores the snapshot unless one with the same or a newer version is there (answers whether it stored). */
  saveDraftSnapshot(leagueId: string, snapshot: DraftSnapshot): Promise<boolean>;
  loadDraftSnapshot(leagueId: string): Promise<DraftSnapshot | undefined>;
}

export function newLeagueId(): string {
  return `lg_${randomBytes(8).toString("hex")}`;
}

export function newInviteCode(): string {
  let code = "";
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
  return code;
}

/** Invite codes are random; a collision is retried this many times before giving up. */
export const INVITE_CODE_ATTEMPTS = 5;

/** The league row without teams (teams are stored apart so a join appends one). */
export type LeagueRecord = Omit<League, "teams" | "draftStatus">;

export function leagueRecord(id: string, inviteCode: string, input: NewLeague, createdAt: string): LeagueRecord {
  return {
    id,
    name: input.name,
    commissionerId: input.commissionerId,
    inviteCode,
    teamCount: input.teamCount,
    rosterSize: input.rosterSize,
    draftType: input.draftType,
    thirdRoundReversal: input.thirdRoundReversal,
    pickSeconds: input.pickSeconds,
    draftOrder: input.draftOrder,
    players: input.players ?? [],
    standingsBoardId: fantasyStandingsBoardId(id),
    createdAt,
  };
}

/** Team ids are `t1`, `t2`, … in join order (teams never leave a league). */
export function teamIdFor(index: number): string {
  return `t${index + 1}`;
}

/** Names compare case- and space-insensitively. */
export function teamNameKey(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, " ");
}

export function sortTeams(teams: LeagueTeam[]): LeagueTeam[] {
  return teams.sort((a, b) => Number(a.teamId.slice(1)) - Number(b.teamId.slice(1)));
}

export function sortLeagues(leagues: League[]): League[] {
  return leagues.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

export type JoinRefusal = "not-found" | "started" | "full" | "name-taken";

export function joinRefused(outcome: JoinRefusal, details: { leagueId?: string; teamCount?: number; teamName?: string } = {}): AppError {
  switch (outcome) {
    case "not-found":
      return new AppError("NOT_FOUND", "No league has this invite code");
    case "started":
      return new AppError("CONFLICT", "The league's draft has started; it takes no more teams", { details: { reason: "DRAFT_STARTED", leagueId: details.leagueId } });
    case "full":
      return new AppError("CONFLICT", `The league is full (${details.teamCount} teams)`, { details: { reason: "LEAGUE_FULL", leagueId: details.leagueId } });
    case "name-taken":
      return new AppError("CONFLICT", `Another team of the league is already called "${details.teamName}"`, { details: { reason: "TEAM_NAME_TAKEN", leagueId: details.leagueId } });
  }
}

export function unknownLeague(leagueId: string): AppError {
  return new AppError("NOT_FOUND", `No league ${leagueId}`);
}

export function draftAlreadyComplete(leagueId: string): AppError {
  return new AppError("CONFLICT", `The draft of league ${leagueId} is complete`, { details: { reason: "DRAFT_COMPLETE", leagueId } });
}

interface MemoryLeague {
  record: LeagueRecord;
  status: League["draftStatus"];
  teams: LeagueTeam[];
}

/** The embedded default. Answers are copies: callers cannot change the store by mutating them. */
export class MemoryLeagueStore implements LeagueStore {
  readonly #leagues = new Map<string, MemoryLeague>();
  readonly #invites = new Map<string, string>();
  readonly #snapshots = new Map<string, DraftSnapshot>();
  readonly #clock: () => number;

  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  async create(input: NewLeague): Promise<League> {
    const id = newLeagueId();
    let code = newInviteCode();
    for (let i = 1; this.#invites.has(code); i++) {
      if (i >= INVITE_CODE_ATTEMPTS) throw new AppError("INTERNAL", "Could not allocate a unique invite code");
      code = newInviteCode();
    }
    const now = new Date(this.#clock()).toISOString();
    const league: MemoryLeague = { record: leagueRecord(id, code, input, now), status: "scheduled", teams: [] };
    if (input.teamName !== undefined) league.teams.push({ teamId: teamIdFor(0), name: input.teamName, managerId: input.commissionerId, joinedAt: now });
    this.#leagues.set(id, league);
    this.#invites.set(code, id);
    return this.#view(league);
  }

  async get(leagueId: string): Promise<League | undefined> {
    const league = this.#leagues.get(leagueId);
    return league && this.#view(league);
  }

  async join(inviteCode: string, manager: { playerId: string; teamName: string }) {
    const id = this.#invites.get(inviteCode);
    const league = id === undefined ? undefined : this.#leagues.get(id);
    if (!league) throw joinRefused("not-found");
    const existing = league.teams.find((t) => t.managerId === manager.playerId);
    if (existing) return { league: this.#view(league), team: { ...existing }, created: false };
    if (league.status !== "scheduled") throw joinRefused("started", { leagueId: league.record.id });
    if (league.teams.length >= league.record.teamCount) throw joinRefused("full", { leagueId: league.record.id, teamCount: league.record.teamCount });
    if (league.teams.some((t) => teamNameKey(t.name) === teamNameKey(manager.teamName))) {
      throw joinRefused("name-taken", { leagueId: league.record.id, teamName: manager.teamName });
    }
    const team: LeagueTeam = { teamId: teamIdFor(league.teams.length), name: manager.teamName, managerId: manager.playerId, joinedAt: new Date(this.#clock()).toISOString() };
    league.teams.push(team);
    return { league: this.#view(league), team: { ...team }, created: true };
  }

  async listForPlayer(playerId: string): Promise<League[]> {
    const mine = [...this.#leagues.values()].filter((l) => l.record.commissionerId === playerId || l.teams.some((t) => t.managerId === playerId));
    return sortLeagues(mine.map((l) => this.#view(l)));
  }

  async markDraftStarted(leagueId: string): Promise<League> {
    const league = this.#leagues.get(leagueId);
    if (!league) throw unknownLeague(leagueId);
    if (league.status === "complete") throw draftAlreadyComplete(leagueId);
    league.status = "in-progress";
    return this.#view(league);
  }

  async markDraftComplete(leagueId: string): Promise<League> {
    const league = this.#leagues.get(leagueId);
    if (!league) throw unknownLeague(leagueId);
    league.status = "complete";
    return this.#view(league);
  }

  async saveDraftSnapshot(leagueId: string, snapshot: DraftSnapshot): Promise<boolean> {
    const current = this.#snapshots.get(leagueId);
    if (current && current.version >= snapshot.version) return false;
    this.#snapshots.set(leagueId, { ...snapshot });
    return true;
  }

  async loadDraftSnapshot(leagueId: string): Promise<DraftSnapshot | undefined> {
    const snapshot = this.#snapshots.get(leagueId);
    return snapshot && { ...snapshot };
  }

  #view(league: MemoryLeague): League {
    return structuredClone({ ...league.record, teams: league.teams, draftStatus: league.status });
  }
}
