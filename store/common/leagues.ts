import { randomBytes, randomInt } from "node:crypto";
import { AppError } from "../../shared/errors.ts";
import { INVITE_ALPHABET, INVITE_CODE_LENGTH, LEAGUE_SETTING_DEFAULTS, type League, type LeagueTeam } from "../../shared/fantasy-leagues.ts";
import { fantasyStandingsBoardId } from "../../shared/leaderboards.ts";
import type { LeagueRecord, NewLeague } from "../leagues.ts";

/** What both league stores share: ids, invite codes, the league row, team naming, ordering and refusals. */

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
    budget: input.budget,
    nominationSeconds: input.nominationSeconds,
    bidSeconds: input.bidSeconds,
    players: input.players ?? [],
    absentPolicy: input.absentPolicy,
    absentGraceSeconds: input.absentGraceSeconds,
    ...(input.rosterSlots ? { rosterSlots: input.rosterSlots } : {}),
    ...(input.startAt ? { startAt: new Date(input.startAt).toISOString() } : {}),
    ...(input.quietHours ? { quietHours: input.quietHours } : {}),
    softTimer: input.softTimer,
    standingsBoardId: fantasyStandingsBoardId(id),
    createdAt,
  };
}

/** A stored league row; settings added since it was stored read as their defaults. */
export function withSettingDefaults(record: LeagueRecord): LeagueRecord {
  return { ...LEAGUE_SETTING_DEFAULTS, ...record };
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
