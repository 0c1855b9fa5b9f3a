import { z } from "zod";
import type { MessageSchemas } from "../room-protocol.ts";

/** Largest input sequence number (it is echoed in state as a uint32). */
export const MAX_INPUT_SEQ = 0xffff_ffff;

/** A stick axis: finite, within [-1, 1]. NaN and ±Infinity fail (zod 4 numbers are finite). */
const Axis = z.number().min(-1).max(1);

/**
 * Client → server messages of the `game` room (type → payload validator).
 * Payloads failing these get an `error` message (VALIDATION_FAILED) and change
 * nothing. Spectators may send none of them (FORBIDDEN).
 */
export const GameClientMessages = {
  /**
   * A movement intent, never a position. `dir` is the stick: a vector whose
   * length the server clamps to 1 (keys map to {-1, 0, 1} per axis). `kick`
   * asks for a kick as soon as the ball is in reach (buffered briefly).
   * `seq` must increase: an input whose seq is not above the last accepted
   * one is ignored (no error). The last applied seq is echoed in
   * `players[sessionId].lastProcessedInputSeq`.
   */
  input: z.strictObject({
    seq: z.number().int().min(1).max(MAX_INPUT_SEQ),
    dir: z.strictObject({ x: Axis, y: Axis }),
    kick: z.boolean().optional(),
  }),
  /** Marks the player ready (shown in state; required before the countdown when the room has `requireReady`). */
  ready: z.strictObject({ ready: z.boolean() }),
  /** Host only, friendly rooms only, in `waiting`, with at least one player on each side: starts the countdown. */
  start: z.strictObject({}),
} satisfies MessageSchemas;

export type GameClientMessageType = keyof typeof GameClientMessages;
export type GameInput = z.output<(typeof GameClientMessages)["input"]>;
