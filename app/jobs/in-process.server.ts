// The embedded default: background work in the app's own worker process (SQLite), by the
// processor, sweeper, remediator and outbox sender of app/webhooks/runtime.server.ts.
import type { DeliveryProcessor, DueSweeper } from "../webhooks/runtime.server";
import type { AutoRemediator } from "../remediation/auto.server";
import type { OutboxSender } from "../messaging/sender.server";
import type { BackgroundWork } from "./background-work";

export interface InProcessParts {
  processor: DeliveryProcessor;
  sweeper: DueSweeper;
  remediator: AutoRemediator;
  outbox: OutboxSender;
  stop(): Promise<void>;
}

export function inProcessWork(parts: InProcessParts): BackgroundWork {
  return {
    runner: "in-process",
    deliveriesWaiting: () => parts.processor.kick(),
    incidentsOpened: (shop, ids) => parts.remediator.enqueue(shop, ids),
    messagesWaiting: () => parts.outbox.kick(),
    async sweepNow() {
      await parts.sweeper.sweep();
      await parts.remediator.idle();
      parts.outbox.kick();
      await parts.outbox.idle();
    },
    stop: () => parts.stop(),
  };
}
