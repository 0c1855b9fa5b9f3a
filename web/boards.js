// The boards panel: the picker (public boards: GET /v1/leaderboards lists only those), the live
// table of the chosen board through the SDK's subscription (SSE, long polling when SSE is blocked,
// resumed after any drop), its period ("Weekly · resets in 2 d 4 h", from the page DTO's
// periodEndsAt), the pinned rows and the selected player's rank history.
import { retryDelay } from "/sdk/leaderboards.js";
import { createBoardTable } from "./board-table.js";
import { duration, duplicateNames, reason, resetWords } from "./format.js";
import { createRankHistory, historyPanel } from "./rank-history.js";

const TOP = 20;
const $ = (id) => document.getElementById(id);

export function createBoards({ client, session, status, onBoardChange }) {
  const table = createBoardTable({ rows: $("rows"), pinned: $("pinned"), ties: $("ties"), announcer: $("board-announce"), onSelect: (id) => select(id === selected ? null : id) });
  const ranks = createRankHistory();
  const openedAt = new Date();
  let boards = [];
  let listed = null; // resolves once the list is in
  let current = null; // { id, board?, sub, table?, periodEndsAt?, extras: Map }
  let selected = null;
  let previousRecord; // the selected player's record in the previous period (null: none)

  const say = (text, action) => table.message(text, action);
  const meta = (text) => ($("meta").textContent = text);

  function paintPeriod() {
    const node = $("period");
    if (!current?.table) return (node.textContent = "");
    const words = resetWords(current.board?.reset ?? (current.table.period === "all" ? null : "scheduled"));
    const ends = current.periodEndsAt ? Date.parse(current.periodEndsAt) : NaN;
    node.textContent = Number.isFinite(ends) ? `${words} · resets in ${duration(ends - Date.now())}` : current.table.period === "all" ? "All-time" : words;
    // Past the end: read where the board stands now (at most twice a minute).
    if (ends <= Date.now() && Date.now() - (current.periodReadAt ?? 0) > 30_000) loadPeriod(current);
    node.dataset.periodEnd = current.periodEndsAt ?? "";
    node.title = Number.isFinite(ends) ? `This period ends ${new Date(ends).toLocaleString()}` : "";
  }

  function paint() {
    if (!current?.table) return;
    const me = session.player()?.playerId;
    const extra = [...current.extras.entries()].filter(([, r]) => r).map(([id, record]) => ({ record, me: id === me, selected: id === selected }));
    table.render(current.table, { extra, me, selected });
    const t = current.table;
    meta(`${t.total} ${t.total === 1 ? "player" : "players"} · top ${Math.min(TOP, t.rows.length)} shown · updated ${new Date().toLocaleTimeString()}`);
    paintHistory();
  }

  function paintHistory() {
    const node = $("history");
    if (!selected || !current?.table) return node.replaceChildren();
    const row = current.table.rows.find((r) => r.ownerId === selected) ?? current.extras.get(selected);
    const rows = [...current.table.rows, ...[...current.extras.values()].filter(Boolean)];
    node.replaceChildren(
      historyPanel({
        name: row?.name ?? selected,
        ownerId: selected,
        points: ranks.points(current.id, current.table.period, selected),
        since: openedAt,
        board: current.board,
        previous: previousRecord,
        clash: duplicateNames(rows).has(selected),
        onClose: () => select(null),
      }),
    );
  }

  /** Reads the records of the signed-in and the selected player when they are not in the live top. */
  let extrasTimer;
  function refreshExtras() {
    clearTimeout(extrasTimer);
    extrasTimer = setTimeout(async () => {
      const board = current;
      if (!board?.table) return;
      const wanted = [session.player()?.playerId, selected].filter((id) => id && !board.table.rows.some((r) => r.ownerId === id));
      const before = JSON.stringify([...board.extras]);
      for (const id of board.extras.keys()) if (!wanted.includes(id)) board.extras.delete(id);
      for (const id of new Set(wanted)) {
        try {
          const { record, period } = await client.leaderboards.get(board.id, id);
          board.extras.set(id, record);
          ranks.observeRecord(board.id, period, record);
        } catch {
          board.extras.set(id, null); // not on this board (404), or unreadable: nothing to pin
        }
      }
      if (board === current && JSON.stringify([...board.extras]) !== before) paint();
    }, 300);
  }

  async function loadPeriod(board) {
    board.periodReadAt = Date.now();
    try {
      const page = await client.leaderboards.top(board.id, { limit: 1 });
      board.periodEndsAt = page.periodEndsAt;
      if (board === current) paintPeriod();
    } catch {
      // the subscription reports what is wrong with the board
    }
  }

  async function loadPrevious(board, id) {
    previousRecord = board.board?.reset == null ? null : undefined;
    if (previousRecord === null) return;
    try {
      previousRecord = (await client.leaderboards.get(board.id, id, { period: "previous" })).record;
    } catch {
      previousRecord = null;
    }
    if (board === current && selected === id) paintHistory();
  }

  function select(id) {
    selected = id;
    if (id && current) {
      loadPrevious(current, id);
      refreshExtras();
    }
    paint();
    const url = new URL(location.href);
    if (id) url.searchParams.set("player", id);
    else url.searchParams.delete("player");
    if (url.href !== location.href) history.replaceState(history.state, "", url);
  }

  function closed(boardId, error) {
    // 400: an id no board can have (the server checks the id's form).
    if (error?.status === 404 || error?.status === 400) return notFound(boardId);
    $("period").textContent = "";
    if (error?.status === 401 || error?.status === 403) {
      say(`“${boardId}” is a league board: only the league's members can see it. Pick a public board above.`);
      return status.show("closed", "", "not public");
    }
    say(`This board cannot be shown: ${reason(error) || "the connection closed"}.`, { label: "Try again", onClick: () => show(boardId, { player: selected }) });
    status.show("closed", "", reason(error));
  }

  function notFound(name) {
    current?.sub?.close();
    current = null;
    $("title").textContent = "No such board";
    $("board").value = "";
    $("period").textContent = "";
    meta("");
    $("history").replaceChildren();
    say(`There is no board “${name}”. Pick one above.`);
    status.show("closed", "", "not found");
  }

  function show(boardId, { player } = {}) {
    if (current?.id === boardId && current.sub.state !== "closed") {
      if (player !== undefined && player !== selected) select(player);
      return;
    }
    current?.sub?.close();
    table.reset();
    const board = boards.find((b) => b.id === boardId);
    const title = board?.title || boardId;
    $("title").textContent = title;
    $("board").value = board ? boardId : "";
    $("period").textContent = "";
    $("history").replaceChildren();
    meta("");
    selected = player ?? null;
    say("Loading…");
    const entry = { id: boardId, board, table: null, periodEndsAt: undefined, extras: new Map() };
    current = entry;
    onBoardChange?.(boardId, title);
    entry.sub = client.leaderboards.subscribe(boardId, { top: TOP }, (_message, live) => {
      if (entry !== current) return;
      if (entry.table?.period !== live.period) loadPeriod(entry);
      entry.table = live;
      ranks.observe(live);
      if (live.rows.length === 0) say("No scores yet: rows appear as matches finish.");
      else paint();
      paintPeriod();
      refreshExtras();
    });
    const sub = entry.sub;
    sub.on("state", ({ to, error }) => {
      if (entry !== current) return;
      if (to === "closed") return closed(boardId, error ?? sub.error);
      status.show(to, sub.transport, to === "reconnecting" && error ? reason(error) : "");
    });
    sub.on("transport", () => entry === current && status.show(sub.state, sub.transport));
    sub.on("retry", ({ delayMs, error }) => {
      if (entry === current) status.show("reconnecting", sub.transport, `${reason(error)} · retry in ${(delayMs / 1000).toFixed(1)} s`);
    });
    status.show(sub.state, sub.transport);
    if (player) loadPrevious(entry, player);
  }

  async function loadList() {
    for (let attempt = 0; ; attempt++) {
      try {
        boards = await client.leaderboards.list();
        break;
      } catch (error) {
        // Retried with the SDK's backoff; never a page reload.
        const delay = retryDelay(attempt, {}, error?.retryAfterMs);
        status.show("reconnecting", "", `boards unavailable (${reason(error)}) · retry in ${(delay / 1000).toFixed(1)} s`);
        say(`The board list cannot be read yet (${reason(error)}); trying again in ${Math.ceil(delay / 1000)} s.`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    const picker = $("board");
    const placeholder = new Option("Choose a board…", "");
    placeholder.disabled = true;
    picker.replaceChildren(placeholder, ...boards.map((b) => new Option(b.title || b.id, b.id)));
    if (current) picker.value = boards.some((b) => b.id === current.id) ? current.id : "";
    return boards;
  }

  setInterval(paintPeriod, 30_000);

  return {
    /**
     * Shows `boardId` (or the current, else the first listed board when null); `player` selects a
     * row (null: none; undefined: keep); `undecodable`: the id in the path was not valid (`%ff`).
     */
    async open(boardId, options = {}) {
      listed ??= loadList();
      await listed;
      if (options.undecodable) return notFound(boardId);
      const id = boardId ?? current?.id ?? boards[0]?.id;
      if (id === undefined) {
        say("No public boards yet.");
        return status.show("closed", "", "no boards");
      }
      // A board missing from the list may still exist (an unlisted one): the server answers 404 if not.
      show(id, options);
    },
    /** The board the page shows (for links from results), or the first listed one. */
    currentId: () => current?.id ?? boards[0]?.id ?? null,
    onPick(fn) {
      $("board").addEventListener("change", () => fn($("board").value));
    },
  };
}
