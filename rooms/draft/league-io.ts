import type { Logger } from "pino";

/** What a draft room reads from and writes to its league: the draft itself, the final teams at the start, the rosters at the end. */
import { AppError, type League } from "../../shared/index.ts";
import { assertCanStart, createDraft, restoreDraft, rostersOf, startDraft, syncTeams, type Actor, type DraftModel } from "../../shared/rules/draft/index.ts";
import { loadDraftPool } from "./pool.ts";
import type { LeagueStore, Stores } from "../../store/index.ts";

/**
 * A complete draft's rosters go to the fantasy roster store (which creates
 * the standings board: match results credit points from then on), then the
 * league is marked complete. Idempotent, so the room retries it until it
 * lands; a player another team owns (an admin assigned it by hand) is
 * logged and skipped, since retrying cannot help.
 */
export async function saveRosters(model: DraftModel, stores: Pick<Stores, "rosters" | "leagues">, logger: Logger): Promise<void> {
  for (const team of rostersOf(model)) {
    for (const playerId of team.playerIds) {
      try {
        await stores.rosters.assign({ leagueId: model.leagueId, fantasyTeamId: team.teamId, playerId, teamName: team.name });
      } catch (error) {
        if (error instanceof AppError && error.code === "CONFLICT") logger.warn({ err: error, leagueId: model.leagueId, playerId }, "roster entry refused");
        else throw error;
      }
    }
  }
  await stores.leagues.markDraftComplete(model.leagueId);
}

/**
 * The room's draft: restored from the league's last snapshot (a restarted
 * process; a running draft gets a full clock back), else a new one with the
 * pool read from the `rating` board.
 */
export async function loadDraft(league: League, stores: Pick<Stores, "leagues" | "leaderboards">, poolLimit: number, logger: Logger): Promise<DraftModel> {
  const snapshot = await stores.leagues.loadDraftSnapshot(league.id);
  if (!snapshot) return createDraft(league, await loadDraftPool(stores.leaderboards, league, poolLimit));
  const model = JSON.parse(snapshot.data) as DraftModel;
  restoreDraft(model, Date.now());
  syncTeams(model, league);
  logger.info({ leagueId: league.id, version: snapshot.version, status: model.status }, "draft restored from snapshot");
  return model;
}

/**
 * Starts the draft with the league's final teams: re-reads them, then closes
 * the league to joins (so none can slip in after this read) and starts.
 */
export async function startWithFinalTeams(model: DraftModel, actor: Actor, leagues: LeagueStore): Promise<void> {
  assertCanStart(model, actor);
  const league = await leagues.get(model.leagueId);
  if (league) syncTeams(model, league);
  assertCanStart(model, actor);
  const final = await leagues.markDraftStarted(model.leagueId);
  startDraft(model, actor, final, Date.now());
}
