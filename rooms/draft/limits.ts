import { CHAT_LIMITS } from "../../shared/index.ts";
import type { ChatLimits } from "../chat.ts";

/** Named limits of the draft room (server/config.ts feeds the first two). Chat: CHAT_LIMITS, the rule of every room chat. */
export interface DraftRoomLimits extends ChatLimits {
  /** Most players read from the `rating` board into a draft's pool. @default 500 */
  poolLimit: number;
  /** How long a complete draft's room stays open (rosters saved) before closing with 4107. @default 120 */
  closeAfterSeconds: number;
  /** How often the pick clock is checked and `remainingMs` refreshed. @default 250 */
  clockTickMs: number;
  /** Longest pause between retries of a failed roster or league-status write. @default 30000 */
  maxRetryMs: number;
  /**
   * A paused draft with nobody connected is snapshotted and closed after
   * this long (DRAFT_IDLE_CLOSE_SECONDS); the next join restores it. @default 600
   */
  idleCloseSeconds: number;
  /** How often scheduled drafts that are due are looked up, to open their room (DRAFT_SCHEDULE_CHECK_MS). @default 5000 */
  scheduleCheckMs: number;
}

export const DEFAULT_DRAFT_LIMITS: DraftRoomLimits = {
  poolLimit: 500,
  closeAfterSeconds: 120,
  clockTickMs: 250,
  maxRetryMs: 30_000,
  idleCloseSeconds: 600,
  scheduleCheckMs: 5000,
  chatHistory: CHAT_LIMITS.chatHistory,
  chatBurst: CHAT_LIMITS.chatBurst,
  chatPerSecond: CHAT_LIMITS.chatPerSecond,
};
