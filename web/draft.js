// The live draft board of a league (/leagues/:id/draft): rows are rounds, columns are teams,
// each cell the pick made there, the cell on the clock highlighted with its countdown. Live from
// the draft stream (GET /v1/leagues/:id/draft/stream) through the SDK's `client.leagues.draftFeed`,
// which keeps the board with every pick, undo and clock change and resumes after a drop.
// The stream is for the league's members: the page takes a player token from `#token=<jwt>` in
// the URL (then keeps it in localStorage under the key the watch page uses, and drops it from
// the address bar), else the one stored there.
import { createClient } from "/sdk/client-sdk.js";

const KEY = "arena-lobby.token";
const $ = (id) => document.getElementById(id);

function storedToken() {
  const fragment = new URLSearchParams(location.hash.slice(1)).get("token");
  try {
    if (fragment) {
      localStorage.setItem(KEY, fragment);
      history.replaceState(null, "", location.pathname + location.search);
      return fragment;
    }
    return localStorage.getItem(KEY);
  } catch {
    return fragment; // storage disabled: the fragment's token for this page load
  }
}

function leagueIdOf() {
  const found = /^\/leagues\/([^/]+)\/draft\/?$/.exec(location.pathname);
  try {
    return found ? decodeURIComponent(found[1]) : "";
  } catch {
    return "";
  }
}

function status(state, text) {
  const pill = $("status");
  pill.dataset.state = state;
  pill.textContent = text;
}

function fail(text) {
  const note = $("draft-message");
  note.textContent = text;
  note.hidden = false;
  status("closed", "Not connected");
}

/** The words for a refusal of the draft stream. */
function refusal(error) {
  const code = error?.code;
  if (code === "UNAUTHORIZED" || code === "TOKEN_EXPIRED" || code === "TOKEN_INVALID" || error?.status === 401) {
    return "Sign in to see this draft: your token is missing, expired or not valid here. Open this page with #token=<your player token>.";
  }
  if (code === "FORBIDDEN" || error?.status === 403) return "This draft is for the league's commissioner and managers only: the signed-in player is not a member of this league.";
  if (code === "NOT_FOUND" || code === "VALIDATION_FAILED" || error?.status === 404 || error?.status === 400) return "There is no such league.";
  return `The draft cannot be shown: ${error?.message ?? "the server cannot be reached"}.`;
}

const seconds = (ms) => `${Math.max(0, Math.ceil(ms / 1000))} s`;
const STATUS_WORDS = { waiting: "Waiting for the commissioner to start", running: "Drafting", paused: "Paused", complete: "Complete" };

let board;

function columns(b) {
  const ids = b.order.length > 0 ? b.order : b.teams.map((t) => t.teamId);
  return ids.map((id) => b.teams.find((t) => t.teamId === id) ?? { teamId: id, name: id });
}

function clockText(b) {
  const clock = b.clock;
  if (clock.status === "running" && clock.endsAt !== null) return seconds(clock.endsAt - Date.now());
  if (clock.status === "paused") return `paused, ${seconds(clock.remainingMs)} left`;
  return "";
}

function render() {
  if (!board) return;
  const b = board;
  document.title = `${b.leagueName} draft · Arena`;
  $("draft-title").textContent = `${b.leagueName}: draft board`;
  $("draft-state").textContent = `${STATUS_WORDS[b.status] ?? b.status} · ${b.picks.length} of ${b.teams.length * b.rounds} picks`;
  const teams = columns(b);
  const head = document.createElement("tr");
  head.append(Object.assign(document.createElement("th"), { scope: "col", textContent: "Round" }));
  for (const team of teams) {
    const th = Object.assign(document.createElement("th"), { scope: "col", textContent: team.name });
    th.dataset.team = team.teamId;
    head.append(th);
  }
  $("draft-head").replaceChildren(head);

  const picks = new Map(b.picks.map((p) => [p.number, p]));
  const rows = [];
  for (let round = 1; round <= b.rounds; round++) {
    const tr = document.createElement("tr");
    tr.append(Object.assign(document.createElement("th"), { scope: "row", textContent: String(round) }));
    for (const team of teams) {
      const td = document.createElement("td");
      td.dataset.round = String(round);
      td.dataset.team = team.teamId;
      const slot = b.slots.find((s) => s.round === round && s.teamId === team.teamId);
      if (slot) {
        td.dataset.pick = String(slot.number);
        const pick = picks.get(slot.number);
        const number = Object.assign(document.createElement("span"), { className: "pick-no", textContent: `#${slot.number}` });
        if (pick) {
          td.className = "picked";
          td.dataset.player = pick.playerId;
          td.append(number, Object.assign(document.createElement("span"), { className: "player", textContent: pick.playerName }));
          if (pick.by === "autopick") td.title = "autopick";
        } else if (b.clock.pickNumber === slot.number && (b.clock.status === "running" || b.clock.status === "paused")) {
          td.className = "on-clock";
          td.setAttribute("aria-current", "true");
          td.append(number, Object.assign(document.createElement("span"), { className: "countdown", textContent: clockText(b) }));
        } else {
          td.append(number);
        }
      }
      tr.append(td);
    }
    rows.push(tr);
  }
  $("draft-rows").replaceChildren(...rows);
  const onClock = b.teams.find((t) => t.teamId === b.clock.teamId);
  $("draft-clock").textContent = onClock ? `On the clock: ${onClock.name} (pick ${b.clock.pickNumber}, round ${b.clock.round}) · ${clockText(b)}` : "";
}

/** The countdown moves between events: only its text is rewritten. */
function tick() {
  if (!board || (board.clock.status !== "running" && board.clock.status !== "paused")) return;
  const text = clockText(board);
  for (const node of document.querySelectorAll(".on-clock .countdown")) if (node.textContent !== text) node.textContent = text;
  const onClock = board.teams.find((t) => t.teamId === board.clock.teamId);
  if (onClock) $("draft-clock").textContent = `On the clock: ${onClock.name} (pick ${board.clock.pickNumber}, round ${board.clock.round}) · ${text}`;
}

function start() {
  window.arenaDraftStarted = true;
  const leagueId = leagueIdOf();
  if (!leagueId) return fail("There is no such league.");
  const token = storedToken();
  if (!token) return fail(refusal({ status: 401 }));
  const client = createClient({ url: location.origin });
  client.auth.setToken(token);
  const feed = client.leagues.draftFeed(leagueId);
  feed.on("change", (next) => {
    board = next;
    $("draft-message").hidden = true;
    render();
  });
  feed.on("state", (change) => {
    if (change.to === "open") status("open", "Live");
    else if (change.to === "closed") fail(refusal(feed.error));
    else status("reconnecting", "Reconnecting…");
  });
  setInterval(tick, 250);
}

start();
