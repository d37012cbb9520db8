// The webhook worker as the server sees it: a process of its own (worker.ts) at a lower CPU
// priority, under a supervisor that restarts it if it exits (supervisor.ts), spoken to over IPC.
import type { MetricsSnapshot } from "../health.server";
import type { PausableWorker } from "./intake-watch";
import type { Supervisor, SupervisorLog } from "./supervisor";
import { superviseProcess } from "./supervisor";
import type { FromWorker, ToWorker } from "./worker-messages";

export interface WorkerHandle extends PausableWorker {
  supervisor: Supervisor | null;
  running(): boolean | undefined;
  stop(): Promise<void>;
  /** Runs the due sweep now and resolves when it and the remediation it started are done. */
  sweep(): Promise<void>;
  /** The worker's metrics (deliveries processed, lag, incidents opened), or none within 1 s. */
  metrics(): Promise<MetricsSnapshot[]>;
  /** Deliveries were stored: wake the worker. */
  kick(): void;
}

/** AMENDS_WORKER=off: deliveries are only stored (another host's worker, or a measurement). */
export const noWorker: WorkerHandle = {
  supervisor: null,
  kick() {},
  pause() {},
  resume() {},
  sweep: () => Promise.resolve(),
  metrics: () => Promise.resolve([]),
  running: () => undefined,
  stop: () => Promise.resolve(),
};

export async function startWorkerProcess(log: SupervisorLog): Promise<WorkerHandle> {
  // The build rewrites this URL to the compiled worker (vite.server-entries.ts).
  const supervisor = await superviseProcess({ script: new URL("./worker.ts", import.meta.url), name: "webhook worker", log });
  let pending = false;
  let paused = false;
  let asked = 0;
  const current = () => {
    const worker = supervisor.process;
    return worker?.connected ? worker : null;
  };
  const send = (message: ToWorker) => current()?.send(message);
  return {
    supervisor,
    running: () => supervisor.running(),
    stop: () => supervisor.stop(),
    sweep() {
      const worker = current();
      if (!worker) return Promise.reject(new Error("the webhook worker is not running; it is being restarted"));
      return new Promise<void>((resolve, reject) => {
        const onExit = () => {
          worker.off("message", onMessage);
          reject(new Error("the webhook worker exited during the sweep"));
        };
        const onMessage = (message: FromWorker) => {
          if (typeof message !== "object" || message.type !== "swept") return;
          worker.off("message", onMessage);
          worker.off("exit", onExit);
          resolve();
        };
        worker.on("message", onMessage);
        worker.once("exit", onExit);
        worker.send("sweep" satisfies ToWorker);
      });
    },
    metrics() {
      const worker = current();
      if (!worker) return Promise.resolve([]);
      const id = ++asked;
      return new Promise<MetricsSnapshot[]>((resolve) => {
        const onMessage = (message: FromWorker) => {
          if (typeof message !== "object" || message.type !== "metrics" || message.id !== id) return;
          clearTimeout(timer);
          worker.off("message", onMessage);
          resolve([message.metrics]);
        };
        const timer = setTimeout(() => {
          worker.off("message", onMessage);
          resolve([]);
        }, 1000);
        worker.on("message", onMessage);
        worker.send({ type: "metrics", id } satisfies ToWorker);
      });
    },
    pause() {
      paused = true;
      send("pause");
    },
    resume() {
      paused = false;
      send("resume");
    },
    // Many stores in a burst wake the worker once. While it is down, nothing to wake: the
    // restarted worker takes up what was stored meanwhile. While it holds off (a saturated
    // intake), nothing either: it resumes with what was stored, and a message every 20 ms
    // wakes a process that ignores it, on the cores the intake needs.
    kick() {
      if (pending || paused || !current()) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        send("kick");
      }, 20).unref();
    },
  };
}
