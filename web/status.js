// The status pill: how the board's live connection is doing, in plain words, and over which transport.
// `data-state` is the SDK's connection state (connecting, open, reconnecting, closed),
// `data-transport` the live transport while open ("sse" or "long-poll").

const TRANSPORT_WORDS = { sse: "stream", "long-poll": "polling" };
const TRANSPORT_TITLES = {
  sse: "Updates arrive over a Server-Sent Events stream.",
  "long-poll": "The stream is blocked or buffered on the way here: updates arrive by long polling instead.",
};

export function createStatusPill(node) {
  let last = { state: "connecting", transport: "", detail: "" };

  const paint = () => {
    const { state, transport, detail } = last;
    const offline = navigator.onLine === false;
    node.dataset.state = state;
    node.dataset.transport = state === "open" ? transport : "";
    node.dataset.offline = offline ? "true" : "false";
    let text;
    if (offline) text = "Offline";
    else if (state === "open") text = `Live · ${TRANSPORT_WORDS[transport] ?? "stream"}`;
    else if (state === "reconnecting") text = "Reconnecting…";
    else if (state === "closed") text = "Offline";
    else text = "Connecting…";
    node.textContent = text;
    const why = offline ? "This device is offline; the page reconnects when it is back." : state === "open" ? TRANSPORT_TITLES[transport] ?? "" : "";
    node.title = [why, detail].filter(Boolean).join(" ");
  };

  window.addEventListener("online", paint);
  window.addEventListener("offline", paint);

  return {
    /** `state`: the SDK's; `transport`: "sse" | "long-poll"; `detail`: a short reason or the next retry. */
    show(state, transport = "", detail = "") {
      last = { state, transport, detail };
      paint();
    },
  };
}
