/** Arena soccer rules: pure functions over a plain `World` (see step.ts). */
export * from "./config.ts";
export * from "./vec.ts";
export * from "./world.ts";
export * from "./input.ts";
export * from "./physics.ts";
export * from "./stats.ts";
export * from "./lifecycle.ts";
export * from "./step.ts";
export * from "./result.ts";
