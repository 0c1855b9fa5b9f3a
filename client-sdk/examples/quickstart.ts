/**
 * The README's runnable example: `npm start` in one terminal, then
 * `node --import tsx client-sdk/examples/quickstart.ts [http://localhost:2567]`.
 * Signs in as a guest, joins a game room, watches the connection state,
 * sends typed messages, reads a leaderboard, and leaves.
 */
import { HttpError, createClient, getStateCallbacks } from "../index.ts";

const url = globalThis.process?.argv[2] ?? "http://localhost:2567";
const client = createClient({ url });

const session = await client.auth.signInAsGuest("Ada");
console.log(`signed in as ${session.player.playerId}; token expires ${new Date(session.expiresAt * 1000).toISOString()}`);

// Typed from shared/game: options, state (GameState), messages and events.
const game = await client.rooms.game.joinOrCreate({ teamSize: 1, friendly: true, private: true });
game.on("state", ({ from, to, reason }) => console.log(`connection: ${from} → ${to} (${reason})`));
game.on("error", (error) => console.log(`the room refused ${error.type}: ${error.code}`));
game.onMessage("goal", (goal) => console.log(`goal for ${goal.side}: ${goal.score.home}-${goal.score.away}`));
game.onRoom((room) => {
  // Schema callbacks belong to one Colyseus room: bind them here so they survive rejoins.
  const $ = getStateCallbacks(room);
  $(room.state).listen("phase", (phase) => console.log(`phase: ${phase}`));
});

// The join resolved with this player in the state: no waiting.
const me = game.state!.players.get(game.sessionId!)!;
console.log(`in room ${game.roomId} as ${me.name} on the ${me.side} side (seat: ${game.seat})`);

// The room confirms `ready` in a later patch: wait for that state change, not for a fixed time.
game.send("ready", { ready: true });
await new Promise<void>((resolve) => {
  const off = game.onStateChange((state) => {
    if (state.players.get(game.sessionId!)?.ready) {
      off();
      resolve();
    }
  });
});
console.log(`ready: ${game.state!.players.get(game.sessionId!)?.ready}`);

const boards = await client.leaderboards.list();
console.log(`leaderboards: ${boards.map((board) => board.id).join(", ") || "(none)"}`);
if (boards[0]) {
  try {
    const top = await client.leaderboards.top(boards[0].id, { limit: 3 });
    console.log(`${boards[0].id}: ${top.total} records`, top.records.map((r) => `${r.rank}. ${r.name} ${r.score}`));
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    console.log(`could not read ${boards[0].id}: ${error.code}`);
  }
}

await game.leave();
console.log("left");
