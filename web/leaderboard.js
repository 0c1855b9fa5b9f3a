// The leaderboard page, on the SDK's leaderboards entry (served by this server as /sdk/leaderboards.js):
// the SDK streams the board over SSE, falls back to long polling when SSE fails or is buffered,
// resumes from the last event after any drop, and keeps the sorted table. This page only renders
// what it reports: the rows, the connection state and the transport in use.
import { createLeaderboardsClient, retryDelay } from "/sdk/leaderboards.js";

const TOP = 20;
const $ = (id) => document.getElementById(id);
const client = createLeaderboardsClient({ url: location.origin });
const TRANSPORT_LABELS = { sse: "live (SSE)", "long-poll": "live (long polling)" };
let subscription = null;
let shown = null;

function setStatus(state, detail = "") {
  const transport = subscription && state === "open" ? subscription.transport : "";
  const status = $("status");
  status.dataset.state = state;
  status.dataset.transport = transport;
  status.textContent = [state === "open" ? TRANSPORT_LABELS[transport] ?? "open" : state, detail].filter(Boolean).join(" · ");
}

function message(text) {
  const cell = document.createElement("td");
  cell.colSpan = 4;
  cell.className = "empty";
  cell.textContent = text;
  const row = document.createElement("tr");
  row.append(cell);
  $("rows").replaceChildren(row);
}

function render(table) {
  const previous = shown;
  shown = table;
  if (table.rows.length === 0) message("No scores yet.");
  else {
    const before = new Map((previous?.rows ?? []).map((r) => [r.ownerId, r]));
    $("rows").replaceChildren(
      ...table.rows.map((row) => {
        const tr = document.createElement("tr");
        tr.dataset.owner = row.ownerId;
        const old = before.get(row.ownerId);
        if (previous && (!old || old.score !== row.score || old.rank !== row.rank)) {
          tr.classList.add("changed", !old ? "new" : row.rank < old.rank ? "up" : row.rank > old.rank ? "down" : "same");
        }
        for (const [text, cls] of [[row.rank, "num rank"], [row.name, "name"], [row.score, "num score"], ["", "move"]]) {
          const td = document.createElement("td");
          td.className = cls;
          td.textContent = String(text);
          tr.append(td);
        }
        return tr;
      }),
    );
  }
  $("meta").textContent = `${table.total} players · period ${table.period} · version ${table.version} · updated ${new Date().toLocaleTimeString()}`;
}

/** The board named in the path (`/leaderboards/:id`), `null` for `/`, or `{ raw }` when it cannot be decoded (`%ff`). */
function boardFromPath() {
  const match = /^\/leaderboards\/([^/]+)\/?$/.exec(location.pathname);
  if (!match) return null;
  try {
    return { id: decodeURIComponent(match[1]) };
  } catch {
    return { raw: match[1] };
  }
}

function noSuchBoard(name) {
  subscription?.close();
  subscription = null;
  shown = null;
  $("title").textContent = "No such board";
  document.title = "No such board";
  $("board").value = "";
  $("meta").textContent = "";
  message(`There is no board “${name}”. Pick one above.`);
  setStatus("closed", "not found");
}

function choose(boardId, title, push) {
  subscription?.close();
  shown = null;
  $("title").textContent = title;
  document.title = `${title} · Live leaderboards`;
  if (push) history.pushState(null, "", `/leaderboards/${encodeURIComponent(boardId)}`);
  message("Loading…");
  $("meta").textContent = "";
  const sub = client.leaderboards.subscribe(boardId, { top: TOP }, (_event, table) => render(table));
  subscription = sub;
  sub.on("state", ({ to, error }) => {
    if (sub !== subscription) return;
    if (to === "closed" && error?.status === 404) return noSuchBoard(boardId);
    if (to === "closed" && (error?.status === 401 || error?.status === 403)) {
      message(`The board “${boardId}” is not public.`);
      return setStatus("closed", "not public");
    }
    setStatus(to, to === "closed" && error ? error.message : "");
  });
  sub.on("transport", () => {
    if (sub === subscription) setStatus(sub.state);
  });
  sub.on("retry", ({ delayMs }) => {
    if (sub === subscription) setStatus("reconnecting", `retry in ${(delayMs / 1000).toFixed(1)} s`);
  });
  setStatus(sub.state);
}

let boards = [];

function start(list) {
  boards = list;
  const select = $("board");
  const placeholder = new Option("Choose a board…", "");
  placeholder.disabled = true;
  select.replaceChildren(placeholder, ...boards.map((b) => new Option(b.title || b.id, b.id)));
  select.onchange = () => {
    const board = boards.find((b) => b.id === select.value);
    if (board) choose(board.id, board.title || board.id, true);
  };
  const wanted = boardFromPath();
  if (wanted?.raw !== undefined) return noSuchBoard(wanted.raw);
  // `/` shows the first listed board; the list holds public boards only.
  const id = wanted?.id ?? boards[0]?.id;
  if (id === undefined) {
    message("No boards yet.");
    return setStatus("closed", "no boards");
  }
  const listed = boards.find((b) => b.id === id);
  select.value = listed ? id : "";
  // A board missing from the list may still exist (an unlisted one): ask the server, which answers 404 if not.
  choose(id, listed ? listed.title || id : id, false);
}

async function loadBoards(attempt = 0) {
  try {
    start(await client.leaderboards.list());
  } catch (error) {
    // Retried with the SDK's backoff; never a page reload.
    const delay = retryDelay(attempt, {}, error?.retryAfterMs);
    setStatus("reconnecting", `boards unavailable (${error?.code ?? "error"}) · retry in ${(delay / 1000).toFixed(1)} s`);
    setTimeout(() => loadBoards(attempt + 1), delay);
  }
}

window.addEventListener("popstate", () => start(boards));
setStatus("connecting");
loadBoards();
