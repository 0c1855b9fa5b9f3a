// The results feed: finished matches as they land, newest first. The SDK's feed long-polls
// /v1/matches/results (it needs a token: the page's guest session). It starts a few results back
// (the feed's cursor is `epoch:seq`, so `seq − N` reads the last N), then follows new ones.
// Every player links to their row on the board the page shows (/leaderboards/:id?player=…).
import { retryDelay } from "/sdk/leaderboards.js";
import { ago, duplicateNames, el, nameNode, reason, say } from "./format.js";

const $ = (id) => document.getElementById(id);
const BACKLOG = 10;
const KEEP = 30;

export function playerHref(boardId, playerId) {
  return `/leaderboards/${encodeURIComponent(boardId ?? "")}?player=${encodeURIComponent(playerId)}`;
}

function outcome(result) {
  const { home, away } = result.teams;
  if (result.forfeitedBy) return `${result.forfeitedBy === "home" ? home.name : away.name} forfeited`;
  if (result.winner === "draw") return "Draw";
  return `${result.winner === "home" ? home.name : away.name} won`;
}

/** One finished match: teams and score, when, who won, and its players linked to their board rows. */
export function resultCard(result, boardId, { heading } = {}) {
  const { home, away } = result.teams;
  const clashes = duplicateNames(result.players.map((p) => ({ ownerId: p.playerId, name: p.name })));
  const players = [...result.players].sort((a, b) => (a.side === b.side ? b.stats.goals - a.stats.goals : a.side === "home" ? -1 : 1));
  return el(
    "article",
    { className: "result", "data-match": result.matchId },
    heading && el("h3", { className: "sr-only" }, heading),
    el("p", { className: "teams" }, el("span", { className: "team home" }, home.name), el("b", { className: "score" }, `${home.score}–${away.score}`), el("span", { className: "team away" }, away.name)),
    el("p", { className: "match-meta" }, `${outcome(result)} · ${result.mode} · `, el("time", { dateTime: result.endedAt, className: "ago" }, ago(result.endedAt))),
    el(
      "ul",
      { className: "players", "aria-label": "Players (links to their board rows)" },
      players.map((p) =>
        el(
          "li",
          { className: p.side },
          el("a", { href: playerHref(boardId, p.playerId), "data-route": "", "data-player": p.playerId }, nameNode(p.name, p.playerId, clashes.has(p.playerId))),
          p.stats.goals > 0 ? el("span", { className: "goals", title: `${p.stats.goals} ${p.stats.goals === 1 ? "goal" : "goals"}` }, ` ${"●".repeat(Math.min(p.stats.goals, 5))}${p.stats.goals > 5 ? `×${p.stats.goals}` : ""}`) : null,
        ),
      ),
    ),
  );
}

export function createResults({ client, session, boardOf }) {
  const list = $("feed");
  const note = $("results-note");
  const seen = new Set();

  function add(result, fresh) {
    if (seen.has(result.matchId)) return;
    seen.add(result.matchId);
    const item = el("li", { className: fresh ? "arrived" : "" }, resultCard(result, boardOf()));
    list.prepend(item);
    while (list.children.length > KEEP) list.lastElementChild.remove();
    say(note, "");
  }

  async function follow() {
    const unwait = session.onWait((text) => text && say(note, text, "error"));
    for (let attempt = 0; ; attempt++) {
      try {
        await session.ready();
        unwait();
        const head = await client.http.call("GET /v1/matches/results", { query: { wait: 0 } });
        const [epoch, seq] = head.cursor.split(":");
        const backlog = Number(seq) > 0 ? `${epoch}:${Math.max(0, Number(seq) - BACKLOG)}` : head.cursor;
        if (list.children.length === 0) say(note, Number(seq) > 0 ? "Loading…" : "No results yet: finished matches appear here as they land.");
        list.dataset.state = "open";
        for await (const result of client.matches.feed({ after: backlog })) {
          attempt = 0;
          add(result, result.seq > Number(seq)); // newer than the head the page opened at: just landed
        }
      } catch (error) {
        list.dataset.state = "reconnecting";
        if (error?.name === "AuthError") await session.renew();
        const delay = retryDelay(attempt, {}, error?.retryAfterMs);
        say(note, `Results are unavailable (${reason(error)}); trying again in ${Math.ceil(delay / 1000)} s.`, "error");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  setInterval(() => {
    for (const time of list.querySelectorAll("time.ago")) time.textContent = ago(time.dateTime);
  }, 30_000);

  return {
    start: () => void follow(),
    /** Points every player link on the page at `boardId`'s rows. */
    setBoard(boardId) {
      for (const link of document.querySelectorAll("a[data-player]")) link.href = playerHref(boardId, link.dataset.player);
    },
  };
}
