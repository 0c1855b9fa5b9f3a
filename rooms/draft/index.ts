export * from "./order.ts";
export * from "./autopick.ts";
export * from "./engine.ts";
export * from "./pool.ts";
export * from "./state-sync.ts";
