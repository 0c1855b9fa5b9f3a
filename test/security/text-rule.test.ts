import assert from "node:assert/strict";
import type { z } from "zod";
import {
  ChatText,
  CreateLeagueRequest,
  GameRoomOptions,
  GuestAuthRequest,
  JoinLeagueRequest,
  LeaderboardConfigInput,
  MatchResultSchema,
  RosterAssignRequest,
  ScoreWrite,
  TeamClientMessages,
  TeamCreateOptions,
  textProblem,
  type ErrorBody,
} from "../../shared/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { createTeam, type TeamPlayer } from "../helpers/team-helpers.ts";

/**
 * One text rule (shared/text.ts) for every string a person types and others
 * see: no C0/C1 controls (NUL, tab, newline…), no bidirectional overrides,
 * embeddings, isolates or marks, no unpaired surrogates; NFC, trimmed, and at
 * least one visible character. Applied at the shared schemas, so HTTP routes
 * and rooms refuse the same strings with the same message.
 */

/** Every user-visible string field: how to parse a value of it, and where the parsed value is. */
const FIELDS: { what: string; schema: z.ZodType; wrap: (text: string) => unknown; read: (parsed: any) => string }[] = [
  { what: "player name (guest sign-up)", schema: GuestAuthRequest, wrap: (name) => ({ name }), read: (p) => p.name },
  { what: "team room name", schema: TeamCreateOptions, wrap: (name) => ({ name }), read: (p) => p.name },
  { what: "team room rename", schema: TeamClientMessages.setName, wrap: (name) => ({ name }), read: (p) => p.name },
  { what: "team chat line", schema: TeamClientMessages.chat, wrap: (text) => ({ text }), read: (p) => p.text },
  { what: "chat line (shared by every room's chat)", schema: ChatText, wrap: (text) => text, read: (p) => p },
  { what: "league name", schema: CreateLeagueRequest, wrap: (name) => ({ name }), read: (p) => p.name },
  { what: "league team name", schema: JoinLeagueRequest, wrap: (teamName) => ({ inviteCode: "ABCDEFGH", teamName }), read: (p) => p.teamName },
  { what: "fantasy roster team name", schema: RosterAssignRequest, wrap: (teamName) => ({ fantasyTeamId: "t1", teamName }), read: (p) => p.teamName },
  { what: "leaderboard title", schema: LeaderboardConfigInput, wrap: (title) => ({ id: "b", title }), read: (p) => p.title },
  { what: "leaderboard record name", schema: ScoreWrite, wrap: (name) => ({ ownerId: "o", name, score: 1 }), read: (p) => p.name },
  { what: "game team name", schema: GameRoomOptions, wrap: (name) => ({ teams: { home: { name } } }), read: (p) => p.teams.home.name },
  {
    what: "match result team name",
    schema: MatchResultSchema,
    wrap: (name) => ({
      matchId: "m_textrule01",
      mode: "1v1",
      teams: { home: { name, score: 1, stats: stats() }, away: { name: "Away", score: 0, stats: stats() } },
      players: [],
      winner: "home",
      startedAt: "2025-01-01T00:00:00.000Z",
      endedAt: "2025-01-01T00:03:00.000Z",
    }),
    read: (p) => p.teams.home.name,
  },
];

function stats() {
  return { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 };
}

/** [input, what the message must say] */
const REFUSED: [string, RegExp][] = [
  ["a\u0000b", /control characters \(found U\+0000/],
  ["tab\there", /control characters \(found U\+0009/],
  ["new\nline", /control characters \(found U\+000A/],
  ["del\u007F", /control characters \(found U\+007F/],
  ["c1\u0085", /control characters \(found U\+0085/],
  ["evil\u202Egnp.exe", /bidirectional formatting characters \(found U\+202E/],
  ["\u202Aembedded", /bidirectional formatting characters \(found U\+202A/],
  ["iso\u2066late\u2069", /bidirectional formatting characters \(found U\+2066/],
  ["mark\u200F", /bidirectional formatting characters \(found U\+200F/],
  ["lone\uD800", /unpaired surrogate U\+D800/],
  ["\uDC00lone", /unpaired surrogate U\+DC00/],
  ["   ", /must not be empty/],
  ["\u200B\u200B", /must contain a visible character/],
];

describe("security: one text rule for every user-visible string", function () {
  this.timeout(30_000);

  it("table: every field refuses controls, bidi formatting, unpaired surrogates and blank text, with a message that says which character", () => {
    for (const field of FIELDS) {
      for (const [input, message] of REFUSED) {
        const result = field.schema.safeParse(field.wrap(input));
        assert.equal(result.success, false, `${field.what} accepted ${JSON.stringify(input)}`);
        const messages = result.error!.issues.map((issue) => issue.message).join(" | ");
        assert.match(messages, message, `${field.what}, ${JSON.stringify(input)}: ${messages}`);
      }
    }
  });

  it("table: every field keeps real text — accents, scripts, emoji sequences — normalised to NFC and trimmed", () => {
    const kept: [string, string][] = [
      ["  Zoe\u0308  ", "Zoë"],
      ["Ren\u00E9e", "Renée"],
      ["שלום", "שלום"],
      ["東京 FC", "東京 FC"],
      ["👨‍👩‍👧 squad", "👨‍👩‍👧 squad"],
      ["ok\u00A0team", "ok\u00A0team"],
    ];
    for (const field of FIELDS) {
      for (const [input, output] of kept) {
        const result = field.schema.safeParse(field.wrap(input));
        assert.ok(result.success, `${field.what} refused ${JSON.stringify(input)}: ${JSON.stringify(result.error?.issues)}`);
        assert.equal(field.read(result.data), output, field.what);
      }
    }
  });

  it("textProblem is the rule's core (the SDK can check before sending)", () => {
    assert.equal(textProblem("fine"), undefined);
    assert.match(textProblem("a\u0000") ?? "", /control/);
  });

  describe("through the server", () => {
    const open: TeamPlayer[] = [];
    after(async () => {
      for (const player of open) await player.room.leave().catch(() => undefined);
    });
    const server = useTestServer();

    it("team chat refuses NUL and U+202E with VALIDATION_FAILED and keeps them out of the history; a clean line passes", async () => {
      const captain = await createTeam(server, "Ida", { size: 2 });
      open.push(captain);
      for (const text of ["hi\u0000there", "gg \u202Eez"]) {
        captain.send("chat", { text });
        const error = await captain.nextError();
        assert.equal(error.code, "VALIDATION_FAILED");
        assert.match(error.message, /chat line must not contain/);
      }
      captain.send("chat", { text: "  good game  " });
      await waitFor(() => captain.room.state.chat.length === 1, "the clean line");
      assert.deepEqual(captain.room.state.chat.map((line) => line.text), ["good game"]);
    });

    it("HTTP bodies: a guest name or league name with a bidi override is 400 naming the character", async () => {
      const guest = await fetch(`${server.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "adm\u202Enim" }) });
      assert.equal(guest.status, 400);
      assert.match(((await guest.json()) as ErrorBody).error.message, /name must not contain bidirectional formatting characters \(found U\+202E at index 3\)/);
      const { token } = await server.guestToken("Lea");
      const league = await fetch(`${server.httpUrl}/v1/leagues`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ name: "League\u0000" }),
      });
      assert.equal(league.status, 400);
      assert.match(((await league.json()) as ErrorBody).error.message, /control characters/);
    });
  });
});
