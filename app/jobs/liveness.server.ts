// Which queue workers are alive, by PostgreSQL itself: each worker process holds a session
// advisory lock per graphile-worker id (and one for its delivery claimant name) on a connection
// of its own. `kill -9`, a lost machine or a dead network closes that session and PostgreSQL
// drops its locks, so a lock anyone can take belongs to a dead worker. graphile-worker leaves a
// crashed worker's jobs locked for 4 hours; the catch-up job hands them to the living at once
// with the library's own forceUnlockWorkers.
import pg from "pg";

/** The first key of every lock Amends' workers hold (pg_advisory_lock(int, int)). */
const LOCK_SPACE = 7414;

export interface Liveness {
  /** Marks `name` (a worker id, a claimant) as alive for as long as this process lives. */
  hold(name: string): Promise<void>;
  /** Whether `name` is held by a process that is alive (this one included). */
  alive(name: string, probe: pg.ClientBase): Promise<boolean>;
  close(): Promise<void>;
}

export async function openLiveness(url: string): Promise<Liveness> {
  // Keepalive: a machine that vanishes without closing the connection is noticed too.
  const session = new pg.Client({ connectionString: url, application_name: "amends-worker-liveness", keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  await session.connect();
  const held = new Set<string>();
  let chain: Promise<unknown> = Promise.resolve();
  return {
    hold(name) {
      if (held.has(name)) return Promise.resolve();
      held.add(name);
      // One query at a time on the session (pg queues them anyway; this keeps errors per call).
      const next = chain.then(() => session.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_SPACE, name]));
      chain = next.catch(() => {});
      return next.then(() => undefined);
    },
    async alive(name, probe) {
      if (held.has(name)) return true;
      const { rows } = await probe.query<{ taken: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS taken", [LOCK_SPACE, name]);
      if (!rows[0]?.taken) return true;
      await probe.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_SPACE, name]);
      return false;
    },
    close: () => session.end(),
  };
}
