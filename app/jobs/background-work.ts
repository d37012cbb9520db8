// Background work — processing stored webhooks, the due sweep, automatic remediation, the
// outbox — behind one interface. The intake, the routes and every handler are the same whether
// it runs in the app's own worker process on SQLite (in-process.server.ts, the embedded
// default) or on the PostgreSQL job queue that many app and worker processes share
// (postgres-queue.server.ts): a handler is told what to do, never by whom or where.

export type Runner = "in-process" | "postgres-queue";

export interface BackgroundWork {
  readonly runner: Runner;
  /** Deliveries were stored or put back in line (a replay): have them processed. */
  deliveriesWaiting(): void;
  /** A delivery or the sweep opened or escalated these incidents: put them to the shop's policy. */
  incidentsOpened(shop: string, incidentIds: string[]): void;
  /** Messages may be waiting in the outbox. */
  messagesWaiting(): void;
  /** Runs the due sweep now; resolves once it ran (the demo, an operator). */
  sweepNow(): Promise<void>;
  /** Stops after the work in hand; what is left waits, stored, for the next start. */
  stop(): Promise<void>;
}
