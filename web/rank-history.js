// Rank history of one player, as a small sparkline. The server keeps no rank history: the
// points are the ranks this page has seen since it opened (every table the live subscription
// delivered, plus a read of the player's record when they are outside the top N), and, for a
// board that resets, the final rank of the previous period read from the API. The panel says so.
import { el, nameNode, resetWords } from "./format.js";

const MAX_POINTS = 60;
const SVG = "http://www.w3.org/2000/svg";

export function createRankHistory() {
  /** `${board}|${period}|${owner}` → [{ t, rank }] */
  const seen = new Map();

  const add = (key, rank, t) => {
    const points = seen.get(key) ?? [];
    if (points.at(-1)?.rank === rank) return;
    points.push({ t, rank });
    if (points.length > MAX_POINTS) points.shift();
    seen.set(key, points);
  };

  return {
    /** Records every row's rank of a table the page received. */
    observe(table, t = Date.now()) {
      for (const row of table.rows) add(`${table.boardId}|${table.period}|${row.ownerId}`, row.rank, t);
    },
    /** Records one record read outside the live top N. */
    observeRecord(boardId, period, record, t = Date.now()) {
      add(`${boardId}|${period}|${record.ownerId}`, record.rank, t);
    },
    points(boardId, period, ownerId) {
      return seen.get(`${boardId}|${period}|${ownerId}`) ?? [];
    },
  };
}

/** An SVG sparkline of ranks (rank 1 at the top), `width`×`height` px; a flat line for one point. */
export function sparkline(points, { width = 160, height = 36 } = {}) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  const ranks = points.map((p) => p.rank);
  svg.setAttribute("aria-label", ranks.length ? `ranks seen: ${ranks.join(", ")}` : "no ranks seen yet");
  if (points.length === 0) return svg;
  const best = Math.min(...ranks);
  const worst = Math.max(...ranks);
  const pad = 4;
  const x = (i) => (points.length === 1 ? width - pad : pad + (i * (width - 2 * pad)) / (points.length - 1));
  const y = (rank) => (worst === best ? height / 2 : pad + ((rank - best) * (height - 2 * pad)) / (worst - best));
  const coords = points.map((p, i) => `${x(i).toFixed(1)},${y(p.rank).toFixed(1)}`);
  if (points.length === 1) coords.unshift(`${pad},${y(points[0].rank).toFixed(1)}`);
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", coords.join(" "));
  line.setAttribute("class", "spark-line");
  const dot = document.createElementNS(SVG, "circle");
  dot.setAttribute("cx", x(points.length - 1).toFixed(1));
  dot.setAttribute("cy", y(points.at(-1).rank).toFixed(1));
  dot.setAttribute("r", "3");
  dot.setAttribute("class", "spark-dot");
  svg.append(line, dot);
  return svg;
}

/**
 * The selected player's panel: name, current rank, the sparkline, where the points come from,
 * and the previous period's final rank (`previous`: a record, null when none, undefined while loading).
 */
export function historyPanel({ name, ownerId, points, since, board, previous, clash, onClose }) {
  const now = points.at(-1);
  const first = points[0];
  const trend = !now ? "not ranked in this period" : first.rank !== now.rank ? `#${first.rank} → #${now.rank}` : `#${now.rank}`;
  const close = el("button", { type: "button", className: "close", "aria-label": "Close the rank history" }, "×");
  close.addEventListener("click", onClose);
  const lastPeriod =
    board?.reset == null
      ? null
      : previous === undefined
        ? "Last period: loading…"
        : previous === null
          ? `Last ${resetWords(board.reset).toLowerCase()} period: not ranked.`
          : `Last ${resetWords(board.reset).toLowerCase()} period: finished #${previous.rank} (${previous.score}).`;
  return el(
    "div",
    { className: "history-card" },
    el("div", { className: "history-head" }, el("strong", {}, nameNode(name, ownerId, clash)), el("span", { className: "trend" }, trend), close),
    sparkline(points),
    el("p", { className: "fine" }, `Ranks seen by this page since ${since.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })} (${points.length} ${points.length === 1 ? "point" : "points"}); the server keeps no rank history.`),
    lastPeriod && el("p", { className: "fine" }, lastPeriod),
  );
}
