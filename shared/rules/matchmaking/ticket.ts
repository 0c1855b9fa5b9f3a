/** A team (or a solo player, or any party smaller than the mode) waiting for a match. */
export interface QueueTicket {
  /** Unique per enqueue. */
  id: string;
  /** e.g. "2v2". */
  mode: string;
  /** The team room that owns the ticket (answers `prepareMatch`, `deliverMatch`). */
  teamRoomId: string;
  teamId: string;
  name: string;
  /** Party size: equal to the mode's team size for a full team, smaller for a party to group. */
  players: number;
  /** Average rating of the party's players. */
  rating: number;
  /** ms since the epoch; a re-enqueued ticket (aborted match) keeps its place. */
  enqueuedAt: number;
}
