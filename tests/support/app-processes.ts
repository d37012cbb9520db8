// The app's real processes, started from source for tests that kill them: the webhook worker
// alone (app/server/worker.ts), or the whole app (app/server/server.ts, which forks the worker).
// Each runs in a process group of its own, so `kill -9` of the whole app takes its worker too.
import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const BUILD = path.join(root, "tests/support/app-build.ts");

export interface AppProcess {
  readonly kind: "worker" | "app";
  readonly pid: number;
  /** Resolves once the process (and, for the app, its worker) is up. */
  readonly ready: Promise<void>;
  /** `kill -9` of the process group: no shutdown, no cleanup, as a crash or the OOM killer. */
  crash(): Promise<void>;
  /** SIGTERM, waiting for the process to exit. */
  stop(): Promise<void>;
  /** What it wrote to stderr, for a failure's message. */
  stderr(): string;
}

export function startAppProcess(kind: "worker" | "app", env: Record<string, string>): AppProcess {
  const script = path.join(root, kind === "worker" ? "app/server/worker.ts" : "app/server/server.ts");
  const child: ChildProcess = fork(script, [], {
    cwd: root,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, AMENDS_BUILD: BUILD, PORT: "0", HOST_BIND: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    detached: true,
  });
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-20_000);
  });
  let out = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.once("exit", (code, signal) => reject(new Error(`${kind} exited (${code ?? signal}) before it was ready:\n${err}`)));
    if (kind === "worker") {
      child.once("message", () => resolve());
    } else {
      // app/server/server.ts says so once its worker is ready and it listens.
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("Amends listening")) resolve();
      });
    }
  });
  ready.catch(() => {});
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${kind} did not start`);
  return {
    kind,
    pid,
    ready,
    async crash() {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
    stderr: () => err,
  };
}
