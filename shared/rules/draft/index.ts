/** The draft's rules: pure functions over a plain, JSON-serialisable `DraftModel` (model.ts). */
export * from "./order.ts";
export * from "./autopick.ts";
export * from "./model.ts";
export * from "./auction-model.ts";
export * from "./commands.ts";
export * from "./picks.ts";
export * from "./absent.ts";
export * from "./keepers.ts";
export * from "./trades.ts";
export * from "./slots.ts";
export * from "./schedule.ts";
export * from "./auction-values.ts";
export * from "./auction.ts";
