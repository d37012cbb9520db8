// Keeps a child process running: the webhook worker (worker.ts) under the server, and the app
// server under the demo. If it exits — a crash, the OOM killer, a fatal signal, kill -9 — it is
// started again after a delay that doubles with each exit in a row (from
// AMENDS_WORKER_RESTART_MS, 1 s by default, up to a minute), so one that cannot start does not
// spin. Each exit and restart is logged. While the worker is down the server keeps receiving
// webhooks: they are stored, and the new worker takes them up when it starts.
import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import { EventEmitter } from "node:events";
import os from "node:os";
import { fileURLToPath } from "node:url";

const RESTART_MAX_MS = 60_000;
// A worker that ran this long before it exited was healthy: the next restart is quick again.
const STABLE_AFTER_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** What the supervisor logs with: pino's logger, or anything with its two methods. */
export interface SupervisorLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface SuperviseOptions {
  /** The child's module: a file path or URL (a .ts module runs through tsx, see below). */
  script: string | URL;
  args?: string[];
  name?: string;
  log: SupervisorLog;
  restartMs?: number;
}

export interface Supervisor {
  /** "exit" ({ pid, code, signal, restartInMs }), "ready" ({ pid, restarts }). */
  events: EventEmitter;
  /** The running worker's process, or null while it is down. */
  readonly process: ChildProcess | null;
  running(): boolean;
  /** Ends supervision: the worker finishes the delivery in hand (a slower one is ended;
   * nothing is lost, an unfinished delivery is taken up again at the next start). */
  stop(): Promise<void>;
}

/**
 * Forks `script` and resolves once it is ready (its first IPC message). The first start must
 * succeed: a worker that cannot load the build at all is a broken release, not a bad moment.
 */
export async function superviseProcess({
  script,
  args = [],
  name = "webhook worker",
  log,
  restartMs = Number(process.env.AMENDS_WORKER_RESTART_MS ?? 1_000),
}: SuperviseOptions): Promise<Supervisor> {
  const file = script instanceof URL ? fileURLToPath(script) : script;
  // Run from source (tests): the child loads TypeScript through tsx, as this process does.
  const execArgv = file.endsWith(".ts") && !process.execArgv.some((arg) => arg.includes("tsx"))
    ? [...process.execArgv, "--import", "tsx"]
    : process.execArgv;
  const events = new EventEmitter();
  let child: ChildProcess | null = null;
  let ready = false;
  let stopping = false;
  let supervised = false;
  let exitsInARow = 0;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  // The pid of the child that died last: its successor is told (AMENDS_PREVIOUS_PID), so the
  // worker can release at once what its predecessor held (process.server.ts, releaseClaimsOf).
  let previousPid: number | null = null;

  function spawn(): Promise<void> {
    const env = previousPid === null ? process.env : { ...process.env, AMENDS_PREVIOUS_PID: String(previousPid) };
    const worker = fork(file, args, { stdio: "inherit", env, execArgv });
    const startedAt = Date.now();
    child = worker;
    ready = false;
    return new Promise<void>((resolve, reject) => {
      worker.once("message", () => {
        ready = true;
        try {
          if (worker.pid !== undefined) os.setPriority(worker.pid, 10);
        } catch {
          // Not permitted here: the worker runs at normal priority.
        }
        resolve();
      });
      worker.once("exit", (code, signal) => {
        if (child === worker) {
          child = null;
          ready = false;
        }
        reject(new Error(`${name} exited with ${signal ?? `code ${code}`}`));
        if (stopping || !supervised) return;
        previousPid = worker.pid ?? null;
        if (Date.now() - startedAt >= STABLE_AFTER_MS) exitsInARow = 0;
        const restartInMs = Math.min(restartMs * 2 ** exitsInARow, RESTART_MAX_MS);
        exitsInARow++;
        log.error({ pid: worker.pid, code, signal, restartInMs, exitsInARow }, `${name} exited; restarting it`);
        events.emit("exit", { pid: worker.pid, code, signal, restartInMs });
        restartTimer = setTimeout(restart, restartInMs);
        restartTimer.unref();
      });
    });
  }

  function restart() {
    if (stopping) return;
    restarts++;
    spawn().then(
      () => {
        log.info({ pid: child?.pid, restarts }, `${name} restarted`);
        events.emit("ready", { pid: child?.pid, restarts });
      },
      // Its exit has scheduled the next try, with a longer delay.
      () => {},
    );
  }

  await spawn();
  supervised = true;

  return {
    events,
    get process() {
      return ready ? child : null;
    },
    running: () => ready && child !== null && child.connected,
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const worker = child;
      if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        worker.kill("SIGTERM");
        setTimeout(() => worker.kill("SIGKILL"), STOP_GRACE_MS).unref();
      });
    },
  };
}
