// Abuse signals read the customer's own claims, not Amends' detections. Two customers, each
// with two earlier troubles and a third order whose parcel the carrier fails to deliver: one
// was failed by the carrier twice before (and refunded by Amends for it), the other reported a
// wrong item twice. The carrier's failures arrive as Shopify's own webhooks through the intake
// and the processor; the policy is put to the third incident as the worker does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { findingFromReport } from "../app/incidents/reports";
import { DEFAULT_DETECTION_SETTINGS } from "../app/incidents/model";
import { recordFinding } from "../app/models/incident.server";
import { loadOrder } from "../app/models/order.server";
import { remediate } from "../app/remediation/engine/index.server";
import type { RemediationDeps } from "../app/remediation/engine/index.server";
import { defaultPolicyFor } from "../app/remediation/policy";
import type { RemediationPolicy } from "../app/remediation/policy";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import type { CustomerRecord, OrderRecord, RunningEmulator } from "./shopify-emulator";
import { manualClock } from "./shopify-emulator";
import { testDatabases } from "./support/databases";
import type { StoreWithWebhooks } from "./support/store-with-webhooks";
import { startStoreWithWebhooks } from "./support/store-with-webhooks";

const SECRET = "claims-secret";
const SHOP = "claims-shop.myshopify.com";
const TOKEN = "shpat_claims";
const utc = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);

/** Carrier failures are refunded automatically; from two earlier claims, or 20.00 refunded on
 * them, a customer's next refund waits for the merchant. */
function policy(): RemediationPolicy {
  const base = defaultPolicyFor("USD");
  return {
    ...base,
    kinds: {
      ...base.kinds,
      carrier_exception: {
        mode: "automatic",
        remedies: [{ type: "message" }, { type: "refund", scope: "affected_items", includeShipping: "never" }],
        alternatives: [],
        conditions: {},
        messageTemplate: null,
      },
    },
    abuse: { ...base.abuse, incidentsLast12Months: 2, refundedLast12Months: "20.00" },
  };
}

describe.each(testDatabases())("abuse signals count the customer's claims on $name", ({ name, url: runUrl }) => {
  const clock = manualClock(utc(2, 9));
  let store: StoreWithWebhooks;
  let db: Database;
  let emu: RunningEmulator;
  let variantId = "";
  const clientFor = () => Promise.resolve(new AdminClient({ shop: SHOP, accessToken: TOKEN, endpoint: emu.graphqlUrl(SHOP), baseDelayMs: 5 }));
  const lookups = shopifyLookups(clientFor);
  const deps = (): RemediationDeps => ({
    db,
    clientFor,
    now: () => new Date(clock.now()),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
    jobPollIntervalMs: 20,
  });

  async function settle() {
    await store.settle({ lookups, clock: () => new Date(clock.now()) });
  }

  /** An order shipped on `day` whose parcel the carrier failed to deliver the day after; the
   * policy is put to the incident that opens, as the worker does. */
  async function carrierFails(customer: CustomerRecord, day: number) {
    clock.set(utc(day, 9));
    const order = emu.store.addOrder(SHOP, { customerId: customer.id, lineItems: [{ variantId, quantity: 1 }] });
    await settle();
    const fulfillment = emu.store.addFulfillment(SHOP, order.id, { trackingCompany: "UPS", trackingNumber: `1Z${day}${customer.firstName ?? ""}` });
    await settle();
    clock.set(utc(day + 1, 15));
    emu.store.addFulfillmentEvent(SHOP, fulfillment.id, { status: "FAILURE", message: "Recipient not available" });
    await settle();
    const incident = await db.incident.findFirstOrThrow({ where: { shop: SHOP, orderId: order.id, kind: "carrier_exception" } });
    const report = await remediate(deps(), { shop: SHOP, incidentId: incident.id, trigger: "automatic", actor: "rule:policy" });
    return { order, incident, report };
  }

  /** The customer reports a wrong item on a delivered order (the order status page's report). */
  async function claimsWrongItem(customer: CustomerRecord, day: number): Promise<OrderRecord> {
    clock.set(utc(day, 9));
    const order = emu.store.addOrder(SHOP, { customerId: customer.id, lineItems: [{ variantId, quantity: 1 }] });
    await settle();
    const stored = await loadOrder(db, SHOP, order.id);
    if (!stored) throw new Error("order not stored");
    const line = order.lineItems[0];
    if (!line) throw new Error("no line");
    const finding = findingFromReport(
      stored.state,
      { kind: "wrong_item", lines: [{ lineItemId: line.id, quantity: 1 }], description: "Got a grey one, ordered blue", reportedBy: "customer" },
      DEFAULT_DETECTION_SETTINGS,
      new Date(clock.now()),
    );
    await recordFinding(db, SHOP, finding, "customer");
    return order;
  }

  beforeAll(async () => {
    store = await startStoreWithWebhooks({
      backend: name,
      runUrl,
      label: "claims",
      secret: SECRET,
      emulator: {
        clock,
        shops: [{ domain: SHOP, accessToken: TOKEN, ianaTimezone: "UTC", currencyCode: "USD" }],
      },
    });
    ({ db, emu } = store);
    await db.shop.create({ data: { domain: SHOP, currencyCode: "USD", timeZone: "UTC", policy: policy() as object } });
    const product = emu.store.addProduct(SHOP, { title: "Wool Scarf", variants: [{ price: "30.00", available: 50 }] });
    variantId = product.variantIds[0] ?? "";
  });

  afterAll(async () => {
    await store.close();
  });

  it("a customer the carrier failed twice is remedied automatically the third time", async () => {
    const carla = emu.store.addCustomer(SHOP, { firstName: "Carla", email: "carla@example.com" });
    const first = await carrierFails(carla, 2);
    const second = await carrierFails(carla, 5);
    // Amends refunded both failures itself: 60.00 that is no claim of hers.
    expect([first.report.status, second.report.status]).toEqual(["resolved", "resolved"]);
    expect(await db.remediation.count({ where: { shop: SHOP, action: "refund", status: "succeeded" } })).toBe(2);

    const third = await carrierFails(carla, 9);
    expect(third.report.decision?.flags ?? []).toEqual([]);
    expect(third.report.status).toBe("resolved");
    expect(emu.store.order(SHOP, third.order.id).refunds).toHaveLength(1);
  });

  it("a customer who reported two wrong items waits for the merchant on the third trouble", async () => {
    const walt = emu.store.addCustomer(SHOP, { firstName: "Walt", email: "walt@example.com" });
    await claimsWrongItem(walt, 12);
    await claimsWrongItem(walt, 14);

    const third = await carrierFails(walt, 16);
    expect(third.report.status).toBe("awaiting_approval");
    expect(third.report.decision?.flags).toEqual(["abuse_incident_count"]);
    expect(third.report.decision?.reasons).toEqual([
      "This customer has reported 2 problems in the last 12 months (review from 2).",
    ]);
    expect(emu.store.order(SHOP, third.order.id).refunds).toHaveLength(0);
    expect((await db.incident.findUniqueOrThrow({ where: { id: third.incident.id } })).status).toBe("awaiting_approval");
  });
});
