/** Who sits in a draft room: per session the player, their team (none for a commissioner without one) and whether the connection is live (dropped seats are held). */
export class DraftSeats {
  readonly #seats = new Map<string, { playerId: string; teamId?: string; live: boolean }>();

  take(sessionId: string, playerId: string, teamId: string | undefined): void {
    this.#seats.set(sessionId, { playerId, teamId, live: true });
  }

  setLive(sessionId: string, live: boolean): void {
    const seat = this.#seats.get(sessionId);
    if (seat) seat.live = live;
  }

  leave(sessionId: string): void {
    this.#seats.delete(sessionId);
  }

  /** Teams with a live connection. */
  liveTeams(): Set<string> {
    return new Set([...this.#seats.values()].filter((s) => s.live && s.teamId).map((s) => s.teamId!));
  }

  get anyLive(): boolean {
    return [...this.#seats.values()].some((seat) => seat.live);
  }
}
