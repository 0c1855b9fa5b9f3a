import assert from "node:assert/strict";
import fc from "fast-check";
import { allowedGap, proposeMatches, sideIdentity, type MatchPolicy } from "../../shared/rules/matchmaking/policy.ts";
import { codeLengthsToTry, generateTeamCode, nextCaptain, queueRefusal, assertQueueTransition, IllegalQueueTransitionError } from "../../shared/rules/team/rules.ts";
import { TEAM_CODE_ALPHABET, TeamCode } from "../../shared/index.ts";
import type { QueueTicket } from "../../store/index.ts";
import { ConfigError, loadConfig } from "../../server/config.ts";

const policy: MatchPolicy = { initialGap: 100, gapGrowthPerSecond: 10, maxGap: 600 };
const T0 = 1_000_000;
let n = 0;
function ticket(rating: number, options: Partial<QueueTicket> = {}): QueueTicket {
  n++;
  return { id: `q_${String(n).padStart(4, "0")}`, mode: "2v2", teamRoomId: `room${n}`, teamId: `t_${n}`, name: `Team ${n}`, players: 2, rating, enqueuedAt: T0, ...options };
}
const ids = (tickets: QueueTicket[]) => tickets.map((t) => t.id);

describe("matchmaking policy (pure, injected clock)", () => {
  it("the accepted rating gap widens with the wait, up to the cap", () => {
    assert.equal(allowedGap(0, policy), 100);
    assert.equal(allowedGap(10_000, policy), 200);
    assert.equal(allowedGap(30_000, policy), 400);
    assert.equal(allowedGap(3_600_000, policy), 600);
    assert.equal(allowedGap(-5_000, policy), 100, "a clock skew never narrows it");
  });

  it("pairs close teams at once and far ones only after waiting long enough", () => {
    const a = ticket(1500);
    const b = ticket(1800);
    assert.deepEqual(proposeMatches([a, b], 2, T0, policy), [], "300 apart: not at first");
    assert.deepEqual(proposeMatches([a, b], 2, T0 + 19_000, policy), [], "gap 290 after 19 s");
    const later = proposeMatches([a, b], 2, T0 + 20_000, policy);
    assert.equal(later.length, 1, "gap 300 after 20 s");
    assert.deepEqual([ids(later[0]!.home.tickets), ids(later[0]!.away.tickets)], [[a.id], [b.id]]);
  });

  it("a long wait widens the search for whoever waited: the older ticket's gap applies", () => {
    const old = ticket(1500, { enqueuedAt: T0 - 30_000 });
    const fresh = ticket(1850, { enqueuedAt: T0 });
    assert.equal(proposeMatches([fresh, old], 2, T0, policy).length, 1, "350 apart, the older waited 30 s (gap 400)");
  });

  it("the oldest team takes the closest rating; a third team waits", () => {
    const first = ticket(1500, { enqueuedAt: T0 });
    const far = ticket(1590, { enqueuedAt: T0 + 1 });
    const near = ticket(1510, { enqueuedAt: T0 + 2 });
    const proposals = proposeMatches([far, near, first], 2, T0 + 2, policy);
    assert.equal(proposals.length, 1);
    assert.deepEqual(ids(proposals[0]!.home.tickets), [first.id]);
    assert.deepEqual(ids(proposals[0]!.away.tickets), [near.id]);
  });

  it("groups smaller parties into full sides, then pairs them", () => {
    const solos = [1500, 1520, 1490, 1510].map((rating, i) => ticket(rating, { players: 1, enqueuedAt: T0 + i, name: `S${i}` }));
    const proposals = proposeMatches(solos, 2, T0 + 10, policy);
    assert.equal(proposals.length, 1);
    const { home, away } = proposals[0]!;
    assert.equal(home.tickets.length + away.tickets.length, 4);
    assert.deepEqual(sideIdentity(home), { name: home.tickets.map((t) => t.name).join(" + ") });
    assert.equal(sideIdentity({ tickets: [solos[0]!], rating: 1500, since: T0 }).teamId, solos[0]!.teamId);
    // A duo and two solos make a 2v2 too; three solos do not.
    const duo = ticket(1500, { players: 2 });
    assert.equal(proposeMatches([duo, ...solos.slice(0, 2)], 2, T0, policy).length, 1);
    assert.equal(proposeMatches(solos.slice(0, 3), 2, T0, policy).length, 0);
  });

  it("never uses a ticket twice, fills every side exactly, and respects the gap (property)", () => {
    const arbitraryTicket = fc.record({
      rating: fc.integer({ min: 800, max: 2600 }),
      players: fc.integer({ min: 1, max: 3 }),
      waited: fc.integer({ min: 0, max: 120_000 }),
    });
    fc.assert(
      fc.property(fc.array(arbitraryTicket, { maxLength: 30 }), fc.integer({ min: 1, max: 3 }), (specs, teamSize) => {
        const tickets = specs.map((s, i) => ticket(s.rating, { players: s.players, enqueuedAt: T0 - s.waited, id: `q_${i}` }));
        const proposals = proposeMatches(tickets, teamSize, T0, policy);
        const used = proposals.flatMap((p) => [...ids(p.home.tickets), ...ids(p.away.tickets)]);
        assert.equal(new Set(used).size, used.length, "no ticket twice");
        for (const { home, away } of proposals) {
          for (const side of [home, away]) assert.equal(side.tickets.reduce((sum, t) => sum + t.players, 0), teamSize);
          const olderWait = T0 - Math.min(home.since, away.since);
          assert.ok(Math.abs(home.rating - away.rating) <= allowedGap(olderWait, policy) + 1e-9);
        }
        assert.deepEqual(proposeMatches([...tickets].reverse(), teamSize, T0, policy), proposals, "order of the input does not matter");
      }),
      { numRuns: 300 },
    );
  });
});

