/** Events each league's draft feed keeps (the newest ones); a reader further behind starts again from the board. */
export const DRAFT_FEED_RETAINED = 2000;
/** Redis: a league's feed keys expire this long after its last append. */
export const DRAFT_FEED_TTL_SECONDS = 30 * 24 * 3600;
