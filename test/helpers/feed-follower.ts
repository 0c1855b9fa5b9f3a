import type { MatchFeed, SdkError } from "../../client-sdk/index.ts";
import type { RecordedMatchResult } from "../../shared/index.ts";

/**
 * Follows an SDK match feed in the background: `got` collects every result
 * in order, `done` settles when the feed ends (an abort is a normal end; any
 * other error rejects it).
 */
export function followFeed(feed: MatchFeed): { feed: MatchFeed; got: RecordedMatchResult[]; done: Promise<void> } {
  const got: RecordedMatchResult[] = [];
  const done = (async () => {
    try {
      for await (const result of feed) got.push(result);
    } catch (error) {
      if ((error as SdkError).code !== "ABORTED") throw error;
    }
  })();
  return { feed, got, done };
}
