// The saturation watch: the worker holds off while deliveries wait for the intake's store at least
// half the time, or the event loop is busy most of it, works again after a calm second (the loop
// busy less than CALM_BUSY of each tick), and a burst that goes on never starves it for longer
// than MAX_PAUSE. (What counts as waiting: app/webhooks/intake.server.test.ts.)
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { BUSY, CALM_BUSY, CALM_FOR, MAX_PAUSE, RUN_AFTER_MAX_PAUSE, WATCH_EVERY, watchIntake } from "./intake-watch";

describe("the intake watch", () => {
  let busy = 0; // share of each interval deliveries wait for the store
  let written = 0;
  let loopBusy = 0; // share of each interval the event loop is busy
  let looped = 0;
  const events: string[] = [];
  const worker = { pause: () => events.push(`pause@${performance.now()}`), resume: () => events.push(`resume@${performance.now()}`) };
  let watch: NodeJS.Timeout;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "setTimeout", "performance"] });
    events.length = 0;
    busy = 0;
    written = 0;
    loopBusy = 0;
    looped = 0;
    // The intake's wait time grows by `busy` of each tick.
    const intake = { waitTime: () => written };
    watch = watchIntake(intake, worker, { busyTime: () => looped });
  });
  afterEach(() => {
    clearInterval(watch);
    vi.useRealTimers();
  });

  const advance = (ms: number) => {
    for (let t = 0; t < ms; t += WATCH_EVERY) {
      written += busy * WATCH_EVERY;
      looped += loopBusy * WATCH_EVERY;
      vi.advanceTimersByTime(WATCH_EVERY);
    }
  };

  it("leaves the worker alone while the store is mostly idle", () => {
    busy = 0.4;
    advance(5_000);
    expect(events).toEqual([]);
  });

  it("pauses the worker while the store is saturated, and resumes it after a calm second", () => {
    busy = 0.6;
    advance(2_000);
    expect(events).toEqual([`pause@${WATCH_EVERY}`]);
    busy = 0.1;
    advance(CALM_FOR - WATCH_EVERY);
    expect(events).toHaveLength(1);
    advance(2 * WATCH_EVERY);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatch(/^resume@/);
  });

  it("does not let a burst that goes on starve the worker: it runs again after MAX_PAUSE, for a while", () => {
    busy = 1;
    advance(MAX_PAUSE + WATCH_EVERY);
    expect(events).toEqual([`pause@${WATCH_EVERY}`, `resume@${WATCH_EVERY + MAX_PAUSE}`]);
    // Still saturated, but it may not be paused again yet.
    advance(RUN_AFTER_MAX_PAUSE - 2 * WATCH_EVERY);
    expect(events).toHaveLength(2);
    advance(2 * WATCH_EVERY);
    expect(events).toHaveLength(3);
    expect(events[2]).toMatch(/^pause@/);
  });

  it("pauses the worker while the event loop is busy most of the time (the intake's reading and verifying is what holds it up), not while it is half busy", () => {
    loopBusy = 0.5;
    advance(2_000);
    expect(events).toEqual([]);
    loopBusy = BUSY;
    advance(2 * WATCH_EVERY);
    expect(events).toEqual([`pause@${2_000 + WATCH_EVERY}`]);
    loopBusy = 0.3;
    advance(CALM_FOR + 2 * WATCH_EVERY);
    expect(events[1]).toMatch(/^resume@/);
  });

  it("keeps the worker paused while the loop stays half busy or more: a burst's ticks swing below BUSY without the burst being over", () => {
    loopBusy = BUSY;
    advance(2 * WATCH_EVERY);
    expect(events).toEqual([`pause@${WATCH_EVERY}`]);
    // Between calm and saturated, as a burst's ticks are most of the time.
    loopBusy = CALM_BUSY + 0.1;
    advance(10 * CALM_FOR);
    expect(events).toHaveLength(1);
    loopBusy = CALM_BUSY - 0.1;
    advance(CALM_FOR + 2 * WATCH_EVERY);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatch(/^resume@/);
  });
});
