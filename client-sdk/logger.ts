/**
 * The SDK writes nothing to the console by itself. Give `createClient({ logger })`
 * (e.g. `console`, or an adapter to the app's logger) to see what it has to
 * say: diagnostics (`debug`), and exceptions thrown by app listeners (`error`).
 * Browser-safe.
 */
export interface Logger {
  debug?(message: string, ...details: unknown[]): void;
  info?(message: string, ...details: unknown[]): void;
  warn?(message: string, ...details: unknown[]): void;
  error?(message: string, ...details: unknown[]): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * What happens to an exception thrown by an app's listener when no
 * `logger`/`onListenerError` is given: it is reported as an uncaught error,
 * as the platform does for a DOM event listener (`reportError` in browsers:
 * the window's `error` event; in Node an `uncaughtException`). The SDK's own
 * state is unaffected: the listener ran after the SDK's work.
 */
export function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === "function") report(error);
  else
    setTimeout(() => {
      throw error;
    }, 0);
}

/** `onListenerError` for a client: the logger's `error` when there is one, else {@link reportListenerError}. */
export function listenerErrorHandler(logger?: Logger): (error: unknown) => void {
  const error = logger?.error;
  return error ? (thrown) => error.call(logger, "client-sdk: a listener threw", thrown) : reportListenerError;
}

/** Calls `logger[level]` when the logger has that level; nothing otherwise. */
export function log(logger: Logger | undefined, level: LogLevel, message: string, ...details: unknown[]): void {
  const method = logger?.[level];
  if (method) method.call(logger, message, ...details);
}

/**
 * Loggers given to clients. Messages from libraries bundled into the
 * browser builds of the SDK (@colyseus/sdk, @colyseus/schema, msgpackr) go
 * to them: the build replaces those libraries' `console` with
 * {@link libraryConsole} (scripts/build-sdk.ts).
 */
const libraryLoggers = new Set<Logger>();

export function addLibraryLogger(logger: Logger): void {
  libraryLoggers.add(logger);
}

const toLibrary =
  (level: LogLevel) =>
  (...args: unknown[]): void => {
    const [first, ...rest] = args;
    for (const logger of libraryLoggers) log(logger, level, typeof first === "string" ? first : String(first), ...rest);
  };

/** The `console` of the bundled libraries: routed to the clients' loggers, silent without one. */
export const libraryConsole = {
  debug: toLibrary("debug"),
  log: toLibrary("info"),
  info: toLibrary("info"),
  warn: toLibrary("warn"),
  error: toLibrary("error"),
  trace: toLibrary("debug"),
  table: toLibrary("debug"),
  group: toLibrary("debug"),
  groupCollapsed: toLibrary("debug"),
  groupEnd: () => undefined,
  time: () => undefined,
  timeEnd: () => undefined,
  assert: (condition: unknown, ...args: unknown[]) => {
    if (!condition) toLibrary("error")("Assertion failed", ...args);
  },
};
