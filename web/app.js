// The watch page: boards, live matches and results, on the SDK this server serves. Boards and
// results use the small leaderboards entry (/sdk/leaderboards.js); the live list loads the full
// SDK (/sdk/client-sdk.js) for the lobby only. One shell for every path: `/`,
// `/leaderboards/:id` (a board; `?player=` selects a row) and `/matches/:id` (a spectator view).
// Navigation inside the page uses history.pushState; nothing ever reloads the page.
import { createLeaderboardsClient } from "/sdk/leaderboards.js";
import { createBoards } from "./boards.js";
import { createLive } from "./live.js";
import { createResults } from "./results.js";
import { createSession } from "./session.js";
import { createSpectator } from "./spectator.js";
import { createStatusPill } from "./status.js";

const client = createLeaderboardsClient({ url: location.origin });
const session = createSession(client);
const status = createStatusPill(document.getElementById("status"));
const boardOf = () => boards.currentId();
const results = createResults({ client, session, boardOf });
const boards = createBoards({
  client,
  session,
  status,
  onBoardChange(id, title) {
    results.setBoard(id);
    if (!spectator.current()) document.title = `${title} · Arena live`;
  },
});
const spectator = createSpectator({ client, session, boardOf });
const live = createLive({ session, watching: () => spectator.current() });

/** `{ board?, match?, bad?, player }` from the location; `bad` is an undecodable id (`%ff`). */
function parseRoute() {
  const player = new URLSearchParams(location.search).get("player");
  const found = /^\/(leaderboards|matches)\/([^/]+)\/?$/.exec(location.pathname);
  if (!found) return { player };
  let id;
  try {
    id = decodeURIComponent(found[2]);
  } catch {
    return { [found[1] === "matches" ? "badMatch" : "bad"]: found[2], player };
  }
  return found[1] === "matches" ? { match: id, player } : { board: id, player };
}

function route() {
  const r = parseRoute();
  const match = r.match ?? r.badMatch;
  if (match !== undefined) {
    spectator.open(match);
    document.title = `Match ${match} · Arena live`;
  } else spectator.close();
  live.render();
  if (r.bad !== undefined) void boards.open(r.bad, { undecodable: true });
  // A spectator path keeps the board (and selection) the page shows.
  else void boards.open(r.board ?? null, match === undefined ? { player: r.player } : {});
}

function navigate(path) {
  if (path === location.pathname + location.search) return;
  history.pushState(null, "", path);
  route();
}

// Links marked data-route navigate inside the page; modified clicks (new tab…) are the browser's.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-route]") : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  const url = new URL(link.href);
  navigate(url.pathname + url.search);
  if (url.pathname.startsWith("/leaderboards/")) document.getElementById("boards").scrollIntoView({ block: "start" });
});
boards.onPick((id) => navigate(`/leaderboards/${encodeURIComponent(id)}`));
window.addEventListener("popstate", route);

window.arenaWatchStarted = true; // web/boot-check.js looks for it
route();
results.start();
live.start();
