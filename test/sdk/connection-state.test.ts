import assert from "node:assert/strict";
import {
  CONNECTION_TRANSITIONS,
  ConnectionStateMachine,
  IllegalTransitionError,
  canTransition,
  transition,
  type ConnectionState,
  type StateChange,
} from "../../client-sdk/index.ts";

const STATES: ConnectionState[] = ["idle", "connecting", "open", "reconnecting", "closed"];

describe("sdk: connection state machine", () => {
  it("allows exactly the documented moves and rejects every other pair", () => {
    const allowed = new Set(["idle>connecting", "idle>closed", "connecting>open", "connecting>reconnecting", "connecting>closed", "open>reconnecting", "open>closed", "reconnecting>open", "reconnecting>closed"]);
    for (const from of STATES) {
      for (const to of STATES) {
        const legal = allowed.has(`${from}>${to}`);
        assert.equal(canTransition(from, to), legal, `${from} → ${to}`);
        if (legal) assert.equal(transition(from, to), to);
        else
          assert.throws(
            () => transition(from, to),
            (error: unknown) => error instanceof IllegalTransitionError && error.code === "ILLEGAL_TRANSITION" && error.from === from && error.to === to,
          );
      }
    }
    assert.deepEqual(CONNECTION_TRANSITIONS.closed, [], "closed is terminal");
  });

  it("emits {from, to, reason} for each move, and an illegal move changes nothing and emits nothing", () => {
    const machine = new ConnectionStateMachine();
    const seen: StateChange[] = [];
    machine.onChange((change) => seen.push(change));
    machine.transition("connecting", "connect");
    machine.transition("open", "opened", { transport: "websocket" });
    machine.transition("reconnecting", "transport-lost", { closeCode: 1006 });
    assert.throws(() => machine.transition("connecting", "connect"), IllegalTransitionError);
    assert.throws(() => machine.transition("reconnecting", "transport-lost"), IllegalTransitionError, "no self-transitions");
    assert.equal(machine.state, "reconnecting");
    machine.transition("open", "reconnected");
    machine.transition("closed", "client-close");
    assert.throws(() => machine.transition("connecting", "connect"), IllegalTransitionError, "closed is terminal");
    assert.deepEqual(
      seen.map(({ from, to, reason }) => `${from}>${to}:${reason}`),
      ["idle>connecting:connect", "connecting>open:opened", "open>reconnecting:transport-lost", "reconnecting>open:reconnected", "open>closed:client-close"],
    );
    assert.equal(seen[1]!.transport, "websocket");
    assert.equal(seen[2]!.closeCode, 1006);
  });

  it("a listener that throws does not break the machine", () => {
    const errors: unknown[] = [];
    const machine = new ConnectionStateMachine((error) => errors.push(error));
    const seen: string[] = [];
    machine.onChange(() => {
      throw new Error("app bug");
    });
    machine.onChange((change) => seen.push(change.to));
    machine.transition("connecting", "connect");
    assert.equal(machine.state, "connecting");
    assert.deepEqual(seen, ["connecting"]);
    assert.equal(errors.length, 1);
  });
});
