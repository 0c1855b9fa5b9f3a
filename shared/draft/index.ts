export * from "./state.ts";
export * from "./messages.ts";
export * from "./events.ts";
export * from "./refusals.ts";
export * from "./board.ts";
