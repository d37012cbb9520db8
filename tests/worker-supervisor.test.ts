// The worker's supervisor (app/server/supervisor.ts) on a real child process: a worker that
// keeps exiting is restarted after a delay that doubles each time, every exit and restart logged;
// one that is killed is started again; stop() ends supervision for good.
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { superviseProcess as superviseWorker } from "../app/server/supervisor";

type Entry = { level: "info" | "error"; fields: Record<string, unknown>; message: string };

function recordingLog() {
  const entries: Entry[] = [];
  const log = {
    info: (fields: Record<string, unknown>, message: string) => entries.push({ level: "info", fields, message }),
    error: (fields: Record<string, unknown>, message: string) => entries.push({ level: "error", fields, message }),
  };
  return { log, entries };
}

const folder = mkdtempSync(path.join(tmpdir(), "amends-supervisor-"));
function script(name: string, body: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, body);
  return file;
}

describe("the worker's supervisor", () => {
  it("restarts a worker that keeps exiting, later each time, and logs each exit and restart", async () => {
    const { log, entries } = recordingLog();
    // Ready, then gone: a worker that crashes right after starting.
    const supervisor = await superviseWorker({ script: script("crashing.mjs", 'process.send("ready"); setImmediate(() => process.exit(3));'), log, restartMs: 20 });
    let exits = 0;
    while (exits < 4) {
      await once(supervisor.events, "exit");
      exits++;
    }
    await supervisor.stop();
    const logged = entries.filter((e) => e.level === "error");
    expect(logged.slice(0, 4).map((e) => e.fields.restartInMs)).toEqual([20, 40, 80, 160]);
    expect(logged.every((e) => e.message === "webhook worker exited; restarting it" && e.fields.code === 3)).toBe(true);
    const restarted = entries.filter((e) => e.message === "webhook worker restarted");
    expect(restarted.length).toBeGreaterThanOrEqual(3);
    expect(restarted.map((e) => e.fields.restarts).slice(0, 3)).toEqual([1, 2, 3]);
  });

  it("starts a killed worker again, and not after stop()", async () => {
    const { log, entries } = recordingLog();
    const supervisor = await superviseWorker({ script: script("steady.mjs", 'process.send("ready"); process.on("disconnect", () => process.exit(0)); setInterval(() => {}, 1000);'), log, restartMs: 20 });
    const first = supervisor.process?.pid;
    expect(supervisor.running()).toBe(true);
    process.kill(first ?? 0, "SIGKILL");
    const [exit] = (await once(supervisor.events, "exit")) as [{ signal: string }];
    expect(exit.signal).toBe("SIGKILL");
    expect(supervisor.running()).toBe(false);
    await once(supervisor.events, "ready");
    expect(supervisor.running()).toBe(true);
    expect(supervisor.process?.pid).not.toBe(first);
    await supervisor.stop();
    expect(supervisor.running()).toBe(false);
    expect(entries.map((e) => e.message)).toEqual(["webhook worker exited; restarting it", "webhook worker restarted"]);
  });

  it("refuses to start a worker that cannot start at all", async () => {
    const { log } = recordingLog();
    await expect(superviseWorker({ script: script("broken.mjs", "process.exit(1);"), log })).rejects.toThrow("webhook worker exited with code 1");
  });
});
