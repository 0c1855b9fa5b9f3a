import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { heldConnections } from "../api/held-connection.ts";
import type { HttpObserver } from "../api/middleware/request-context.ts";
import { LatencyHistogram } from "./latency-histogram.ts";

/**
 * One Prometheus registry per server instance (no global registry, so tests
 * can run servers one after another in a process). prom-client is the de
 * facto Node client; default metrics include `nodejs_eventloop_lag_seconds`.
 */
export interface ServerMetrics extends HttpObserver {
  registry: Registry;
  roomsOpen: Gauge<"room">;
  roomClients: Gauge<"room">;
  roomsCreated: Counter<"room">;
  /** Match results the store refused (`reason`: inconsistent, different-result, match-live; `source`: room, admin). */
  matchResultsRejected: Counter<"reason" | "source">;
  /** Server-side latencies, seconds (docs/operations.md "Metrics"; what each measures is in its help text). */
  latency: {
    roomInputToPatch: LatencyHistogram;
    sseChangeToWrite: LatencyHistogram;
    longPollResultToAnswer: LatencyHistogram;
  };
  close(): void;
}

export function createMetrics(options: { wsClients: () => number }): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

  const httpRequests = new Counter({
    name: "http_requests_total",
    help: "HTTP responses by method, matched route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP response time by method and route (streams count until they close)",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: "http_held_connections",
    help: "Open SSE streams and parked long polls served outside Node's HTTP parser (api/held-connection.ts)",
    registers: [registry],
    collect() {
      this.set(heldConnections());
    },
  });
  new Gauge({
    name: "ws_clients",
    help: "WebSocket clients connected to rooms on this process",
    registers: [registry],
    collect() {
      this.set(options.wsClients());
    },
  });
  const roomsOpen = new Gauge({ name: "rooms_open", help: "Rooms alive on this process by room name", labelNames: ["room"] as const, registers: [registry] });
  const roomClients = new Gauge({ name: "room_clients", help: "Clients seated in rooms on this process by room name", labelNames: ["room"] as const, registers: [registry] });
  const roomsCreated = new Counter({ name: "rooms_created_total", help: "Rooms created on this process by room name", labelNames: ["room"] as const, registers: [registry] });
  const matchResultsRejected = new Counter({
    name: "match_results_rejected_total",
    help: "Match results refused by the store: reason inconsistent (could not have happened), different-result (the id is recorded with other content), match-live (a live room owns the id); source room or admin",
    labelNames: ["reason", "source"] as const,
    registers: [registry],
  });

  const latency = {
    roomInputToPatch: new LatencyHistogram({
      name: "room_input_to_patch_seconds",
      help: "Game rooms: from an input message accepted by the room's input handler (decoded, validated, rate-limited) to the end of writing the patch that first carries it to every client's socket; one observation per input",
      registry,
    }),
    sseChangeToWrite: new LatencyHistogram({
      name: "sse_change_to_write_seconds",
      help: "Leaderboard SSE: from this process receiving a board's change notification to the delta or snapshot event that shows it written to a subscriber's socket (re-read, diff and serialisation included); one observation per subscriber written",
      registry,
    }),
    longPollResultToAnswer: new LatencyHistogram({
      name: "longpoll_result_to_answer_seconds",
      help: "Match-result long polls: from this process receiving the result-recorded notification to a parked poll's answer written (store read included); one observation per poll woken",
      registry,
    }),
  };

  return {
    registry,
    latency,
    roomsOpen,
    roomClients,
    roomsCreated,
    matchResultsRejected,
    observe(method, route, status, seconds) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    close() {
      registry.clear();
    },
  };
}
