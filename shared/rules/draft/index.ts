/** The draft's rules: pure functions over a plain, JSON-serialisable `DraftModel` (model.ts). */
export * from "./order.ts";
export * from "./autopick.ts";
export * from "./model.ts";
export * from "./commands.ts";
export * from "./picks.ts";
export * from "./auction-values.ts";
export * from "./auction.ts";
