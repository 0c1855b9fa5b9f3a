// The spectator's <canvas>: pitch, goals, players and ball from the spectate frames (positions in
// centimetres). Frames come at SPECTATE_RATE_HZ (5 by default); the view is drawn every animation
// frame a little in the past, interpolating between the two frames around that moment, so motion
// is smooth. With prefers-reduced-motion it draws each frame as it arrives, without interpolation.
import { prefersReducedMotion } from "./format.js";

/** How far behind the newest frame the view runs: one 5 Hz interval plus jitter room. */
const DELAY_MS = 300;
const KEEP = 12;

const lerp = (a, b, t) => a + (b - a) * t;

export function createPitch(canvas, { onTick } = {}) {
  const ctx = canvas.getContext("2d");
  /** { t: server ms, state } oldest first */
  let frames = [];
  /** local clock − server clock, the smallest seen (latency included): maps frame times to local ones. */
  let offset = Infinity;
  let raf = 0;
  let colors = null;

  const readColors = () => {
    const css = getComputedStyle(canvas);
    const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    colors = { grass: v("--pitch", "#2f7d32"), lines: v("--pitch-lines", "#e8f5e9"), home: v("--home", "#1e88e5"), away: v("--away", "#f4511e"), ball: "#fafafa", ink: "#111" };
  };

  const resize = () => {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      draw(currentView());
    }
  };
  const observer = new ResizeObserver(resize);
  observer.observe(canvas);
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    readColors();
    draw(currentView());
  });

  /**
   * The state to draw now: interpolated between the frames around (now − delay), or the newest.
   * `at`: the moment shown (server clock); `t`: the frame the non-positional fields are from.
   */
  function currentView(now = Date.now()) {
    if (frames.length === 0) return null;
    const last = frames.at(-1);
    if (prefersReducedMotion() || frames.length === 1) return { state: last.state, at: last.t, t: last.t };
    const at = now - offset - DELAY_MS;
    let i = frames.length - 1;
    while (i > 0 && frames[i - 1].t > at) i--;
    if (i === 0) return { state: frames[0].state, at: frames[0].t, t: frames[0].t };
    const a = frames[i - 1];
    const b = frames[i];
    if (at >= b.t) return { state: b.state, at: b.t, t: b.t };
    const k = (at - a.t) / Math.max(1, b.t - a.t);
    return { state: blend(a.state, b.state, k), at, t: b.t };
  }

  function blend(a, b, k) {
    const players = {};
    for (const [key, p] of Object.entries(b.players ?? {})) {
      const q = a.players?.[key];
      players[key] = q ? { ...p, x: lerp(q.x, p.x, k), y: lerp(q.y, p.y, k) } : p;
    }
    const ball = a.ball && b.ball ? { ...b.ball, x: lerp(a.ball.x, b.ball.x, k), y: lerp(a.ball.y, b.ball.y, k) } : b.ball;
    return { ...b, players, ball };
  }

  function draw(view) {
    if (!colors) readColors();
    const { width: W, height: H } = canvas;
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = colors.grass;
    ctx.fillRect(0, 0, W, H);
    const state = view?.state;
    const field = state?.field;
    if (!field?.width || !field?.height) return;
    // A margin around the pitch for the goals, which sit behind the goal lines.
    const margin = Math.max(6, Math.min(W, H) * 0.04);
    const s = Math.min((W - 2 * margin) / field.width, (H - 2 * margin) / field.height);
    const ox = (W - field.width * s) / 2;
    const oy = (H - field.height * s) / 2;
    const X = (x) => ox + x * s;
    const Y = (y) => oy + y * s;
    // Lines: outline, halfway line, centre circle, goals.
    ctx.strokeStyle = colors.lines;
    ctx.lineWidth = Math.max(1, 2 * (window.devicePixelRatio || 1));
    ctx.strokeRect(X(0), Y(0), field.width * s, field.height * s);
    ctx.beginPath();
    ctx.moveTo(X(field.width / 2), Y(0));
    ctx.lineTo(X(field.width / 2), Y(field.height));
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(X(field.width / 2), Y(field.height / 2), field.height * 0.15 * s, 0, Math.PI * 2);
    ctx.stroke();
    const goalTop = Y((field.height - field.goalWidth) / 2);
    const goalSize = field.goalWidth * s;
    const depth = Math.min(margin, Math.max(4, field.playerRadius * s));
    ctx.fillStyle = colors.home;
    ctx.fillRect(X(0) - depth, goalTop, depth, goalSize);
    ctx.strokeRect(X(0) - depth, goalTop, depth, goalSize);
    ctx.fillStyle = colors.away;
    ctx.fillRect(X(field.width), goalTop, depth, goalSize);
    ctx.strokeRect(X(field.width), goalTop, depth, goalSize);
    // Players, then the ball on top.
    const radius = Math.max(4, (field.playerRadius || 50) * s);
    const label = radius >= 9;
    ctx.font = `${Math.round(Math.max(10, radius * 0.9))}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const p of Object.values(state.players ?? {})) {
      ctx.globalAlpha = p.connected === false ? 0.45 : 1;
      ctx.fillStyle = p.side === "away" ? colors.away : colors.home;
      ctx.beginPath();
      ctx.arc(X(p.x), Y(p.y), radius, 0, Math.PI * 2);
      ctx.fill();
      if (label && p.name) {
        ctx.fillStyle = "#fff";
        ctx.fillText(p.name.slice(0, 1).toUpperCase(), X(p.x), Y(p.y) + 1);
      }
    }
    ctx.globalAlpha = 1;
    if (state.ball) {
      ctx.fillStyle = colors.ball;
      ctx.strokeStyle = colors.ink;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.arc(X(state.ball.x), Y(state.ball.y), Math.max(3, (field.ballRadius || 20) * s), 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
    }
  }

  function loop() {
    raf = 0;
    const view = currentView();
    draw(view);
    onTick?.(view);
    if (!prefersReducedMotion() && frames.length > 0) raf = requestAnimationFrame(loop);
  }

  return {
    /** A spectate `state` frame (`{seq, ts, state}`). */
    push(frame) {
      offset = Math.min(offset, Date.now() - frame.ts);
      frames.push({ t: frame.ts, state: frame.state });
      if (frames.length > KEEP) frames = frames.slice(-KEEP);
      resize();
      if (prefersReducedMotion()) loop(); // one draw per frame, no animation
      else if (!raf) raf = requestAnimationFrame(loop);
    },
    /** The newest frame's state (for the result view). */
    latest: () => frames.at(-1)?.state ?? null,
    reset() {
      frames = [];
      offset = Infinity;
      if (raf) cancelAnimationFrame(raf);
      raf = 0;
      draw(null);
    },
    stop() {
      if (raf) cancelAnimationFrame(raf);
      raf = 0;
    },
  };
}