describe("team rules (pure)", () => {
  it("codes use the unambiguous alphabet and the allowed lengths", () => {
    let seed = 7;
    const random = (k: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % k;
    for (const length of [1, 4, 5, 8, 12]) {
      const code = generateTeamCode(length, random);
      assert.ok(code.length >= 4 && code.length <= 8);
      assert.ok([...code].every((c) => TEAM_CODE_ALPHABET.includes(c)));
      assert.equal(TeamCode.parse(code.toLowerCase()), code, "typed in lower case it still parses");
    }
    assert.ok(!/[ILO01]/.test(TEAM_CODE_ALPHABET));
    assert.deepEqual(codeLengthsToTry(7, 2), [7, 7, 8, 8]);
  });

  it("the longest-present member succeeds the captain", () => {
    const members = [
      { sessionId: "c", joinSeq: 3, ready: true, connected: true, name: "C" },
      { sessionId: "a", joinSeq: 1, ready: true, connected: true, name: "A" },
      { sessionId: "b", joinSeq: 2, ready: true, connected: false, name: "B" },
    ];
    assert.equal(nextCaptain(members, "a"), "b");
    assert.equal(nextCaptain(members, "c"), "a");
    assert.equal(nextCaptain([members[0]!], "c"), undefined);
  });

  it("the queue check and the queue state machine", () => {
    const member = (name: string, ready = true, connected = true) => ({ sessionId: name, joinSeq: 1, ready, connected, name });
    assert.equal(queueRefusal([member("A"), member("B")], "2v2", "idle"), undefined);
    assert.equal(queueRefusal([member("A")], "2v2", "idle"), undefined, "a smaller party is grouped");
    assert.match(queueRefusal([member("A"), member("B", false)], "2v2", "idle")!.message, /Not everyone is ready: B/);
    assert.match(queueRefusal([member("A"), member("B", true, false)], "2v2", "idle")!.message, /B is away/);
    assert.equal(queueRefusal([member("A")], "2v2", "playing")!.code, "CONFLICT");
    assertQueueTransition("idle", "queued", "queued");
    assertQueueTransition("starting", "queued", "match-aborted");
    assert.throws(() => assertQueueTransition("idle", "playing", "match-found"), IllegalQueueTransitionError);
  });
});

describe("matchmaking configuration", () => {
  const base = { NODE_ENV: "test", TOKEN_SECRET: "x".repeat(32), ADMIN_KEY: "y".repeat(16) };

  it("reads the policy and the game options of matchmade games", () => {
    const { config } = loadConfig({ ...base, MATCHMAKING_RATING_GAP: "50", MATCH_GAME_OPTIONS: '{"matchSeconds":60,"postMatchSeconds":1}' });
    assert.deepEqual(config.matchmaking.policy, { initialGap: 50, gapGrowthPerSecond: 10, maxGap: 600 });
    assert.deepEqual(config.matchmaking.gameOptions, { matchSeconds: 60, postMatchSeconds: 1 });
    assert.deepEqual(loadConfig(base).config.matchmaking.gameOptions, {});
  });

  it("refuses MATCH_GAME_OPTIONS that is not JSON, not game options, or sets what the matchmaker sets", () => {
    for (const [value, problem] of [
      ["{nope", /must be a JSON object/],
      ['{"matchSeconds":"long"}', /not game room options: matchSeconds/],
      ['{"teamSize":3}', /the matchmaker sets teamSize itself/],
      ['{"colour":"red"}', /not game room options/],
    ] as const) {
      assert.throws(() => loadConfig({ ...base, MATCH_GAME_OPTIONS: value }), (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /MATCH_GAME_OPTIONS/);
        assert.match(error.message, problem);
        return true;
      });
    }
  });
});
