import { AppError } from "../../shared/errors.ts";
import type { League, LeagueTeam } from "../../shared/fantasy-leagues.ts";
import { draftAlreadyComplete, INVITE_CODE_ATTEMPTS, joinRefused, leagueRecord, newInviteCode, newLeagueId, sortLeagues, teamIdFor, teamNameKey, unknownLeague } from "../common/leagues.ts";
import type { DraftSnapshot, LeagueRecord, LeagueStore, NewLeague } from "../leagues.ts";

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
  readonly #unscheduled = new Set<string>();
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

  async listDueDrafts(now: number, limit: number): Promise<string[]> {
    return [...this.#leagues.values()]
      .filter((l) => l.status === "scheduled" && l.record.startAt !== undefined && Date.parse(l.record.startAt) <= now && !this.#unscheduled.has(l.record.id))
      .sort((a, b) => Date.parse(a.record.startAt!) - Date.parse(b.record.startAt!) || a.record.id.localeCompare(b.record.id))
      .slice(0, limit)
      .map((l) => l.record.id);
  }

  async clearDraftSchedule(leagueId: string): Promise<void> {
    this.#unscheduled.add(leagueId);
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
