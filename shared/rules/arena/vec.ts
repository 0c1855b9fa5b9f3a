/** Minimal 2-D vector helpers (plain objects; the rules mutate in place for speed). */
export interface Vec2 {
  x: number;
  y: number;
}

export const vec = (x = 0, y = 0): Vec2 => ({ x, y });
// sqrt, not Math.hypot: the rules' values are metres and m/s (no overflow to
// guard against), and hypot is several times slower in the per-pair loops.
export const length = (v: Vec2): number => Math.sqrt(v.x * v.x + v.y * v.y);
export const distance = (a: Vec2, b: Vec2): number => {
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  return Math.sqrt(dx * dx + dy * dy);
};
export const dot = (a: Vec2, b: Vec2): number => a.x * b.x + a.y * b.y;

/** Scales `v` in place so its length is at most `max`. */
export function clampLength(v: Vec2, max: number): Vec2 {
  const len = length(v);
  if (len > max && len > 0) {
    v.x *= max / len;
    v.y *= max / len;
  }
  return v;
}
