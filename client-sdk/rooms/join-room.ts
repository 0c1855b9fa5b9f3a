import { ErrorCode as ColyseusErrorCode, ServerError, type Room, type SeatReservation } from "@colyseus/sdk";
import { parseRefusal } from "../../shared/refusal.ts";
import { AuthError, HttpError, JoinError, NetworkError, SdkError } from "../errors.ts";
import type { HttpClient } from "../http.ts";
import type { SdkColyseusClient } from "./colyseus-adapter.ts";

/**
 * One join of a room, as the SDK makes it: the matchmake HTTP call is the
 * SDK's own (so it gets the SDK's auth, errors, `Retry-After` and fetch),
 * then @colyseus/sdk's `consumeSeatReservation()` opens the WebSocket
 * (colyseus-adapter.ts). Every failure is a typed SdkError; a room's refusal
 * keeps the room's own code (shared/refusal.ts).
 */

export type MatchmakeMethod = "joinOrCreate" | "create" | "join" | "joinById" | "reconnect";

export interface JoinRequest {
  /** A matchmaker method, or "seat": consume a seat reservation handed over by the server (e.g. a team matchmaker). */
  method: MatchmakeMethod | "seat";
  /** Room name, or the room id for joinById / reconnect / seat. */
  target: string;
  options?: unknown;
  /** For "reconnect": the secret half of `room.reconnectionToken`. */
  reconnectionToken?: string;
  /** For "seat": the reservation. */
  reservation?: SeatReservation;
}

/**
 * `POST /matchmake/:method/:target` through the SDK's HTTP helper, then
 * opens the WebSocket with the seat reservation. Rejects with a typed error:
 * JoinError (matchmaker refused), AuthError (token refused after one
 * refresh), HttpError (429/503 with Retry-After), NetworkError, TIMEOUT.
 */
export async function joinRoom<State>(
  colyseus: SdkColyseusClient,
  http: HttpClient,
  request: JoinRequest,
  state: (new (...args: any[]) => State) | undefined,
  control: { signal?: AbortSignal; timeoutMs: number },
): Promise<Room<any, State>> {
  if (request.method === "seat") {
    if (!request.reservation) throw new TypeError("client-sdk: a seat join needs the reservation");
    return consume(colyseus, { ...request.reservation }, state, control);
  }
  let reservation: SeatReservation;
  try {
    const body = request.method === "reconnect" ? { reconnectionToken: request.reconnectionToken } : (request.options ?? {});
    const response = await http.request<SeatReservation>("POST", `/matchmake/${request.method}/${encodeURIComponent(request.target)}`, {
      body,
      auth: request.method === "reconnect" ? "none" : "required",
      signal: control.signal,
      retries: 0,
      // Colyseus answers a failed onAuth with its own 525 and the project's code as a message prefix.
      isAuthFailure: (error) => error.status === 401 || (error.status === ColyseusErrorCode.AUTH_FAILED && isTokenProblem(error.message)),
    });
    reservation = response.data;
  } catch (error) {
    throw matchmakeError(error);
  }
  if (request.method === "reconnect") reservation.reconnectionToken = request.reconnectionToken;
  return consume(colyseus, reservation, state, control);
}

function isTokenProblem(message: string): boolean {
  const code = parseRefusal(message).code;
  return code === "UNAUTHORIZED" || code === "TOKEN_EXPIRED" || code === "TOKEN_INVALID";
}

/**
 * A matchmaker refusal as a typed JoinError. Rooms refuse with the project's
 * code as a message prefix (`CONFLICT: The team is full`, `FORBIDDEN: …`,
 * `VALIDATION_FAILED: …`; the codec is shared/refusal.ts, docs/protocol.md
 * "Join refusals"), over HTTP (seat reservation) or over the socket (onJoin).
 * That code is kept; Colyseus's own
 * codes map to NOT_FOUND (no such room type, room or filter match),
 * MATCHMAKE_FAILED (retryable for an expired reservation) or FORBIDDEN.
 */
export function joinErrorFrom(matchmakeCode: number, rawMessage: string, cause: unknown): JoinError {
  const { code, message } = parseRefusal(rawMessage ?? "");
  const expired = matchmakeCode === ColyseusErrorCode.MATCHMAKE_EXPIRED;
  if (code) return new JoinError(matchmakeCode, code, message, { cause });
  switch (matchmakeCode) {
    case ColyseusErrorCode.MATCHMAKE_NO_HANDLER:
    case ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA:
    case ColyseusErrorCode.MATCHMAKE_INVALID_ROOM_ID:
      return new JoinError(matchmakeCode, "NOT_FOUND", message, { cause });
    case ColyseusErrorCode.AUTH_FAILED:
      return new JoinError(matchmakeCode, "FORBIDDEN", message, { cause });
    default:
      // A seat reservation that raced its timeout: a fresh attempt usually succeeds.
      return new JoinError(matchmakeCode, "MATCHMAKE_FAILED", message, { cause, retryable: expired });
  }
}

/** Turns an HttpError for a matchmake call into the SDK's classification. */
function matchmakeError(error: unknown): SdkError {
  if (error instanceof AuthError) {
    const { code, message } = parseRefusal(error.message);
    return new AuthError(code ?? error.code, message, { status: error.status, cause: error.cause ?? error });
  }
  if (!(error instanceof HttpError)) return error instanceof SdkError ? error : new NetworkError(String(error), { cause: error });
  if (error.status >= 520 && error.status <= 529) return joinErrorFrom(error.status, error.message, error);
  return error;
}

async function consume<State>(
  colyseus: SdkColyseusClient,
  reservation: SeatReservation,
  state: (new (...args: any[]) => State) | undefined,
  control: { signal?: AbortSignal; timeoutMs: number },
): Promise<Room<any, State>> {
  const pending = colyseus.consumeSeatReservation<State>(reservation, state);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SdkError("TIMEOUT", `joining room ${reservation.roomId} timed out after ${control.timeoutMs} ms`)), control.timeoutMs);
    onAbort = () => reject(new SdkError("ABORTED", "join aborted"));
    control.signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([pending, guard]);
  } catch (error) {
    // Whatever lost the race must not leave a socket open behind it.
    pending.then((room) => room.leave(false)).catch(() => undefined);
    if (error instanceof SdkError) throw error;
    if (error instanceof ServerError) {
      const code = error.code;
      // The room refused the join after the socket opened (onJoin threw): the same codes as over HTTP.
      if (typeof code === "number" && code >= 520 && code <= 529) throw joinErrorFrom(code, error.message, error);
    }
    throw new NetworkError(`the room's WebSocket failed before the join completed${error instanceof Error && error.message ? `: ${error.message}` : ""}`, { cause: error });
  } finally {
    clearTimeout(timer);
    if (onAbort) control.signal?.removeEventListener("abort", onAbort);
  }
}
