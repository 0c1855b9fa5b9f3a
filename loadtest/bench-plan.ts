import type { PartName, Target } from "./client-host.ts";
import type { Scenario } from "./run-report.ts";

/**
 * The scenarios bench knows. `longpoll-api` is the longpoll scenario against
 * one PROCESS_ROLE=api process, `mixed-split` the mixed one against a room
 * process + an api process (its solo runs too), both on a private Redis
 * (`--topology`, docs/operations.md "Process roles").
 */
export const BENCH_SCENARIOS = ["arena", "sse", "longpoll", "longpoll-api", "mixed", "mixed-split"] as const;

/** The sizes of every run: the performance targets' sizes (docs/performance.md), or a small smoke run (`--quick`). */
export function benchSizes(quick: boolean) {
  return quick
    ? {
        arena: { players: 40, rooms: 4, duration: 5 },
        sse: { subscribers: 200, duration: 5 },
        longpoll: { polls: 300, rounds: 2 },
        mixed: { players: 40, subscribers: 200, polls: 200, duration: 8, soloDuration: 5, soloRounds: 2 },
        ramp: 1,
        observeEvery: 2,
      }
    : {
        arena: { players: 1000, rooms: 100, duration: 30 },
        sse: { subscribers: 5000, duration: 30 },
        longpoll: { polls: 10000, rounds: 5 },
        mixed: { players: 500, subscribers: 2000, polls: 2000, duration: 60, soloDuration: 30, soloRounds: 5 },
        ramp: 10,
        observeEvery: 4,
      };
}

export type BenchSizes = ReturnType<typeof benchSizes>;

export interface RunSpec {
  /** Key of the run in the results: scenario/target, or solo-<part> for mixed's solo runs. */
  key: string;
  scenario: Scenario;
  target: Target;
  /** The arguments of `loadtest/run.ts`. */
  args: string[];
}

/** One `loadtest/run.ts` invocation per run: each scenario against ours and its naive baseline; mixed against solo runs of ours at its sizes. */
export function benchSpecs(sizes: BenchSizes, options: { only: ReadonlySet<string>; workers: string; observeEvery: string; generatorNice?: string }): RunSpec[] {
  const { only, observeEvery } = options;
  // Mixed is compared with solo runs of ours: both sides get the same niced generator.
  const niced = options.generatorNice === undefined ? [] : ["--generator-nice", options.generatorNice];
  const common = ["--workers", options.workers, "--ramp", String(sizes.ramp)];
  const specs: RunSpec[] = [];
  const pair = (scenario: Scenario, args: string[]) => {
    for (const target of ["ours", "naive"] as const) specs.push({ key: `${scenario}/${target}`, scenario, target, args: [scenario, "--target", target, ...args, ...common] });
  };
  if (only.has("arena")) {
    const a = sizes.arena;
    pair("arena", ["--clients", String(a.players), "--rooms", String(a.rooms), "--rate", "20", "--duration", String(a.duration), "--observe-every", observeEvery]);
  }
  if (only.has("sse")) pair("sse", ["--clients", String(sizes.sse.subscribers), "--rate", "10", "--duration", String(sizes.sse.duration), "--observe-every", observeEvery]);
  if (only.has("longpoll")) pair("longpoll", ["--clients", String(sizes.longpoll.polls), "--rounds", String(sizes.longpoll.rounds), "--observe-every", observeEvery]);
  if (only.has("longpoll-api")) {
    const args = ["--clients", String(sizes.longpoll.polls), "--rounds", String(sizes.longpoll.rounds), "--observe-every", observeEvery, "--topology", "api"];
    specs.push({ key: "longpoll-api/ours", scenario: "longpoll", target: "ours", args: ["longpoll", "--target", "ours", ...args, ...common] });
  }
  const mixed = (suffix: string, topology: string[]) => {
    const m = sizes.mixed;
    specs.push({
      key: `mixed${suffix}/ours`,
      scenario: "mixed",
      target: "ours",
      args: ["mixed", "--players", String(m.players), "--subscribers", String(m.subscribers), "--polls", String(m.polls), "--duration", String(m.duration), "--observe-every", observeEvery, ...topology, ...common, ...niced],
    });
    const soloArgs: Record<PartName, string[]> = {
      arena: ["--clients", String(m.players), "--rooms", String(Math.ceil(m.players / 10)), "--duration", String(m.soloDuration), "--observe-every", observeEvery],
      sse: ["--clients", String(m.subscribers), "--rate", "10", "--duration", String(m.soloDuration), "--observe-every", observeEvery],
      longpoll: ["--clients", String(m.polls), "--rounds", String(m.soloRounds), "--observe-every", observeEvery],
    };
    for (const part of ["arena", "sse", "longpoll"] as const) specs.push({ key: `solo${suffix}-${part}/ours`, scenario: part, target: "ours", args: [part, "--target", "ours", ...soloArgs[part], ...topology, ...common, ...niced] });
  };
  if (only.has("mixed")) mixed("", []);
  if (only.has("mixed-split")) mixed("-split", ["--topology", "split"]);
  return specs;
}
