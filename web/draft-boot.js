// A classic script, loaded before the draft page's module: if it never ran (the SDK at
// /sdk/client-sdk.js did not load, e.g. 503 SDK_NOT_BUILT), say so instead of "Connecting…" forever.
window.addEventListener("load", () => {
  if (window.arenaDraftStarted) return;
  const status = document.getElementById("status");
  status.dataset.state = "closed";
  status.textContent = "Offline";
  const note = document.getElementById("draft-message");
  note.textContent = "This page could not load its scripts (the SDK at /sdk/client-sdk.js or the page's own). Reload in a moment; if it persists, the server may need `npm run build:sdk`.";
  note.hidden = false;
});
