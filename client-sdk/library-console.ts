/**
 * Injected by scripts/build-sdk.ts into the browser bundles: every `console`
 * of the bundled libraries (@colyseus/sdk, @colyseus/schema, msgpackr)
 * becomes this object, which forwards to the clients' loggers and is silent
 * without one. Not imported by any source file.
 */
export { libraryConsole as __sdkLibraryConsole } from "./logger.ts";
