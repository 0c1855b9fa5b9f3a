// The leaderboard page: native EventSource on /v1/leaderboards/:id/stream.
// EventSource resumes by itself after a network error (sending Last-Event-ID),
// but gives up for good on a non-200 answer (a 503 while a server drains, a
// 429); then the page opens a new one after a full-jitter backoff, resuming
// with ?since=<last event id> so no update is lost or repeated.
const TOP = 20;
const $ = (id) => document.getElementById(id);
const state = { boardId: null, source: null, lastId: null, table: null, attempt: 0, timer: null };

function setStatus(s, detail = "") {
  $("status").dataset.state = s;
  $("status").textContent = detail ? `${s} · ${detail}` : s;
}

function backoffMs(attempt) {
  const cap = Math.min(20000, 500 * 2 ** attempt);
  return Math.round(Math.random() * cap);
}

function render(previous) {
  const body = $("rows");
  const table = state.table;
  if (!table || table.rows.length === 0) {
    body.innerHTML = '<tr><td colspan="4" class="empty">No scores yet.</td></tr>';
  } else {
    const before = new Map((previous?.rows ?? []).map((r) => [r.ownerId, r]));
    body.replaceChildren(...table.rows.map((row) => {
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
    }));
  }
  $("meta").textContent = table ? `${table.total} players · period ${table.period} · version ${table.version} · updated ${new Date().toLocaleTimeString()}` : "";
}

function apply(message, data) {
  const previous = state.table;
  if (message === "snapshot") {
    state.table = { epoch: data.epoch, version: data.version, period: data.period, total: data.total, rows: [...data.rows].sort((a, b) => a.rank - b.rank) };
  } else if (message === "delta") {
    if (!previous || previous.epoch !== data.epoch || previous.version !== data.prevVersion) {
      // Never expected (the server replays or sends a snapshot); recover by starting over.
      reconnect(true);
      return;
    }
    const removed = new Set(data.removes);
    const rows = new Map(previous.rows.filter((r) => !removed.has(r.ownerId)).map((r) => [r.ownerId, r]));
    for (const row of data.upserts) rows.set(row.ownerId, row);
    state.table = { ...previous, version: data.version, total: data.total, rows: [...rows.values()].sort((a, b) => a.rank - b.rank).slice(0, TOP) };
  }
  render(previous);
}

function connect() {
  clearTimeout(state.timer);
  state.source?.close();
  const params = new URLSearchParams({ top: String(TOP) });
  if (state.lastId) params.set("since", state.lastId);
  const source = new EventSource(`/v1/leaderboards/${encodeURIComponent(state.boardId)}/stream?${params}`);
  state.source = source;
  setStatus(state.attempt === 0 && !state.lastId ? "connecting" : "reconnecting");
  source.onopen = () => {
    state.attempt = 0;
    setStatus("open");
  };
  for (const event of ["snapshot", "delta"]) {
    source.addEventListener(event, (e) => {
      if (source !== state.source) return; // a stale source
      state.lastId = e.lastEventId || state.lastId;
      apply(event, JSON.parse(e.data));
    });
  }
  source.onerror = () => {
    if (source !== state.source) return;
    if (source.readyState === EventSource.CLOSED) reconnect(false);
    else setStatus("reconnecting");
  };
}

function reconnect(fresh) {
  state.source?.close();
  state.source = null;
  if (fresh) state.lastId = null;
  const delay = backoffMs(state.attempt++);
  setStatus("reconnecting", `retry in ${(delay / 1000).toFixed(1)} s`);
  state.timer = setTimeout(connect, delay);
}

async function loadBoards() {
  const response = await fetch("/v1/leaderboards");
  if (!response.ok) throw new Error(`GET /v1/leaderboards: ${response.status}`);
  const { leaderboards } = await response.json();
  const select = $("board");
  select.replaceChildren(...leaderboards.map((b) => new Option(b.title || b.id, b.id)));
  const fromPath = decodeURIComponent(location.pathname.match(/^\/leaderboards\/([^/]+)/)?.[1] ?? "");
  const initial = leaderboards.some((b) => b.id === fromPath) ? fromPath : leaderboards[0]?.id;
  select.value = initial ?? "";
  select.onchange = () => choose(select.value, true);
  if (initial) choose(initial, false);
}

function choose(boardId, push) {
  state.boardId = boardId;
  state.lastId = null;
  state.table = null;
  state.attempt = 0;
  $("title").textContent = $("board").selectedOptions[0]?.textContent ?? boardId;
  if (push) history.pushState(null, "", `/leaderboards/${encodeURIComponent(boardId)}`);
  render(null);
  connect();
}

window.addEventListener("online", () => {
  if (!state.source || state.source.readyState === EventSource.CLOSED) connect();
});

loadBoards().catch((error) => {
  setStatus("closed", String(error.message ?? error));
  setTimeout(() => location.reload(), backoffMs(3) + 2000);
});
