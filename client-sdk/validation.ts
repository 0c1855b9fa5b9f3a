import type { MessageSchemas } from "../shared/room-protocol.ts";
import { roomSchemas } from "../shared/rooms/schemas.ts";

/**
 * The project rooms' message schemas (zod, from shared/), for
 * `createClient({ messageSchemas: projectMessageSchemas })`: `send()` then
 * checks each payload before it leaves and throws a RoomMessageError
 * VALIDATION_FAILED (`local: true`) at once, instead of the room answering
 * `error` a round trip later. Optional on purpose: it brings zod (about
 * 25 KB gzipped), which the SDK's browser bundles leave out; types already
 * catch wrong payloads at compile time and every room validates anyway.
 */
export const projectMessageSchemas: Record<string, MessageSchemas> = Object.fromEntries(
  Object.entries(roomSchemas).map(([name, schemas]) => [name, schemas.messages as MessageSchemas]),
);
