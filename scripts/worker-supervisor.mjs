// Keeps a child process running: the webhook worker (scripts/worker.mjs) under the server, and
// the app server under the demo. If it exits — a crash, the OOM killer, a fatal signal, kill -9 —
// it is started again after a delay that doubles with each exit in a row (from
// AMENDS_WORKER_RESTART_MS, 1 s by default, up to a minute), so one that cannot start does not
// spin. Each exit and restart is logged. While the worker is down the server keeps receiving
// webhooks: they are stored, and the new worker takes them up when it starts.
import { fork } from "node:child_process";
import { EventEmitter } from "node:events";
import os from "node:os";

const RESTART_MAX_MS = 60_000;
// A worker that ran this long before it exited was healthy: the next restart is quick again.
const STABLE_AFTER_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/**
 * Forks `script` and resolves once it is ready (its first IPC message). The first start must
 * succeed: a worker that cannot load the build at all is a broken release, not a bad moment.
 * Events: "exit" ({ pid, code, signal, restartInMs }), "ready" ({ pid, restarts }).
 */
export async function superviseProcess({
  script,
  args = [],
  name = "webhook worker",
  log,
  restartMs = Number(process.env.AMENDS_WORKER_RESTART_MS ?? 1_000),
}) {
  const events = new EventEmitter();
  let child = null;
  let ready = false;
  let stopping = false;
  let supervised = false;
  let exitsInARow = 0;
  let restarts = 0;
  let restartTimer;

  // The pid of the child that died last: its successor is told (AMENDS_PREVIOUS_PID), so the
  // worker can release at once what its predecessor held (process.server.ts, releaseClaimsOf).
  let previousPid = null;

  function spawn() {
    const env = previousPid === null ? process.env : { ...process.env, AMENDS_PREVIOUS_PID: String(previousPid) };
    const worker = fork(script, args, { stdio: "inherit", env });
    const startedAt = Date.now();
    child = worker;
    ready = false;
    const started = new Promise((resolve, reject) => {
      worker.once("message", () => {
        ready = true;
        try {
          os.setPriority(worker.pid, 10);
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
        previousPid = worker.pid;
        if (Date.now() - startedAt >= STABLE_AFTER_MS) exitsInARow = 0;
        const restartInMs = Math.min(restartMs * 2 ** exitsInARow, RESTART_MAX_MS);
        exitsInARow++;
        log.error({ pid: worker.pid, code, signal, restartInMs, exitsInARow }, `${name} exited; restarting it`);
        events.emit("exit", { pid: worker.pid, code, signal, restartInMs });
        restartTimer = setTimeout(restart, restartInMs);
        restartTimer.unref();
      });
    });
    return started;
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
    /** The running worker's process, or null while it is down. */
    get process() {
      return ready ? child : null;
    },
    running: () => ready && child !== null && child.connected,
    /** Ends supervision: the worker finishes the delivery in hand (a slower one is ended;
     * nothing is lost, an unfinished delivery is taken up again at the next start). */
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const worker = child;
      if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
      await new Promise((resolve) => {
        worker.once("exit", resolve);
        worker.kill("SIGTERM");
        setTimeout(() => worker.kill("SIGKILL"), STOP_GRACE_MS).unref();
      });
    },
  };
}
