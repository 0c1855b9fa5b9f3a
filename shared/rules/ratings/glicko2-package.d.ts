/** Minimal types for mmai's `glicko2` (it ships none): only what shared/rules/ratings/glicko2.ts uses. */
declare module "glicko2" {
  interface Glicko2Player {
    getRating(): number;
    getRd(): number;
    getVol(): number;
  }
  interface Glicko2Settings {
    tau?: number;
    rating?: number;
    rd?: number;
    vol?: number;
  }
  class Glicko2 {
    constructor(settings?: Glicko2Settings);
    makePlayer(rating?: number, rd?: number, vol?: number): Glicko2Player;
    /** [player, opponent, outcome: 1 win, 0.5 draw, 0 loss][] */
    updateRatings(matches: [Glicko2Player, Glicko2Player, number][]): void;
  }
  const glicko2: { Glicko2: typeof Glicko2 };
  export default glicko2;
}
