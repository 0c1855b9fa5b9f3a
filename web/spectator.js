// The spectator view of one match (/matches/:id): the SDK's spectate stream (SSE frames at
// 5 Hz, then `finished` with the recorded result) drawn on the canvas, with the score, the clock
// and the phase; the result when it ends. When the stream cannot get through (a proxy blocking
// SSE) it says so, keeps retrying, and meanwhile waits for the result by long polling.
import { clock, reason, say } from "./format.js";
import { createPitch } from "./pitch.js";
import { resultCard } from "./results.js";

const $ = (id) => document.getElementById(id);
/** How long the stream may stay down before the page calls it blocked and long-polls for the result. */
const BLOCKED_AFTER_MS = 4000;

const PHASES = { waiting: "Waiting for players", countdown: "Kick-off soon", playing: "Live", finished: "Full time" };

export function createSpectator({ client, session, boardOf }) {
  const section = $("watch");
  const note = $("watch-note");
  let matchId = null;
  let connection = null;
  let fallback = null;
  let blockedTimer = 0;
  let seenFrame = false;
  let clockText = "";

  const pitch = createPitch($("pitch"), {
    onTick(view) {
      if (!view?.state) return;
      const s = view.state;
      const running = s.phase === "playing" && !(s.kickoffInMs > 0);
      // The clock of the moment shown: the frame's timeLeftMs, plus how far before that frame the view is.
      const left = running ? s.timeLeftMs + Math.max(0, view.t - view.at) : s.timeLeftMs;
      const text = s.phase === "playing" || s.phase === "countdown" ? clock(left) : s.phase === "finished" ? clock(0) : "–:––";
      if (text !== clockText) $("watch-clock").textContent = clockText = text;
    },
  });

  /** Writes only what changed: the scoreboard is a live region, and frames come 5 times a second. */
  const put = (id, text) => {
    const node = $(id);
    if (node.textContent !== text) node.textContent = text;
  };

  function scoreboard(state) {
    const home = state.home?.name || "Home";
    const away = state.away?.name || "Away";
    put("watch-home", home);
    put("watch-away", away);
    put("watch-score", `${state.home?.score ?? 0}–${state.away?.score ?? 0}`);
    put("watch-phase", PHASES[state.phase] ?? state.phase);
    $("watch-phase").dataset.phase = state.phase;
    const canvas = $("pitch");
    const ratio = state.field?.width && state.field?.height ? `${state.field.width} / ${state.field.height}` : "";
    if (ratio && canvas.style.aspectRatio !== ratio) canvas.style.aspectRatio = ratio;
    const label = `Pitch: ${home} ${state.home?.score ?? 0}, ${away} ${state.away?.score ?? 0}, ${PHASES[state.phase] ?? state.phase}`;
    if (canvas.getAttribute("aria-label") !== label) canvas.setAttribute("aria-label", label);
    const title = `${home} – ${away} · Arena live`;
    if (document.title !== title) document.title = title;
  }

  function showResult(result) {
    stopFallback();
    section.dataset.phase = "finished";
    $("watch-phase").textContent = PHASES.finished;
    $("watch-phase").dataset.phase = "finished";
    $("watch-score").textContent = `${result.teams.home.score}–${result.teams.away.score}`;
    $("watch-home").textContent = result.teams.home.name;
    $("watch-away").textContent = result.teams.away.name;
    $("watch-clock").textContent = clockText = clock(0);
    $("watch-result").replaceChildren(resultCard(result, boardOf(), { heading: "Result" }));
    $("watch-result").hidden = false;
    say(note, seenFrame ? "The match is over." : "This match is over: here is its result.");
  }

  function stopFallback() {
    clearTimeout(blockedTimer);
    blockedTimer = 0;
    fallback?.abort();
    fallback = null;
  }

  /** The stream keeps failing: wait for the result over long polling meanwhile (needs the page's session). */
  async function startFallback(id) {
    if (fallback) return;
    const controller = new AbortController();
    fallback = controller;
    try {
      await session.ready();
      const result = await client.matches.waitForResult(id, { signal: controller.signal });
      if (matchId === id && fallback === controller) {
        connection?.close();
        showResult(result);
      }
    } catch {
      // aborted, or the stream came back and said more
    }
  }

  function open(id) {
    if (id === matchId && connection && connection.state !== "closed") return;
    close();
    matchId = id;
    seenFrame = false;
    section.hidden = false;
    section.dataset.phase = "";
    $("watch-result").hidden = true;
    $("watch-result").replaceChildren();
    for (const part of ["watch-home", "watch-away"]) $(part).textContent = "";
    $("watch-score").textContent = "–";
    $("watch-phase").textContent = "";
    $("watch-clock").textContent = clockText = "";
    say(note, "Connecting to the match…");
    pitch.reset();
    const conn = client.matches.spectate(id, (message) => {
      if (conn !== connection) return;
      if (message.event === "state") {
        const state = message.data.state;
        seenFrame = true;
        section.dataset.phase = state.phase;
        scoreboard(state);
        pitch.push(message.data);
        if (note.dataset.kind !== "live") say(note, "", "live");
      } else {
        showResult(message.data.result);
      }
    });
    connection = conn;
    conn.on("state", ({ to, error }) => {
      if (conn !== connection) return;
      section.dataset.state = to;
      if (to === "open") {
        clearTimeout(blockedTimer);
        blockedTimer = 0;
        if (!seenFrame) say(note, "Connected; waiting for the first frame…");
      } else if (to === "reconnecting") {
        say(note, `Reconnecting… (${reason(error) || "connection lost"})`, "error");
        blockedTimer ||= setTimeout(() => {
          if (conn !== connection || conn.state === "open") return;
          say(note, `The live view cannot reach this match's stream (${reason(error)}): still trying, and the result will show here when it lands.`, "error");
          startFallback(id);
        }, BLOCKED_AFTER_MS);
      } else if (to === "closed" && error) {
        stopFallback();
        if (error.status === 404) say(note, `No match “${id}” is running or recorded here. Pick a live game below.`, "error");
        else say(note, `This match cannot be shown: ${reason(error)}.`, "error");
        pitch.stop();
        section.dataset.phase = "missing";
      }
    });
    $("watch-title").focus({ preventScroll: true });
  }

  function close() {
    connection?.close();
    connection = null;
    stopFallback();
    pitch.stop();
    matchId = null;
    section.hidden = true;
  }

  return { open, close, current: () => matchId };
}
