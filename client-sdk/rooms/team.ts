import type { GameJoinOptionsInput } from "../../shared/game/options.ts";
import { TeamServerMessage, type MatchFoundMessage } from "../../shared/team/events.ts";
import type { TeamCreateOptionsInput } from "../../shared/team/messages.ts";
import { gameContract, teamContract, type GameContract, type TeamContract } from "../../shared/rooms/index.ts";
import { toSdkError, type SdkError } from "../errors.ts";
import { reportListenerError } from "../logger.ts";
import type { JoinRequest } from "./join-room.ts";
import { RoomConnection, type RoomConnectOptions, type RoomCore } from "./room-connection.ts";
import { RoomHandle } from "./room-handle.ts";

export type TeamConnection = RoomConnection<TeamContract>;
export type GameConnection = RoomConnection<GameContract>;

/**
 * What an `onMatchFound` handler receives. With `autoJoin` (the default) the
 * handler runs once the game seat is taken: `game` is the open game
 * connection, or `error` says why the seat could not be taken (e.g. the
 * reservation expired). Without it, call `join()` within the game room's
 * seat reservation time (15 s by default).
 */
export interface MatchFoundEvent {
  match: MatchFoundMessage;
  /** The team connection the match was found on. */
  team: TeamConnection;
  game?: GameConnection;
  error?: SdkError;
  /** Takes the reserved seat (once: later calls return the same promise; with autoJoin it is the join already made). */
  join(options?: GameJoinOptionsInput, control?: RoomConnectOptions): Promise<GameConnection>;
}

export interface MatchFoundOptions {
  /** Take the game seat before calling the handler. @default true */
  autoJoin?: boolean;
  /** Join options of the game (e.g. nothing; a seat carries its side). */
  join?: GameJoinOptionsInput;
  /** Connection options of the game connection (backoff, maxAttempts, …). */
  control?: RoomConnectOptions;
}

/**
 * `client.rooms.team`: a party on its way to a match. Adds to the plain
 * handle: `joinByCode(code)` (any process; a wrong code rejects with a
 * JoinError whose `code` is `NOT_FOUND`, a malformed one `VALIDATION_FAILED`)
 * and `onMatchFound(handler)`, which by default takes the seat the
 * matchmaker reserved and hands the open, typed game connection to the
 * handler. `matchFound` is handled once per match and team connection
 * (a member who was away receives it again on reconnect).
 */
export class TeamRoomHandle extends RoomHandle<TeamContract> {
  readonly #handlers = new Set<{ handler: (event: MatchFoundEvent) => void; options: MatchFoundOptions }>();
  readonly #onListenerError: (error: unknown) => void;
  readonly #games: RoomHandle<GameContract>;

  constructor(core: RoomCore) {
    super(core, teamContract);
    this.#onListenerError = core.onListenerError ?? reportListenerError;
    this.#games = new RoomHandle(core, gameContract);
  }

  /** Creates a team; the caller is its captain. */
  override create(options?: TeamCreateOptionsInput, control?: RoomConnectOptions): Promise<TeamConnection> {
    return super.create(options, control);
  }

  /** Joins the team with this code (trimmed and upper-cased by the server). */
  joinByCode(code: string, control?: RoomConnectOptions): Promise<TeamConnection> {
    return this.connect("join", { code }, control).ready();
  }

  /**
   * Calls `handler` for every `matchFound` on every team connection of this
   * handle (present and future). Several handlers with `autoJoin` share one
   * game connection per match. Returns the unsubscribe function.
   */
  onMatchFound(handler: (event: MatchFoundEvent) => void, options: MatchFoundOptions = {}): () => void {
    const entry = { handler, options };
    this.#handlers.add(entry);
    return () => this.#handlers.delete(entry);
  }

  protected override open(request: JoinRequest, control?: RoomConnectOptions): TeamConnection {
    const connection = super.open(request, control);
    const seen = new Set<string>();
    connection.onMessage(TeamServerMessage.MATCH_FOUND, (match) => {
      if (seen.has(match.matchId)) return;
      seen.add(match.matchId);
      void this.#deliver(connection, match);
    });
    return connection;
  }

  async #deliver(team: TeamConnection, match: MatchFoundMessage): Promise<void> {
    const handlers = [...this.#handlers];
    if (handlers.length === 0) return;
    let joining: Promise<GameConnection> | undefined;
    const join = (options?: GameJoinOptionsInput, control?: RoomConnectOptions) =>
      (joining ??= this.#games.consumeSeatReservation(match.reservation, options, control));
    const auto = handlers.find((h) => h.options.autoJoin !== false);
    let game: GameConnection | undefined;
    let error: SdkError | undefined;
    if (auto) {
      try {
        game = await join(auto.options.join, auto.options.control);
      } catch (caught) {
        error = toSdkError(caught);
      }
    }
    for (const { handler, options } of handlers) {
      const event: MatchFoundEvent = options.autoJoin === false ? { match, team, join } : { match, team, game, error, join };
      try {
        handler(event);
      } catch (thrown) {
        this.#onListenerError(thrown);
      }
    }
  }
}
