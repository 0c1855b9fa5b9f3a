export * from "./errors.ts";
export * from "./close-codes.ts";
export * from "./validation.ts";
export * from "./auth.ts";
export * from "./http.ts";
export * from "./match-result.ts";
export * from "./room-protocol.ts";
