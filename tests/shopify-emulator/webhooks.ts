// Webhook sender: POSTs deliveries to the app exactly as Shopify does (JSON body, X-Shopify-*
// headers, base64 HMAC-SHA256 of the raw body with the app's secret), retrying on non-2xx or no
// answer within the timeout, with bounded attempts and backoff. Retries keep both
// X-Shopify-Webhook-Id and X-Shopify-Event-Id (the app dedupes on them); a forced duplicate does
// too, unless asked for a new webhook id (a second subscription to the same event).
// Ordering is not guaranteed by Shopify: pause() + resume("reverse") delivers newer events first.
import { randomUUID } from "node:crypto";

import type { WebhookTopic } from "../fixtures/webhooks";
import { webhookHeaders } from "../fixtures/webhooks";
import { renderEventPayload } from "./payloads";
import type { EmulatorStore, StoreEvent } from "./store";
import type { Clock } from "./util";
import { iso, systemClock } from "./util";

export interface WebhookSenderOptions {
  /** Base URL of the app, e.g. http://127.0.0.1:3000. Without it deliveries are only logged. */
  appUrl?: string | null;
  /** The app's API secret (SHOPIFY_API_SECRET), used for the HMAC. */
  secret?: string;
  /** Path per topic; default `defaultPath`. */
  paths?: Partial<Record<string, string>>;
  defaultPath?: string;
  /** Shopify waits 5 s for an answer. */
  timeoutMs?: number;
  /** Total attempts per delivery (Shopify: 8 over 4 hours; here bounded and fast). */
  maxAttempts?: number;
  /** Delay before attempt n+1 (n starts at 1). */
  backoffMs?: (attempt: number) => number;
  apiVersion?: string;
  /** Deliver store events automatically (default true). */
  autoDeliver?: boolean;
  clock?: Clock;
}

export interface DeliveryAttempt {
  at: number;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export type DeliveryState = "queued" | "sending" | "delivered" | "failed" | "skipped";

export interface DeliveryRecord {
  topic: string;
  shop: string;
  url: string | null;
  body: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  attempts: DeliveryAttempt[];
  state: DeliveryState;
  /** The delivery this one duplicates (forced duplicate or redelivery). */
  duplicateOf: DeliveryRecord | null;
}

export interface DeliverOptions {
  eventId?: string;
  webhookId?: string;
  triggeredAt?: string | Date;
  /** Also send a second, identical delivery after the first one completes. */
  duplicate?: boolean | "same-webhook-id" | "new-webhook-id";
}

export class WebhookSender {
  readonly deliveries: DeliveryRecord[] = [];
  private options: Required<Omit<WebhookSenderOptions, "appUrl" | "clock">> & {
    appUrl: string | null;
  };
  private clock: Clock;
  private paused = false;
  private queue: {
    record: DeliveryRecord;
    options: DeliverOptions;
    resolve: (r: DeliveryRecord) => void;
  }[] = [];
  private inFlight = new Set<Promise<unknown>>();
  private closed = false;
  private unsubscribe: (() => void) | null = null;

  constructor(options: WebhookSenderOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.options = {
      appUrl: options.appUrl ?? null,
      secret: options.secret ?? process.env.SHOPIFY_API_SECRET ?? "test-api-secret",
      paths: options.paths ?? {},
      defaultPath: options.defaultPath ?? "/webhooks",
      timeoutMs: options.timeoutMs ?? 5000,
      maxAttempts: options.maxAttempts ?? 5,
      backoffMs: options.backoffMs ?? ((n) => 100 * 2 ** (n - 1)),
      apiVersion: options.apiVersion ?? "2026-10",
      autoDeliver: options.autoDeliver ?? true,
    };
  }

