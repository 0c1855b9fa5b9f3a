/**
 * Since when each team's manager has been disconnected during the draft
 * (`disconnect-grace` policy). Runtime only: a restored draft starts
 * counting again from the restore.
 */
export class DisconnectClock {
  readonly #since = new Map<string, number>();

  /** Records who is live now: a live team is forgotten, a team not live keeps its first "since". Only while the draft runs or is paused. */
  update(teamIds: readonly string[], live: ReadonlySet<string>, drafting: boolean, now: number): void {
    if (!drafting) return this.#since.clear();
    for (const teamId of teamIds) {
      if (live.has(teamId)) this.#since.delete(teamId);
      else if (!this.#since.has(teamId)) this.#since.set(teamId, now);
    }
  }

  get since(): ReadonlyMap<string, number> {
    return this.#since;
  }
}
