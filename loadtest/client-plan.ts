import { PartAggregate } from "./aggregate.ts";
import { splitRange, type ClientTask, type PartName } from "./client-host.ts";
import type { RunOptions } from "./run-report.ts";
import { arenaRoomPlans, arenaRoomShape } from "./scenarios/arena.ts";

/** Each part's clients of a run, and where they run: one list of tasks per client thread, one aggregate per part. */
export interface ClientPlan {
  tasks: ClientTask[][];
  aggregates: Map<PartName, PartAggregate>;
}

/** The parts a scenario runs. */
export function partsOf(options: Pick<RunOptions, "scenario">): PartName[] {
  return options.scenario === "mixed" ? ["arena", "sse", "longpoll"] : [options.scenario];
}

/**
 * Spreads each part's clients over `threads` client threads: arena by whole
 * rooms (a room's bots share a thread), SSE and long-poll by contiguous
 * index ranges. `sseBoardId`: the board the SSE writer changes; `arenaUrl`:
 * where the players matchmake (the room process of a split deployment).
 */
export function planClients(options: RunOptions, threads: number, url: string, sseBoardId: string | undefined, arenaUrl = url): ClientPlan {
  const parts = partsOf(options);
  const tasks: ClientTask[][] = Array.from({ length: threads }, () => []);
  const aggregates = new Map<PartName, PartAggregate>();
  if (parts.includes("arena")) {
    const a = options.arena!;
    const { teamSize } = arenaRoomShape(a.clients, a.rooms);
    const plans = arenaRoomPlans(a.clients, a.rooms);
    // Matches outlast the run, so no room ends inside the window.
    const matchSeconds = Math.min(3600, Math.max(60, (options.rampSeconds + options.durationSeconds) * 2 + 60));
    for (let t = 0; t < threads; t++) {
      tasks[t].push({ part: "arena", url: arenaUrl, rooms: plans.filter((_, i) => i % threads === t), totalClients: a.clients, rate: a.rate, observeEvery: a.observeEvery, teamSize, matchSeconds });
    }
    const agg = new PartAggregate("arena", options.target, a.clients, threads);
    agg.details.observers = Math.ceil(a.clients / a.observeEvery);
    aggregates.set("arena", agg);
  }
  if (sseBoardId !== undefined) {
    const s = options.sse!;
    splitRange(s.clients, threads).forEach((range, t) => tasks[t].push({ part: "sse", target: options.target, url, boardId: sseBoardId, top: s.top, observeEvery: s.observeEvery, ...range, totalClients: s.clients }));
    const agg = new PartAggregate("sse", options.target, s.clients, threads);
    agg.details.observers = Math.ceil(s.clients / s.observeEvery);
    aggregates.set("sse", agg);
  }
  if (parts.includes("longpoll")) {
    const l = options.longpoll!;
    splitRange(l.clients, threads).forEach((range, t) => tasks[t].push({ part: "longpoll", target: options.target, url, observeEvery: l.observeEvery, ...range, totalClients: l.clients }));
    aggregates.set("longpoll", new PartAggregate("longpoll", options.target, l.clients, threads));
  }
  return { tasks, aggregates };
}
