// While the intake is saturated, the worker holds off: on a small machine its processing, and
// its transactions holding SQLite's write lock, come straight out of the intake's throughput
// (bench/RESULTS.md). Saturated, over the last 100 ms: deliveries waited for the delivery store
// at least half of it (they arrive faster than they can be stored), or this process's event loop
// was busy at least BUSY of it (they arrive faster than it can read and verify them). A sale's
// few hundred a second are neither, even with the cores busy elsewhere, which makes each write
// and request slower but leaves nothing waiting: the worker then acts on a stock-out within a
// second, not after the sale. The deliveries are stored, so the worker catches up after a burst.
// A burst that goes on does not starve it: after MAX_PAUSE it works again for
// RUN_AFTER_MAX_PAUSE before it may be paused again.
import { performance as nodePerformance } from "node:perf_hooks";

export const WATCH_EVERY = 100;
export const SATURATED = 0.5;
export const BUSY = 0.8;
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
    const saturated = (wait - lastWait) / WATCH_EVERY >= SATURATED || (busy - lastBusy) / WATCH_EVERY >= BUSY;
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
    calmSince = saturated ? null : (calmSince ?? now);
    const calm = calmSince !== null && now - calmSince >= CALM_FOR;
    if (calm || now - pausedAt >= MAX_PAUSE) {
      if (!calm) mayPauseAt = now + RUN_AFTER_MAX_PAUSE;
      pausedAt = null;
      worker.resume();
    }
  }, WATCH_EVERY).unref();
}
