export * from "./state.ts";
export * from "./messages.ts";
export * from "./events.ts";
