// The page's session. Boards, spectating and the lobby need no token (public boards; the lobby
// room has no onAuth, and the SDK joins it without one); the results feed (/v1/matches/results)
// does. So the page signs in as a guest named "Viewer" once, keeps the token in localStorage (one
// identity per browser, refreshed by the SDK while the page is open: not a new guest per visit,
// which GUEST_SIGNUPS_PER_MINUTE bounds per address) and hands it to the full SDK too, loaded only
// for the lobby. A player token stored under the same key (a game served from this origin)
// makes the page "signed in" as that player: their rows are pinned.
import { decodeJwtClaims, retryDelay } from "/sdk/leaderboards.js";

const KEY = "arena-lobby.token";
const GUEST_NAME = "Viewer";

const storage = {
  get() {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null; // storage disabled: a guest per page load
    }
  },
  set(token) {
    try {
      if (token) localStorage.setItem(KEY, token);
      else localStorage.removeItem(KEY);
    } catch {
      // storage disabled or full: the session lives as long as the page
    }
  },
};

/**
 * `ready()` resolves once there is a token (signing in as a guest if needed, retrying with
 * the SDK's backoff; `onWait` hears why it waits). `renew()` drops a token the server refused.
 * `rooms()` loads the full SDK (/sdk/client-sdk.js) once and returns a client on the same token.
 */
export function createSession(client) {
  const waiters = new Set();
  let pending;
  let roomsClient;

  const stored = storage.get();
  const claims = stored ? decodeJwtClaims(stored) : undefined;
  // A stored token with a minute left is used (the SDK refreshes it before it runs out); an older one is dropped.
  if (stored && claims?.exp && claims.exp - Date.now() / 1000 > 60) client.auth.setToken(stored);
  else storage.set(null);
  client.auth.on("token", ({ token }) => storage.set(token));

  const signIn = async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.auth.signInAsGuest(GUEST_NAME);
        for (const fn of waiters) fn("");
        return;
      } catch (error) {
        const delay = retryDelay(attempt, {}, error?.retryAfterMs);
        const why = error?.code === "RATE_LIMITED" ? "too many guest sign-ins from this address" : error?.message ?? "the server cannot be reached";
        for (const fn of waiters) fn(`Waiting to sign in as a guest viewer (${why}); trying again in ${Math.ceil(delay / 1000)} s.`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const session = {
    ready() {
      if (client.auth.token) return Promise.resolve();
      pending ??= signIn().finally(() => (pending = undefined));
      return pending;
    },
    /** The server refused the token for good (expired, another secret): sign in again. */
    renew() {
      client.auth.signOut();
      return session.ready();
    },
    /** The signed-in player (`{playerId, name}`), or undefined. */
    player: () => client.auth.player,
    /** `fn(message)` while a sign-in waits ("" once signed in); returns an unsubscribe. */
    onWait(fn) {
      waiters.add(fn);
      return () => waiters.delete(fn);
    },
    async rooms() {
      roomsClient ??= import("/sdk/client-sdk.js").then((sdk) =>
        sdk.createClient({ url: client.url, getToken: (request) => client.auth.getToken(request) }),
      );
      try {
        return await roomsClient;
      } catch (error) {
        roomsClient = undefined; // try the import again next time
        throw error;
      }
    },
  };
  return session;
}
