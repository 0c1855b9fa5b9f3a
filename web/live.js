// Live matches: the games the `lobby` room lists (the SDK's client.lobby(), from the full SDK
// loaded on demand), with their teams, score and phase; each links to its spectator view.
import { retryDelay } from "/sdk/leaderboards.js";
import { el, reason, say } from "./format.js";

const $ = (id) => document.getElementById(id);
const ORDER = { playing: 0, countdown: 1, waiting: 2, finished: 3 };

function phaseWords(m) {
  if (m.phase === "playing") return "live";
  if (m.phase === "countdown") return "kick-off soon";
  if (m.phase === "finished") return "full time";
  return `waiting for players (${m.players}/${m.maxPlayers})`;
}

export function matchHref(matchId) {
  return `/matches/${encodeURIComponent(matchId)}`;
}

export function createLive({ session, watching }) {
  const list = $("matches");
  const note = $("live-note");
  let lobby = null;

  function render() {
    const games = lobby ? [...lobby.games.values()].filter((g) => g.metadata?.matchId) : [];
    games.sort((a, b) => (ORDER[a.metadata.phase] ?? 9) - (ORDER[b.metadata.phase] ?? 9) || String(a.createdAt ?? "").localeCompare(String(b.createdAt ?? "")));
    if (lobby && games.length === 0) say(note, "No games right now. A game shows up here as soon as it is created; open it to watch.");
    else if (lobby) say(note, "");
    const current = watching();
    list.replaceChildren(
      ...games.map((game) => {
        const m = game.metadata;
        const home = m.teams?.home ?? "Home";
        const away = m.teams?.away ?? "Away";
        const label = `${home} ${m.score.home}–${m.score.away} ${away}, ${phaseWords(m)}`;
        const link = el(
          "a",
          { className: "match", href: matchHref(m.matchId), "data-route": "", "data-match": m.matchId, "data-phase": m.phase, "aria-label": `Watch ${label}` },
          el("span", { className: "teams" }, el("span", { className: "team home" }, home), el("b", { className: "score" }, `${m.score.home}–${m.score.away}`), el("span", { className: "team away" }, away)),
          el(
            "span",
            { className: "match-meta" },
            el("span", { className: `phase ${m.phase}` }, phaseWords(m)),
            ` · ${m.teamSize}v${m.teamSize}`,
            m.spectators > 0 ? ` · ${m.spectators} watching in the game` : "",
          ),
        );
        if (m.matchId === current) link.setAttribute("aria-current", "true");
        return el("li", {}, link);
      }),
    );
  }

  async function connect() {
    for (let attempt = 0; ; attempt++) {
      try {
        say(note, "Connecting to the lobby…");
        const rooms = await session.rooms(); // no token needed: the lobby is public
        const opened = await rooms.lobby({ rooms: ["game"] });
        return opened;
      } catch (error) {
        const delay = retryDelay(attempt, {}, error?.retryAfterMs);
        say(note, `The list of live games is unavailable (${reason(error)}); trying again in ${Math.ceil(delay / 1000)} s.`, "error");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async function run() {
    lobby = await connect();
    for (const event of ["add", "change", "remove"]) lobby.on(event, render);
    lobby.on("state", ({ to, error }) => {
      list.dataset.state = to;
      if (to === "reconnecting") say(note, `Reconnecting to the lobby… (${reason(error) || "connection lost"})`, "error");
      else if (to === "open") render();
      else if (to === "closed") {
        say(note, `The lobby closed (${reason(error) || "connection lost"}); reconnecting.`, "error");
        lobby = null;
        setTimeout(run, 1000);
      }
    });
    list.dataset.state = "open";
    render();
  }

  return { start: () => void run(), render };
}