  configure(options: Partial<Omit<WebhookSenderOptions, "clock">>): void {
    this.options = {
      ...this.options,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
  }

  get secret(): string {
    return this.options.secret;
  }

  /** Subscribes to a store: every change Shopify would announce becomes a delivery. */
  attach(store: EmulatorStore): void {
    this.unsubscribe?.();
    this.unsubscribe = store.onEvent((event: StoreEvent) => {
      if (!this.options.autoDeliver) return;
      // Render now: Shopify's payload is the state at the time of the event.
      const payload = renderEventPayload(store, event);
      void this.deliver(event.topic, event.shop, payload, {
        triggeredAt: new Date(event.triggeredAt),
      });
    });
  }

  urlFor(topic: string): string | null {
    if (!this.options.appUrl) return null;
    const path = this.options.paths[topic] ?? this.options.defaultPath;
    return new URL(path, this.options.appUrl).toString();
  }

  /** Sends one webhook (or queues it while paused). Resolves when it is delivered or given up. */
  deliver(
    topic: WebhookTopic | string,
    shop: string,
    payload: Record<string, unknown>,
    options: DeliverOptions = {},
  ): Promise<DeliveryRecord> {
    const body = JSON.stringify(payload);
    const webhookId = options.webhookId ?? randomUUID();
    const eventId = options.eventId ?? randomUUID();
    const triggeredAt =
      options.triggeredAt instanceof Date
        ? options.triggeredAt.toISOString()
        : (options.triggeredAt ?? iso(this.clock.now()));
    const record: DeliveryRecord = {
      topic,
      shop,
      url: this.urlFor(topic),
      body,
      payload,
      headers: webhookHeaders({
        topic,
        shop,
        body,
        secret: this.options.secret,
        webhookId,
        eventId,
        triggeredAt,
        apiVersion: this.options.apiVersion,
      }),
      webhookId,
      eventId,
      triggeredAt,
      attempts: [],
      state: "queued",
      duplicateOf: null,
    };
    this.deliveries.push(record);
    if (this.paused) {
      return new Promise((resolve) => this.queue.push({ record, options, resolve }));
    }
    return this.track(this.send(record, options));
  }

  /** Shopify-style redelivery of an earlier webhook: same body, same event id and webhook id. */
  redeliver(
    previous: DeliveryRecord,
    options: { newWebhookId?: boolean } = {},
  ): Promise<DeliveryRecord> {
    const webhookId = options.newWebhookId ? randomUUID() : previous.webhookId;
    const record: DeliveryRecord = {
      ...previous,
      url: this.urlFor(previous.topic),
      webhookId,
      headers: { ...previous.headers, "X-Shopify-Webhook-Id": webhookId },
      attempts: [],
      state: "queued",
      duplicateOf: previous,
    };
    this.deliveries.push(record);
    return this.track(this.send(record, {}));
  }

  /** Holds deliveries until resume(): lets tests reorder them. */
  pause(): void {
    this.paused = true;
  }

  /** Releases held deliveries, oldest first ("fifo"), newest first ("reverse") or in a given order. */
  async resume(
    order: "fifo" | "reverse" | ((a: DeliveryRecord, b: DeliveryRecord) => number) = "fifo",
  ): Promise<DeliveryRecord[]> {
    this.paused = false;
    const held = this.queue.splice(0);
    if (order === "reverse") held.reverse();
    else if (typeof order === "function") held.sort((a, b) => order(a.record, b.record));
    const done: DeliveryRecord[] = [];
    // Sequential, so the order chosen is the order of arrival.
    for (const item of held) {
      const r = await this.track(this.send(item.record, item.options));
      item.resolve(r);
      done.push(r);
    }
    return done;
  }

  /** Resolves when nothing is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  byTopic(topic: string): DeliveryRecord[] {
    return this.deliveries.filter((d) => d.topic === topic);
  }

  clear(): void {
    this.deliveries.length = 0;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  private async send(record: DeliveryRecord, options: DeliverOptions): Promise<DeliveryRecord> {
    if (!record.url) {
      record.state = "skipped";
      return record;
    }
    record.state = "sending";
    for (let attempt = 1; attempt <= this.options.maxAttempts && !this.closed; attempt++) {
      const started = Date.now();
      const at = this.clock.now();
      try {
        const res = await fetch(record.url, {
          method: "POST",
          headers: record.headers,
          body: record.body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.attempts.push({
          at,
          status: res.status,
          error: null,
          durationMs: Date.now() - started,
        });
        if (res.ok) {
          record.state = "delivered";
          break;
        }
      } catch (error) {
        record.attempts.push({
          at,
          status: null,
          error: (error as Error).message,
          durationMs: Date.now() - started,
        });
      }
      if (attempt < this.options.maxAttempts) await sleep(this.options.backoffMs(attempt));
    }
    if (record.state !== "delivered") record.state = "failed";
    if (options.duplicate) {
      const newId = options.duplicate === "new-webhook-id";
      await this.redeliver(record, { newWebhookId: newId });
    }
    return record;
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
