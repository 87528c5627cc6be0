import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

// How long work waits for the event loop, for /api/health: the first sign that something blocks the server.

const globalForLoop = globalThis as unknown as { __eventLoopDelay?: IntervalHistogram };

function histogram(): IntervalHistogram {
  if (!globalForLoop.__eventLoopDelay) {
    globalForLoop.__eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
    globalForLoop.__eventLoopDelay.enable();
  }
  return globalForLoop.__eventLoopDelay;
}

histogram();

/** Delay percentiles in ms since the last call, then start counting afresh. */
export function eventLoopDelay(): { p50Ms: number; p99Ms: number; maxMs: number } {
  const h = histogram();
  const toMs = (ns: number) => Math.round(ns / 1e5) / 10;
  const figures = { p50Ms: toMs(h.percentile(50)), p99Ms: toMs(h.percentile(99)), maxMs: toMs(h.max) };
  h.reset();
  return figures;
}
