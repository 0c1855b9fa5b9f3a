import { z } from "zod";
import { CHAT_LIMITS } from "./chat.ts";

/**
 * The one rule for every string a person types and others see: player,
 * team and league names, board titles, chat lines. Names and chat are shown
 * in other players' clients, logs and the leaderboard page, so:
 *
 * - no control characters: C0 (U+0000–U+001F: NUL, tab, newline…), DEL and
 *   C1 (U+007F–U+009F) — they break terminals, logs and layouts;
 * - no bidirectional formatting: the embeddings and overrides U+202A–U+202E,
 *   the isolates U+2066–U+2069 and the marks U+200E, U+200F, U+061C — they
 *   reorder the text AROUND a name (a "Trojan Source" name can make a chat
 *   line or a leaderboard row read as something else);
 * - no unpaired UTF-16 surrogates (not text; JSON allows `"\ud800"`);
 * - normalised to NFC (one spelling per visible string, so "é" and "e\u0301"
 *   are the same name) and trimmed of surrounding white space;
 * - at least one visible character (not only format marks or spaces).
 *
 * Emoji sequences (ZWJ, variation selectors) and every script stay allowed.
 * Browser-safe: the SDK and the rooms validate with the same schemas.
 */

const CONTROL = /\p{Cc}/u;
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const LONE_SURROGATE = /\p{Cs}/u;
const VISIBLE = /[^\p{White_Space}\p{Cf}\p{M}]/u;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/** Why `value` breaks the rule (before normalising), or undefined if it does not. */
export function textProblem(value: string): string | undefined {
  const control = CONTROL.exec(value);
  if (control) return `must not contain control characters (found ${codePoint(control[0])} at index ${control.index}; no tabs, newlines or NUL); remove it`;
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) return `must not contain bidirectional formatting characters (found ${codePoint(bidi[0])} at index ${bidi.index}); remove it`;
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) return `must be valid Unicode text (found an unpaired surrogate ${codePoint(surrogate[0])} at index ${surrogate.index})`;
  return undefined;
}

/** The rule's normal form: NFC, trimmed. */
export function normaliseText(value: string): string {
  return value.normalize("NFC").trim();
}

export interface DisplayTextOptions {
  /** Shortest length after trimming. @default 1 */
  min?: number;
  /** Longest length after normalising and trimming (UTF-16 code units, as JavaScript counts). */
  max: number;
}

/**
 * A zod schema applying the rule to one field; `what` names it in messages
 * ("name", "chat line"). Parses to the normalised, trimmed string.
 */
export function displayText(what: string, options: DisplayTextOptions) {
  const min = options.min ?? 1;
  return z
    .string({ error: `${what} must be a string` })
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: `${what} ${problem}`, abort: true });
    })
    .transform(normaliseText)
    .pipe(
      z
        .string()
        .min(min, { error: min === 1 ? `${what} must not be empty` : `${what} must be at least ${min} characters` })
        .max(options.max, { error: `${what} must be at most ${options.max} characters` })
        .refine((value) => value.length === 0 || VISIBLE.test(value), { error: `${what} must contain a visible character` }),
    );
}

/**
 * A chat line: the text rule, 1..CHAT_LIMITS.maxChatLength characters.
 * Every room's chat (team and draft rooms) uses this schema.
 */
export const ChatText = displayText("chat line", { max: CHAT_LIMITS.maxChatLength });
