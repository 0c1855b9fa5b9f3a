// A classic script, loaded before the page's modules: if they never ran (the SDK at /sdk/ did not
// load, e.g. 503 SDK_NOT_BUILT, or a blocked file), say so instead of leaving "Loading…" forever.
window.addEventListener("load", () => {
  if (window.arenaWatchStarted) return;
  const text = "This page could not load its scripts (the SDK at /sdk/leaderboards.js or the page's own). Reload in a moment; if it persists, the server may need `npm run build:sdk`.";
  const status = document.getElementById("status");
  status.dataset.state = "closed";
  status.textContent = "Offline";
  for (const id of ["live-note", "results-note"]) {
    document.getElementById(id).textContent = "Unavailable: the page's scripts did not load.";
  }
  const cell = document.createElement("td");
  cell.colSpan = 4;
  cell.className = "empty";
  cell.textContent = text;
  const row = document.createElement("tr");
  row.append(cell);
  document.getElementById("rows").replaceChildren(row);
});
