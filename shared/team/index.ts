export * from "./state.ts";
export * from "./messages.ts";
