import { setFlagsFromString } from "node:v8";
import { v8FlagsFor } from "../../server/node-flags.ts";

/**
 * Gives a naive baseline the V8 settings ours runs with: the semi-space flag
 * comes on its command line (loadtest/spawn-server.ts), the heap-growing one
 * is set at start as server/main.ts does, from `V8_HEAP_GROWING_PERCENT`
 * when a run sets it (`--server-env` reaches both servers).
 */
export function useServerV8Settings(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env.V8_HEAP_GROWING_PERCENT;
  const flags = v8FlagsFor(value === undefined || value === "" ? undefined : Number(value));
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
