// The Abuse suite: the production server (build/server/server.js, the production build) takes
// well over a thousand generated bad requests on 127.0.0.1 — forged, truncated, padded and
// junk-laden HMACs; missing and bogus headers; shop domains that are not installed shops; bodies
// over the limit on every spelling of the path; wrong methods; authentic bodies replayed under
// another shop's header; slow headers, slow bodies and too many connections — and then: none
// accepted, no row or shop created, no new metric series, and the server still stores a valid
// webhook. A signed malformed body from a real shop is the one bad request that is kept: stored,
// then marked invalid with its reason (nothing acted on, nothing lost).
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import net from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { db } from "../app/db.server";
import { logger } from "../app/logger.server";
import type { ShopifyLookups } from "../app/shopify/lookups.server";
import { processPendingDeliveries } from "../app/webhooks/process.server";
import { SUBSCRIBED_TOPICS } from "../app/webhooks/topics";
import { webhookSignature } from "../app/webhooks/verify";
import { documentedPayload, webhookHeaders } from "./fixtures/webhooks";
import type { ProductionServer } from "./support/production-server";
import { startProductionServer } from "./support/production-server";

const SECRET = process.env.SHOPIFY_API_SECRET ?? "";
const METRICS_TOKEN = randomBytes(24).toString("hex");
const MAX_CONNECTIONS = 64;
const SHOP = `abuse-${randomUUID().slice(0, 8)}.myshopify.com`;
const OTHER = `abuse-other-${randomUUID().slice(0, 8)}.myshopify.com`;
const LIMIT = 5 * 1024 * 1024;

// Every spelling of the webhook path that reaches a handler: the lean intake must take them all.
const PATHS = ["/webhooks", "/webhooks/", "/WEBHOOKS", "/Webhooks/", "/webhooks?x=1", "/webhooks/?a=b", "//webhooks", "/%77ebhooks", "http://127.0.0.1/webhooks"];

interface Sent {
  status: number | null;
  error?: string;
  body: string;
}

let server: ProductionServer;

function send(
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean },
): Promise<Sent> {
  const body = typeof options.body === "string" ? Buffer.from(options.body) : (options.body ?? Buffer.alloc(0));
  return new Promise((resolve) => {
    let settled = false;
    const done = (sent: Sent) => {
      if (settled) return;
      settled = true;
      resolve(sent);
    };
    const headers: Record<string, string> = { ...options.headers };
    if (!options.chunked && body.length > 0) headers["Content-Length"] = String(body.length);
    if (options.chunked) headers["Transfer-Encoding"] = "chunked";
    const req = http.request(
      { host: "127.0.0.1", port: server.port, method: options.method ?? "POST", path: options.path ?? "/webhooks", headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString() }));
        res.on("error", () => done({ status: res.statusCode ?? null, body: "" }));
      },
    );
    // The server may answer (413) and close while the body is still going out.
    req.on("error", (error) => done({ status: null, error: error.message, body: "" }));
    // Without a Content-Length, Node sends it chunked.
    if (body.length > 0) req.write(body);
    req.end();
  });
}

function headersFor(topic: string, shop: string, body: string, extra: Record<string, string> = {}) {
  return { ...webhookHeaders({ topic: topic as never, shop, body, secret: SECRET }), ...extra };
}

