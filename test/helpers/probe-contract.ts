import { defineRoom } from "../../client-sdk/index.ts";
import { ProbeMessages, ProbeState } from "./probe-room.ts";

/** The probe test room (test/helpers/probe-room.ts) as an SDK contract: the typed layer, without a real game. */
export const probeContract = defineRoom<{ "probe.note": { text: string } }>()({
  name: "probe",
  state: ProbeState,
  messages: ProbeMessages,
  seat: true,
});
