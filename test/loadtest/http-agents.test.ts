import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CLIENTS_PER_AGENT, groupFetch } from "../../loadtest/http-agents.ts";

/**
 * The long-poll generator's connections: a crowd of followers woken together
 * re-polls at once; each must still hold ONE connection on the server (as a
 * browser following a feed does), or the server's memory per poll counts a
 * second, idle socket per follower.
 */
describe("loadtest http agents: one connection per long-poll follower", function () {
  this.timeout(30_000);
  let server: http.Server;
  let url: string;
  let sockets = 0;
  const parked: http.ServerResponse[] = [];
  let onParked: (() => void) | undefined;

  before(async () => {
    server = http.createServer((req, res) => {
      parked.push(res);
      onParked?.();
    });
    server.on("connection", () => sockets++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("followers that re-poll the moment they are answered reuse their connection (rounds of wake-ups)", async () => {
    const followers = CLIENTS_PER_AGENT;
    const rounds = 4;
    const allParked = () =>
      new Promise<void>((resolve) => {
        onParked = () => parked.length >= followers && resolve();
        onParked();
      });
    const fetches = Array.from({ length: followers }, (_, i) => groupFetch(i, url, { oneConnectionEach: true }));
    const loops = fetches.map(async (fetchImpl) => {
      for (let round = 0; round <= rounds; round++) await (await fetchImpl(`${url}/poll`)).text();
    });
    for (let round = 0; round <= rounds; round++) {
      await allParked();
      // The wake-up: every parked poll answered at once.
      for (const res of parked.splice(0)) res.end("{}");
    }
    await Promise.all(loops);
    assert.equal(sockets, followers, `${followers} followers over ${rounds} wake-up rounds opened ${sockets} connections`);
  });
});
