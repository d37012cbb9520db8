// How busy the machine's CPUs are, and a wait until they settle: a benchmark measured while the
// previous one's work is still going (its server stopping, the kernel writing back what it
// wrote) measures that work too. The benchmarks print both shares beside their figures.
import os from "node:os";

export interface CpuTimes {
  busy: number;
  total: number;
}

/** The machine's CPU time since boot, busy and in all, over every core. */
export function cpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    busy += times.user + times.nice + times.sys + times.irq;
    total += times.user + times.nice + times.sys + times.irq + times.idle;
  }
  return { busy, total };
}

/** Share of all cores busy between two readings (0..1). */
export const busyShare = (from: CpuTimes, to: CpuTimes) => (to.total > from.total ? (to.busy - from.busy) / (to.total - from.total) : 0);

export const QUIET = 0.25;

/** Waits until the CPUs were at most 25 % busy over 2 s, or a minute has passed. Returns the
 * last share seen. */
export async function waitForQuiet(): Promise<number> {
  const until = Date.now() + 60_000;
  for (;;) {
    const before = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const share = busyShare(before, cpuTimes());
    if (share <= QUIET || Date.now() > until) return share;
  }
}
