// The webhook hot path: verify, store durably, answer. Nothing else happens before the answer;
// the work is done afterwards from the stored record (app/webhooks/process.server.ts).
//
// Deliveries arriving together are written in one statement (group commit): each request
// waits for the commit that holds its row, so a 200 always means "stored", and the database
// pays one transaction per batch instead of one per delivery.
import { randomUUID } from "node:crypto";

import type { DeliveryRow, DeliveryStore } from "./delivery-store.server";
import { isAuthenticWebhook } from "./verify";

export interface WebhookRequest {
  method: string;
  header(name: string): string | undefined;
  body: Buffer;
}

export interface WebhookResponse {
  status: number;
  body: string;
}

type PendingDelivery = DeliveryRow;

export interface IntakeOptions {
  store: DeliveryStore;
  secret: string;
  /** Called after each commit with the number of rows written, to wake the processor. */
  onStored?: (count: number) => void;
  /** Called when a delivery is refused or could not be stored, for metrics and logs. */
  onOutcome?: (topic: string, outcome: IntakeOutcome) => void;
  maxBatch?: number;
}

export type IntakeOutcome = "stored" | "forged" | "bad_request" | "storage_error";

export class WebhookIntake {
  private queue: { delivery: PendingDelivery; done: (error?: unknown) => void }[] = [];
  private flushing = false;
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(private readonly options: IntakeOptions) {
    this.maxBatch = options.maxBatch ?? 200;
  }

  async receive(request: WebhookRequest): Promise<WebhookResponse> {
    if (request.method !== "POST") return { status: 405, body: "Method not allowed" };
    const topic = request.header("x-shopify-topic");
    if (!isAuthenticWebhook(request.body, request.header("x-shopify-hmac-sha256"), this.options.secret)) {
      this.options.onOutcome?.(topic ?? "unknown", "forged");
      return { status: 401, body: "Unauthorized" };
    }
    const shop = request.header("x-shopify-shop-domain");
    const webhookId = request.header("x-shopify-webhook-id");
    if (!topic || !shop || !webhookId) {
      this.options.onOutcome?.(topic ?? "unknown", "bad_request");
      return { status: 400, body: "Missing X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Webhook-Id" };
    }
    const triggeredAtHeader = request.header("x-shopify-triggered-at");
    const triggeredAt = triggeredAtHeader ? new Date(triggeredAtHeader) : null;
    const delivery: PendingDelivery = {
      id: randomUUID(),
      shop,
      topic: topic.toLowerCase(),
      webhookId,
      // Redeliveries of one event share the event id; older senders only had the webhook id.
      eventId: request.header("x-shopify-event-id") ?? webhookId,
      triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
      apiVersion: request.header("x-shopify-api-version") ?? null,
      payload: request.body.toString("utf8"),
      receivedAt: new Date(),
    };
    try {
      await this.enqueue(delivery);
    } catch {
      this.options.onOutcome?.(delivery.topic, "storage_error");
      // Not stored: Shopify must retry.
      return { status: 503, body: "Could not store the delivery; please retry" };
    }
    this.options.onOutcome?.(delivery.topic, "stored");
    return { status: 200, body: "" };
  }

  /** Waits for every queued delivery to be written (for shutdown and tests). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  private enqueue(delivery: PendingDelivery): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, done: (error) => (error ? reject(error) : resolve()) });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // Let the deliveries already read in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      await this.write(batch.map((item) => item.delivery));
      for (const item of batch) item.done();
      this.options.onStored?.(batch.length);
    } catch (error) {
      for (const item of batch) item.done(error);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private write(rows: PendingDelivery[]): Promise<void> {
    return this.options.store.insert(rows);
  }
}
