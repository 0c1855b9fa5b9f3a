export * from "./pool.ts";
export * from "./state-sync.ts";
export * from "./auction.ts";
