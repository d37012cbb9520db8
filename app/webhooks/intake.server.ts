// The webhook hot path: verify, store durably, answer. Nothing else happens before the answer;
// the work is done afterwards from the stored record (app/webhooks/process.server.ts).
//
// Deliveries arriving together are written in one statement (group commit): each request
// waits for the commit that holds its row, so a 200 always means "stored", and the database
// pays one transaction per batch instead of one per delivery.
import { randomUUID } from "node:crypto";

import type { DeliveryRow, DeliveryStore } from "./delivery-store.server";
import { bodyNamesShop, shopDomainPattern, shopNamedByBody } from "./shop-domain";
import type { SubscribedTopic } from "./topics";
import { isSubscribedTopic } from "./topics";
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
  /** Which shops installed Amends (InstalledShops: in memory, asked of the database on a miss). */
  shops: { isInstalled(shop: string): boolean | Promise<boolean> };
  /** SHOP_CUSTOM_DOMAIN: shops under this domain besides myshopify.com. */
  customShopDomain?: string;
  /** Called after each commit with the number of rows written, to wake the processor. */
  onStored?: (count: number) => void;
  /**
   * Called with each delivery's outcome, for metrics and logs. `topic` is the subscribed topic of
   * a delivery stored (or that could not be); every refusal is "other", so no request, forged
   * or replayed, adds a label.
   */
  onOutcome?: (topic: SubscribedTopic | "other", outcome: IntakeOutcome) => void;
  maxBatch?: number;
}

export const REFUSALS = ["forged", "bad_request", "unknown_shop", "shop_mismatch"] as const;

export type IntakeOutcome =
  | "stored"
  | "forged"
  | "bad_request"
  | "unknown_shop"
  | "shop_mismatch"
  | "storage_error";

export class WebhookIntake {
  private queue: { delivery: PendingDelivery; done: (error?: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;
  private waitingSince: number | null = null;
  private waited = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly shopDomain: RegExp;

  constructor(private readonly options: IntakeOptions) {
    this.maxBatch = options.maxBatch ?? 200;
    // A store that takes the next batch while one is being written (the SQLite writer thread)
    // has it in line as soon as the current one commits.
    this.maxInFlight = options.store.pipeline ?? 1;
    this.shopDomain = shopDomainPattern(options.customShopDomain);
  }

  async receive(request: WebhookRequest): Promise<WebhookResponse> {
    if (request.method !== "POST") return { status: 405, body: "Method not allowed" };
    const outcome = this.options.onOutcome ?? (() => {});
    if (!isAuthenticWebhook(request.body, request.header("x-shopify-hmac-sha256"), this.options.secret)) {
      outcome("other", "forged");
      return { status: 401, body: "Unauthorized" };
    }
    // Authentic body; the headers are not signed, so each is checked for what Shopify sends.
    const topic = request.header("x-shopify-topic")?.toLowerCase();
    const shop = request.header("x-shopify-shop-domain");
    const webhookId = request.header("x-shopify-webhook-id");
    if (!topic || !shop || !webhookId) {
      outcome("other", "bad_request");
      return { status: 400, body: "Missing X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Webhook-Id" };
    }
    if (!isSubscribedTopic(topic)) {
      outcome("other", "bad_request");
      return { status: 400, body: "Amends does not subscribe to this topic" };
    }
    if (!this.shopDomain.test(shop)) {
      outcome("other", "bad_request");
      return { status: 400, body: "X-Shopify-Shop-Domain is not a shop's domain" };
    }
    if (!(await this.options.shops.isInstalled(shop))) {
      outcome("other", "unknown_shop");
      return { status: 404, body: "No such shop has installed Amends" };
    }
    // The body is what the HMAC covers: where it names the shop, the header must agree (an
    // authentic compliance body replayed under another shop's header is refused).
    if (bodyNamesShop(topic)) {
      const named = shopNamedByBody(topic, request.body);
      if (named !== "absent" && named !== "unreadable" && named !== shop) {
        outcome("other", "shop_mismatch");
        return { status: 400, body: "The body names another shop than X-Shopify-Shop-Domain" };
      }
    }
    const triggeredAtHeader = request.header("x-shopify-triggered-at");
    const triggeredAt = triggeredAtHeader ? new Date(triggeredAtHeader) : null;
    const delivery: PendingDelivery = {
      id: timeOrderedId(),
      shop,
      topic,
      webhookId,
      // Redeliveries of one event share the event id; older senders only had the webhook id.
      eventId: request.header("x-shopify-event-id") ?? webhookId,
      triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
      apiVersion: request.header("x-shopify-api-version") ?? null,
      payload: request.body,
      receivedAt: new Date(),
    };
    try {
      await this.enqueue(delivery);
    } catch {
      outcome(topic, "storage_error");
      // Not stored: Shopify must retry.
      return { status: 503, body: "Could not store the delivery; please retry" };
    }
    outcome(topic, "stored");
    return { status: 200, body: "" };
  }

  /**
   * Milliseconds since the intake started during which deliveries waited for the store, every
   * write it takes at once in hand: sampled over an interval, near 1 when deliveries arrive
   * faster than they can be stored. (Not the time a write is in hand: with the cores busy
   * elsewhere, each write takes longer at a few hundred deliveries a second, without any
   * waiting for it.)
   */
  waitTime(): number {
    return this.waited + (this.waitingSince === null ? 0 : performance.now() - this.waitingSince);
  }

  /** Notes when deliveries start and stop waiting for a free write. */
  private noteWaiting() {
    const waiting = this.queue.length > 0 && this.inFlight >= this.maxInFlight;
    if (waiting && this.waitingSince === null) this.waitingSince = performance.now();
    else if (!waiting && this.waitingSince !== null) {
      this.waited += performance.now() - this.waitingSince;
      this.waitingSince = null;
    }
  }

  /** Waits for every queued delivery to be written (for shutdown and tests). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  private enqueue(delivery: PendingDelivery): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, done: (error) => (error ? reject(error) : resolve()) });
      this.noteWaiting();
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // Let the deliveries already read in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.inFlight++;
    const batch = this.queue.splice(0, this.maxBatch);
    this.noteWaiting();
    try {
      await this.write(batch.map((item) => item.delivery));
      for (const item of batch) item.done();
      this.options.onStored?.(batch.length);
    } catch (error) {
      for (const item of batch) item.done(error);
    } finally {
      this.inFlight--;
      this.noteWaiting();
      if (this.queue.length > 0) this.schedule();
    }
  }

  private write(rows: PendingDelivery[]): Promise<void> {
    return this.options.store.insert(rows);
  }
}

/**
 * A UUID (version 7) that starts with the time in milliseconds: deliveries' ids then arrive in
 * order, so each insert extends the primary-key index at its end instead of dirtying a page at a
 * random place in it (a random UUID costs one more page written per delivery, ~12 % of a write).
 */
export function timeOrderedId(now = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx, y = variant
  const time = now.toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
