// The leaderboard table: ranks, movement since the page saw each row last (▲/▼ and the number of
// places), a flash on the rows a change touched, tie hints, names told apart, the signed-in
// player's row and the selected player's row pinned below the top N when they are not in it.
import { duplicateNames, el, nameNode, prefersReducedMotion } from "./format.js";

/** How long a movement marker stays after the move. */
const MOVE_TTL_MS = 10 * 60_000;
/** The flash of a changed row (styles.css `flash`, 2.2 s). */
const FLASH_MS = 2200;
const TIE_RULE = "Tied score: whoever reached it first ranks higher.";

export function createBoardTable({ rows: tbody, pinned, ties, announcer, onSelect }) {
  /** ownerId → { places, entered, at }: the last movement seen of each row. */
  let moves = new Map();
  /** ownerId → when its row last changed: a repaint continues the flash where it was. */
  let flashes = new Map();
  let previous = null;

  const markerOf = (ownerId, now) => {
    const move = moves.get(ownerId);
    if (!move || now - move.at > MOVE_TTL_MS) return null;
    return move;
  };

  const rowNode = (row, { clash, tie, flashedAt, me, selected, move }) => {
    const classes = [];
    const flashing = flashedAt !== undefined && !prefersReducedMotion();
    if (flashing) classes.push("changed");
    if (move?.entered) classes.push("new");
    else if (move?.places > 0) classes.push("up");
    else if (move?.places < 0) classes.push("down");
    if (me) classes.push("me");
    if (selected) classes.push("selected");
    const moveText = move?.entered ? "new" : move ? `${move.places > 0 ? "▲" : "▼"}${Math.abs(move.places)}` : "";
    const moveLabel = move?.entered ? "new in the top" : move ? `${move.places > 0 ? "up" : "down"} ${Math.abs(move.places)} ${Math.abs(move.places) === 1 ? "place" : "places"}` : undefined;
    const rank = el("td", { className: "num rank" }, String(row.rank));
    if (tie) {
      rank.dataset.tie = "true";
      rank.title = TIE_RULE;
    }
    const who = el("button", { type: "button", className: "who", "aria-pressed": selected ? "true" : "false", title: `Rank history of ${row.name}` }, nameNode(row.name, row.ownerId, clash));
    if (me) who.append(el("span", { className: "you" }, "you"));
    who.addEventListener("click", () => onSelect(row.ownerId));
    const tr = el(
      "tr",
      { className: classes.join(" "), "data-owner": row.ownerId },
      rank,
      el("td", { className: "move", "aria-label": moveLabel }, moveText),
      el("td", { className: "name" }, who),
      el("td", { className: "num score" }, String(row.score)),
    );
    if (flashing) for (const td of tr.children) td.style.animationDelay = `-${Date.now() - flashedAt}ms`;
    return tr;
  };

  /** A short sentence for screen readers (the rows themselves are not a live region: too chatty). */
  const announce = (table, changed, now) => {
    const moved = table.rows.filter((row) => changed.has(row.ownerId) && moves.get(row.ownerId)?.at === now);
    const lines = moved.slice(0, 3).map((row) => {
      const move = moves.get(row.ownerId);
      if (move.entered) return `${row.name} enters at ${row.rank}`;
      const n = Math.abs(move.places);
      return `${row.name} ${move.places > 0 ? "up" : "down"} ${n} ${n === 1 ? "place" : "places"} to ${row.rank}`;
    });
    if (moved.length > 3) lines.push(`and ${moved.length - 3} more`);
    if (lines.length > 0) announcer.textContent = `${lines.join(", ")}.`;
  };

  return {
    /** A new board or period: forget what was seen. */
    reset() {
      moves = new Map();
      flashes = new Map();
      previous = null;
    },

    /**
     * Renders `table` (the SDK's LeaderboardTable); `extra` are records shown pinned below it
     * (`{record, me, selected}`), `me`/`selected` owner ids highlight rows in the top.
     */
    render(table, { extra = [], me, selected } = {}) {
      const now = Date.now();
      const before = previous && previous.epoch === table.epoch && previous.period === table.period ? new Map(previous.rows.map((r) => [r.ownerId, r])) : null;
      const changed = new Set();
      if (before && table !== previous) {
        for (const row of table.rows) {
          const old = before.get(row.ownerId);
          if (!old) {
            moves.set(row.ownerId, { entered: true, places: 0, at: now });
            changed.add(row.ownerId);
          } else if (old.rank !== row.rank || old.score !== row.score) {
            if (old.rank !== row.rank) moves.set(row.ownerId, { entered: false, places: old.rank - row.rank, at: now });
            changed.add(row.ownerId);
          }
        }
      }
      previous = table;
      announce(table, changed, now);
      for (const id of changed) flashes.set(id, now);
      for (const [id, at] of flashes) if (now - at >= FLASH_MS) flashes.delete(id);
      const shownIds = new Set(table.rows.map((r) => r.ownerId));
      const pinnedRecords = extra.filter((e) => e.record && !shownIds.has(e.record.ownerId));
      const clashes = duplicateNames([...table.rows, ...pinnedRecords.map((e) => e.record)]);
      const tied = (a, b) => a && b && a.score === b.score && a.subscore === b.subscore;
      let anyTie = false;
      tbody.replaceChildren(
        ...table.rows.map((row, i) => {
          const tie = tied(row, table.rows[i - 1]) || tied(row, table.rows[i + 1]);
          anyTie ||= tie;
          return rowNode(row, {
            clash: clashes.has(row.ownerId),
            tie,
            flashedAt: flashes.get(row.ownerId),
            me: row.ownerId === me,
            selected: row.ownerId === selected,
            move: markerOf(row.ownerId, now),
          });
        }),
      );
      pinned.replaceChildren(
        ...pinnedRecords.map(({ record, me: isMe, selected: isSelected }) =>
          rowNode(record, { clash: clashes.has(record.ownerId), tie: false, me: isMe, selected: isSelected, move: null }),
        ),
      );
      pinned.hidden = pinnedRecords.length === 0;
      ties.hidden = !anyTie;
      ties.textContent = anyTie ? `= ${TIE_RULE}` : "";
    },

    /** A message in place of the rows (never a blank table), with an optional `{label, onClick}` button. */
    message(text, action) {
      const cell = el("td", { colSpan: 4, className: "empty" }, text);
      if (action) {
        const button = el("button", { type: "button", className: "retry" }, action.label);
        button.addEventListener("click", action.onClick);
        cell.append(" ", button);
      }
      tbody.replaceChildren(el("tr", {}, cell));
      pinned.replaceChildren();
      pinned.hidden = true;
      ties.hidden = true;
    },
  };
}
