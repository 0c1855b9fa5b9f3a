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
  const percent = value === undefined || value === "" ? undefined : Number(value);
  // What ours refuses at start (server/config-variables.ts), the baseline refuses too, rather than running with other settings.
  if (percent !== undefined && !(Number.isInteger(percent) && percent >= 0 && percent <= 1000)) throw new Error(`V8_HEAP_GROWING_PERCENT must be an integer from 0 to 1000, got "${value}"`);
  const flags = v8FlagsFor(percent);
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