async function inPool<T>(jobs: (() => Promise<T>)[], size = 12): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await (jobs[i] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

/** The label sets of the intake's counter, as /metrics shows them. */
async function deliverySeries(): Promise<string[]> {
  const sent = await send({ method: "GET", path: "/metrics", headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(sent.status).toBe(200);
  return sent.body
    .split("\n")
    .filter((line) => line.startsWith("amends_webhook_deliveries_total{"))
    .map((line) => line.slice(0, line.lastIndexOf("}") + 1))
    .sort();
}

const counts = async () => ({ deliveries: await db().webhookDelivery.count(), shops: await db().shop.count() });

function orderBody(n: number): string {
  return JSON.stringify({ ...documentedPayload("orders/create"), cancelled_at: null, cancel_reason: null, id: 450789469 + n, admin_graphql_api_id: `gid://shopify/Order/${450789469 + n}` });
}

/** Forged signatures of one body: wrong secret, truncated, padded, junk-laden, other encodings. */
function forgedSignatures(body: string, n: number): string[] {
  const valid = webhookSignature(body, SECRET);
  const raw = Buffer.from(valid, "base64");
  const variants = [
    webhookSignature(body, `${SECRET}x`),
    webhookSignature(`${body} `, SECRET),
    valid.slice(0, -1),
    valid.slice(0, -2),
    valid.slice(0, 43),
    `${valid}=`,
    `${valid}==`,
    `${valid}AAAA`,
    `${valid.slice(0, 10)}!${valid.slice(10)}`,
    `${valid.slice(0, 22)}*${valid.slice(22)}`,
    `${valid.slice(0, 30)}.${valid.slice(30)}`,
    `${valid.slice(0, 5)}%${valid.slice(5)}`,
    raw.toString("hex"),
    raw.toString("base64url"),
    raw.subarray(0, 31).toString("base64"),
    Buffer.concat([raw, Buffer.from([0])]).toString("base64"),
    valid.toLowerCase(),
    randomBytes(32).toString("base64"),
    "",
    "null",
    `sha256=${valid}`,
    `${valid},${valid}`,
  ];
  // One of them is the body's own signature when it happens to need no other encoding.
  return variants.filter((v, i) => v !== valid && (i + n) % 23 !== 0);
}

const BAD_SHOPS = [
  "evil.example.com",
  "x.myshopify.com.evil.com",
  "../../etc/passwd",
  "%2e%2e%2fetc%2fpasswd.myshopify.com",
  SHOP.toUpperCase(),
  `${SHOP}.`,
  `${SHOP}:443`,
  `https://${SHOP}`,
  `never-${randomUUID().slice(0, 8)}.myshopify.com`,
  "myshopify.com",
  `-${SHOP}`,
  `${"a".repeat(300)}.myshopify.com`,
];

beforeAll(async () => {
  // Two installed shops, their profiles known; the other one has data a replay must not touch.
  for (const domain of [SHOP, OTHER]) {
    await db().shop.create({ data: { domain, name: domain, currencyCode: "EUR", timeZone: "Europe/Madrid", primaryLocale: "es" } });
  }
  server = await startProductionServer({
    METRICS_TOKEN,
    HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
    HTTP_HEADERS_TIMEOUT_MS: "1000",
    HTTP_REQUEST_TIMEOUT_MS: "3000",
    WEBHOOK_BODY_DEADLINE_MS: "1000",
  });
}, 300_000);

afterAll(async () => {
  await server?.close();
});

describe("the production server under abuse", () => {
  const refused: Sent[] = [];
  const noLookups: ShopifyLookups = {
    inventoryItemStock: () => Promise.reject(new Error("not asked in this suite")),
    fulfilmentLocations: () => Promise.reject(new Error("not asked in this suite")),
    shopProfile: () => Promise.reject(new Error("not asked in this suite")),
  };

  it("the other shop has its own delivery and order before the abuse", async () => {
    const body = orderBody(1);
    const sent = await send({ body, headers: headersFor("orders/create", OTHER, body) });
    expect(sent.status).toBe(200);
    await processPendingDeliveries({ db: db(), lookups: noLookups, log: logger });
    expect(await db().orderRecord.count({ where: { shop: OTHER } })).toBe(1);
  });

  it("/metrics answers only the bearer of METRICS_TOKEN", async () => {
    expect((await send({ method: "GET", path: "/metrics" })).status).toBe(401);
    expect((await send({ method: "GET", path: "/metrics", headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await send({ method: "GET", path: "/METRICS/", headers: { Authorization: `Basic ${METRICS_TOKEN}` } })).status).toBe(401);
    expect(await deliverySeries()).not.toEqual([]);
  });

  it("accepts none of 1,000+ generated bad requests, stores nothing, creates no shop and no metric series", async () => {
    const before = await counts();
    const seriesBefore = await deliverySeries();
    const jobs: (() => Promise<Sent>)[] = [];
    const bogusTopics = Array.from({ length: 40 }, (_, i) => `made-up/${i}-${randomUUID().slice(0, 6)}`);

    // Forged signatures, each with a topic header of its own (subscribed or made up).
    for (let n = 0; n < 30; n++) {
      const body = orderBody(100 + n);
      for (const hmac of forgedSignatures(body, n)) {
        const topic = n % 2 === 0 ? (bogusTopics[n % bogusTopics.length] ?? "x") : (SUBSCRIBED_TOPICS[n % SUBSCRIBED_TOPICS.length] ?? "x");
        jobs.push(() => send({ body, headers: headersFor(topic, SHOP, body, { "X-Shopify-Hmac-Sha256": hmac }) }));
      }
    }
    // Authentic bodies with a header missing, or the signature missing.
    for (let n = 0; n < 20; n++) {
      const body = orderBody(200 + n);
      for (const missing of ["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id", "X-Shopify-Hmac-Sha256"]) {
        const headers = headersFor("orders/create", SHOP, body);
        delete (headers as Record<string, string>)[missing];
        jobs.push(() => send({ body, headers }));
      }
    }
    // Authentic bodies under domains that are not installed shops, for every topic.
    for (const shop of BAD_SHOPS) {
      for (const topic of SUBSCRIBED_TOPICS) {
        const body = JSON.stringify({ ...documentedPayload(topic), shop_domain: shop, myshopify_domain: shop });
        jobs.push(() => send({ body, headers: headersFor(topic, shop, body) }));
      }
    }
    // Authentic bodies under topics Amends does not subscribe to.
    for (const topic of bogusTopics) {
      const body = orderBody(300);
      jobs.push(() => send({ body, headers: headersFor(topic, SHOP, body) }));
    }
    // Authentic compliance and shop bodies of one shop, replayed under the other's header.
    for (const topic of ["shop/redact", "customers/redact", "customers/data_request", "app/uninstalled", "shop/update"] as const) {
      for (let n = 0; n < 4; n++) {
        const body = JSON.stringify({ ...documentedPayload(topic), shop_domain: SHOP, myshopify_domain: SHOP });
        jobs.push(() => send({ body, headers: headersFor(topic, OTHER, body) }));
      }
    }
    // Wrong methods, on every spelling of the path.
    for (const path of PATHS) {
      for (const method of ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]) {
        const body = ["GET", "HEAD", "OPTIONS"].includes(method) ? "" : orderBody(400);
        jobs.push(() => send({ method, path, body, headers: body ? headersFor("orders/create", SHOP, body) : {} }));
      }
    }
    // Bodies over the limit on every spelling of the path: signed and forged, with a length
    // declared and chunked without one.
    const big = Buffer.alloc(LIMIT + 64 * 1024, 0x20);
    big.write('{"id":1,"padding":"', 0);
    const bigHeaders = headersFor("orders/create", SHOP, big.toString());
    for (const path of PATHS) {
      for (const signed of [true, false]) {
        for (const chunked of [false, true]) {
          const headers = signed ? bigHeaders : { ...bigHeaders, "X-Shopify-Hmac-Sha256": randomBytes(32).toString("base64") };
          jobs.push(() => send({ path, body: big, chunked, headers }));
        }
      }
    }
    // Nothing else the server answers takes such a body either.
    for (const path of ["/app", "/auth/login", "/api/customer/claims", "/metrics"]) {
      jobs.push(() => send({ path, body: big }));
    }
    // Malformed headers of every kind on an authentic body.
    for (let n = 0; n < 40; n++) {
      const body = orderBody(500 + n);
      jobs.push(() =>
        send({
          body,
          headers: headersFor("orders/create", n % 2 ? "" : " ", body, {
            "X-Shopify-Webhook-Id": n % 3 ? "" : randomUUID(),
          }),
        }),
      );
    }

    expect(jobs.length).toBeGreaterThanOrEqual(1000);
    const results = await inPool(jobs);
    refused.push(...results);
    const accepted = results.filter((r) => r.status !== null && r.status < 400);
    expect(accepted).toEqual([]);
    // What was answered was answered as refused; the rest had the connection closed on them.
    for (const result of results) if (result.status !== null) expect(result.status).toBeGreaterThanOrEqual(400);

    expect(await counts()).toEqual(before);
    for (const shop of BAD_SHOPS) expect(await db().shop.count({ where: { domain: shop } })).toBe(0);
    expect(await deliverySeries()).toEqual(seriesBefore);
    expect(await db().orderRecord.count({ where: { shop: OTHER } })).toBe(1);
    expect(await db().webhookDelivery.count({ where: { shop: OTHER } })).toBe(1);
  }, 180_000);

  it("an authentic shop/redact replayed under the other shop's header leaves the other shop's data intact", async () => {
    const body = JSON.stringify({ ...documentedPayload("shop/redact"), shop_domain: SHOP });
    const replays = await Promise.all(
      Array.from({ length: 3 }, () => send({ body, headers: headersFor("shop/redact", OTHER, body) })),
    );
    for (const replay of replays) expect(replay.status).toBe(400);
    // Whatever was stored is acted on, as the worker would.
    await processPendingDeliveries({ db: db(), lookups: noLookups, log: logger });
    expect(await db().shop.count({ where: { domain: OTHER } })).toBe(1);
    expect(await db().orderRecord.count({ where: { shop: OTHER } })).toBe(1);
    expect(await db().webhookDelivery.count({ where: { shop: OTHER } })).toBe(1);
  });

  it("answers 413 to a body over the limit on every spelling of the path, before reading it all", async () => {
    const big = Buffer.alloc(LIMIT + 1, 0x20);
    for (const path of PATHS) {
      // Declared: refused on the headers alone.
      const declared = await send({ path, body: big, headers: headersFor("orders/create", SHOP, big.toString()) });
      expect([413, null]).toContain(declared.status);
      if (declared.status === null) expect(declared.error).toMatch(/EPIPE|ECONNRESET|socket hang up/);
    }
    // Chunked, when it passes the limit: a sender still writing its body gets the 413. This one
    // reads nothing until the server has answered and it has written once more after that: a
    // server that closes a connection with unread input resets it, and the reset loses the answer.
    const answered = new Promise<void>((resolve) =>
      server.server.once("request", (_req: http.IncomingMessage, res: http.ServerResponse) => res.once("finish", resolve)),
    );
    const answer = await new Promise<string>((resolve) => {
      let received = "";
      const socket = net.connect(server.port, "127.0.0.1", () => {
        socket.pause();
        const head = headersFor("orders/create", SHOP, "x");
        socket.write(`POST /WEBHOOKS/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n${Object.entries(head).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`);
        const chunk = `${(64 * 1024).toString(16)}\r\n${"a".repeat(64 * 1024)}\r\n`;
        let sent = 0;
        const pump = () => {
          while (!socket.destroyed && sent <= LIMIT * 2) {
            sent += chunk.length;
            if (!socket.write(chunk)) return socket.once("drain", pump);
          }
        };
        pump();
        void answered
          .then(() => new Promise((wait) => setTimeout(wait, 200)))
          .then(() => {
            if (!socket.destroyed) socket.write(chunk);
            socket.resume();
          });
      });
      socket.on("data", (data: Buffer) => (received += data.toString()));
      socket.on("error", () => {});
      socket.on("close", () => resolve(received));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  }, 60_000);

  it("lets go of slow headers and slow bodies, storing nothing", async () => {
    const before = await counts();
    const slowHeaders = () =>
      new Promise<string>((resolve) => {
        const socket = net.connect(server.port, "127.0.0.1", () => socket.write("POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
        let received = "";
        const drip = setInterval(() => socket.write(`X-Drip-${randomUUID().slice(0, 4)}: 1\r\n`), 150);
        socket.on("data", (data: Buffer) => (received += data.toString()));
        socket.on("error", () => {});
        socket.on("close", () => {
          clearInterval(drip);
          resolve(received);
        });
      });
    const slowBody = () =>
      new Promise<string>((resolve) => {
        const body = orderBody(600);
        const headers = headersFor("orders/create", SHOP, body);
        const socket = net.connect(server.port, "127.0.0.1", () =>
          socket.write(`POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`),
        );
        let offset = 0;
        const drip = setInterval(() => {
          if (offset < body.length - 1) socket.write(body.slice(offset, (offset += 4)));
        }, 150);
        let received = "";
        socket.on("data", (data: Buffer) => (received += data.toString()));
        socket.on("error", () => {});
        socket.on("close", () => {
          clearInterval(drip);
          resolve(received);
        });
      });
    const answers = await Promise.all([slowHeaders(), slowHeaders(), slowHeaders(), slowBody(), slowBody(), slowBody()]);
    for (const answer of answers) {
      // Closed, with a 408 or with no answer at all: never a 2xx.
      if (answer) expect(answer).toMatch(/^HTTP\/1\.1 408/);
    }
    expect(await counts()).toEqual(before);
  }, 60_000);

  it("holds no more connections than HTTP_MAX_CONNECTIONS", async () => {
    const total = MAX_CONNECTIONS + 16;
    let dropped = 0;
    let taken = 0;
    const onDrop = () => dropped++;
    const onConnection = () => taken++;
    server.server.on("drop", onDrop);
    server.server.on("connection", onConnection);
    const sockets = await Promise.all(
      Array.from({ length: total }, () => new Promise<net.Socket>((resolve) => {
        // A connection dropped at once may fail before its connect is reported.
        const socket = net.connect(server.port, "127.0.0.1", () => resolve(socket));
        socket.on("error", () => {});
        socket.on("close", () => resolve(socket));
      })),
    );
    // The server runs in this process: wait until it has taken every connection in (held or
    // dropped) before any request is sent, so none is answered and gone before the last arrives.
    while (taken + dropped < total) await new Promise((resolve) => setImmediate(resolve));
    const outcomes = await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<"answered" | "closed">((resolve) => {
            if (socket.destroyed) return resolve("closed");
            let received = "";
            socket.on("data", (data: Buffer) => (received += data.toString()));
            socket.on("close", () => resolve(received.startsWith("HTTP/1.1 405") ? "answered" : "closed"));
            socket.write("GET /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
          }),
      ),
    );
    server.server.off("drop", onDrop);
    server.server.off("connection", onConnection);
    const answered = outcomes.filter((o) => o === "answered").length;
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(dropped).toBeGreaterThanOrEqual(16);
    expect(outcomes.length - answered).toBeGreaterThanOrEqual(16);
  }, 60_000);

  it("keeps a signed malformed body from a real shop, marked invalid with its reason", async () => {
    const body = '{"id": 1, "line_items": [';
    const eventId = randomUUID();
    const sent = await send({ body, headers: { ...headersFor("orders/create", SHOP, body), "X-Shopify-Event-Id": eventId } });
    expect(sent.status).toBe(200);
    await processPendingDeliveries({ db: db(), lookups: noLookups, log: logger });
    const row = await db().webhookDelivery.findFirstOrThrow({ where: { eventId } });
    expect(row.status).toBe("invalid");
    expect(row.error).toMatch(/not valid JSON/);
  });

  it("is still up and stores a valid webhook after all of it", async () => {
    const body = orderBody(700);
    const eventId = randomUUID();
    const sent = await send({ body, headers: { ...headersFor("orders/create", SHOP, body), "X-Shopify-Event-Id": eventId } });
    expect(sent.status).toBe(200);
    expect(await db().webhookDelivery.count({ where: { eventId, shop: SHOP } })).toBe(1);
    expect(refused.length).toBeGreaterThanOrEqual(1000);
  });
});
