// While the intake is saturated, the worker holds off: on a small machine its processing, and
// its transactions holding SQLite's write lock, come straight out of the intake's throughput
// (bench/RESULTS.md). Saturated, over the last 100 ms: deliveries waited for the delivery store
// at least half of it (they arrive faster than they can be stored), or this process's event loop
// was busy at least BUSY of it (they arrive faster than it can read and verify them). A sale's
// few hundred a second are neither, even with the cores busy elsewhere, which makes each write
// and request slower but leaves nothing waiting: the worker then acts on a stock-out within a
// second, not after the sale. The deliveries are stored, so the worker catches up after a burst.
// It works again after a calm second: nothing waited for the store and the loop was busy less
// than CALM_BUSY of each 100 ms. Under a burst the loop's share swings between about a quarter
// and all of a tick, so "not saturated" for ten ticks in a row came every few seconds, and the
// worker, resumed, took a tenth of the cores from the intake it should have left alone (at
// 9,000 deliveries a second, 40 µs of the worker's CPU per delivery stored; bench/RESULTS.md).
// A sale's few hundred a second keep the loop busy a few hundredths of each tick.
// A burst that goes on does not starve it: after MAX_PAUSE it works again for
// RUN_AFTER_MAX_PAUSE before it may be paused again.
import { performance as nodePerformance } from "node:perf_hooks";

export const WATCH_EVERY = 100;
export const SATURATED = 0.5;
export const BUSY = 0.8;
export const CALM_BUSY = 0.4;
export const CALM_FOR = 1_000;
export const MAX_PAUSE = 30_000;
export const RUN_AFTER_MAX_PAUSE = 5_000;

export interface WatchedIntake {
  /** Milliseconds deliveries waited for the store so far (WebhookIntake.waitTime). */
  waitTime(): number;
}

/** The process's event loop: milliseconds it has been busy so far. */
export interface WatchedLoop {
  busyTime(): number;
}

const thisEventLoop: WatchedLoop = { busyTime: () => nodePerformance.eventLoopUtilization().active };

export interface PausableWorker {
  pause(): void;
  resume(): void;
}

export function watchIntake(intake: WatchedIntake, worker: PausableWorker, loop: WatchedLoop = thisEventLoop): NodeJS.Timeout {
  let lastWait = intake.waitTime();
  let lastBusy = loop.busyTime();
  let pausedAt: number | null = null;
  let calmSince: number | null = null;
  let mayPauseAt = 0;
  return setInterval(() => {
    const now = performance.now();
    const wait = intake.waitTime();
    const busy = loop.busyTime();
    const waited = (wait - lastWait) / WATCH_EVERY;
    const looped = (busy - lastBusy) / WATCH_EVERY;
    const saturated = waited >= SATURATED || looped >= BUSY;
    lastWait = wait;
    lastBusy = busy;
    if (pausedAt === null) {
      if (saturated && now >= mayPauseAt) {
        pausedAt = now;
        calmSince = null;
        worker.pause();
      }
      return;
    }
    calmSince = waited < SATURATED && looped < CALM_BUSY ? (calmSince ?? now) : null;
    const calm = calmSince !== null && now - calmSince >= CALM_FOR;
    if (calm || now - pausedAt >= MAX_PAUSE) {
      if (!calm) mayPauseAt = now + RUN_AFTER_MAX_PAUSE;
      pausedAt = null;
      worker.resume();
    }
  }, WATCH_EVERY).unref();
}
