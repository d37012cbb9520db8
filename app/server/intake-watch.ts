// While the intake is saturated, the worker holds off: on a small machine its processing, and
// its transactions holding SQLite's write lock, come straight out of the intake's throughput
// (bench/RESULTS.md). Saturated: deliveries waited for the delivery store at least half of the
// last 100 ms, i.e. they arrive faster than they can be stored. A sale's few hundred a second
// never are: the worker then acts on a stock-out within a second, not after the sale. The
// deliveries are stored, so the worker catches up after the burst.
// A burst that goes on does not starve it: after MAX_PAUSE it works again for
// RUN_AFTER_MAX_PAUSE before it may be paused again.
export const WATCH_EVERY = 100;
export const SATURATED = 0.5;
export const CALM_FOR = 1_000;
export const MAX_PAUSE = 30_000;
export const RUN_AFTER_MAX_PAUSE = 5_000;

export interface WatchedIntake {
  /** Milliseconds deliveries waited for the store so far (WebhookIntake.waitTime). */
  waitTime(): number;
}

export interface PausableWorker {
  pause(): void;
  resume(): void;
}

export function watchIntake(intake: WatchedIntake, worker: PausableWorker): NodeJS.Timeout {
  let lastWait = intake.waitTime();
  let pausedAt: number | null = null;
  let calmSince: number | null = null;
  let mayPauseAt = 0;
  return setInterval(() => {
    const now = performance.now();
    const wait = intake.waitTime();
    const saturated = (wait - lastWait) / WATCH_EVERY >= SATURATED;
    lastWait = wait;
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
