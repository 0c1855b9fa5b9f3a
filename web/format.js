// Small shared helpers of the watch page: DOM building, names, times, durations, motion preference.

/** `el("td", { className: "num" }, "3")`: an element with properties (or `data-*`/`aria-*` attributes) and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") node.setAttribute(key, String(value));
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Shows `text` in a message element (role=alert/status) or hides it when empty. */
export function say(node, text, kind = "info") {
  node.textContent = text ?? "";
  node.hidden = !text;
  node.dataset.kind = kind;
}

/** The last 4 characters of an id: enough to tell two "Ada"s apart on one screen. */
export const shortId = (id) => String(id).replace(/^p_/, "").slice(-4);

/** Owner ids whose display name is shared with another of `rows` (these get an id suffix). */
export function duplicateNames(rows) {
  const byName = new Map();
  for (const row of rows) {
    const key = row.name.trim().toLocaleLowerCase();
    byName.set(key, (byName.get(key) ?? 0) + 1);
  }
  return new Set(rows.filter((row) => byName.get(row.name.trim().toLocaleLowerCase()) > 1).map((row) => row.ownerId));
}

/** A name, with a dimmed `#1a2b` suffix when another visible row has the same name. */
export function nameNode(name, ownerId, clash) {
  const node = el("span", { className: "who-name" }, name);
  if (clash) node.append(el("span", { className: "pid", title: `player ${ownerId}` }, `#${shortId(ownerId)}`));
  return node;
}

/** "2 d 4 h", "4 h 12 min", "12 min", "under a minute". */
export function duration(ms) {
  if (!(ms > 0)) return "now";
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return mins > 0 ? `${mins} min` : "under a minute";
}

/** "just now", "3 min ago", "2 h ago", or the date. */
export function ago(iso, now = Date.now()) {
  const ms = now - Date.parse(iso);
  if (!(ms >= 0) || ms < 45_000) return "just now";
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** A match clock: "2:05" (ms rounded up, so it shows 0:00 only at the whistle). */
export function clock(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** How a board resets, in words. */
export function resetWords(reset) {
  if (reset === null || reset === undefined) return "All-time";
  return { daily: "Daily", weekly: "Weekly", monthly: "Monthly" }[reset] ?? "Scheduled";
}

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

/** Whether the visitor asked for less motion (no row flashes, no interpolated spectator view). */
export const prefersReducedMotion = () => reducedMotion.matches;

/** Calls `fn` when the preference changes. */
export const onMotionPreference = (fn) => reducedMotion.addEventListener("change", fn);

/** Why a request failed, for a person: the server's message when there is one. */
export function reason(error) {
  if (!error) return "";
  if (error.code === "NETWORK_ERROR") return "the connection failed";
  return error.message || error.code || String(error);
}
