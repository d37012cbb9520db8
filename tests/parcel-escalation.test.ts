// One parcel, one problem: the carrier reports a delay, the parcel then runs late, then goes
// silent. Shopify's own webhooks (from the emulator, through the intake and the processor) and
// the due sweep find three stages of one shipment's trouble; Amends keeps one incident whose
// kind escalates, with each stage on its timeline, re-plans it for each worse kind, and never
// pays twice for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../app/db.server";
import { logger } from "../app/logger.server";
import { AutoRemediator } from "../app/remediation/auto.server";
import { remediate } from "../app/remediation/engine/index.server";
import type { RemediationDeps } from "../app/remediation/engine/index.server";
import type { KindPolicy, RemediationPolicy } from "../app/remediation/policy";
import { defaultPolicyFor } from "../app/remediation/policy";
import { sweepDueOrders } from "../app/scheduler/sweep.server";
import { AdminClient } from "../app/shopify/admin.server";
import { shopifyLookups } from "../app/shopify/lookups.server";
import type { FulfillmentRecord, OrderRecord, RunningEmulator } from "./shopify-emulator";
import { manualClock } from "./shopify-emulator";
import { testDatabases } from "./support/databases";
import type { StoreWithWebhooks } from "./support/store-with-webhooks";
import { startStoreWithWebhooks } from "./support/store-with-webhooks";

const SECRET = "parcel-secret";
const SHOP = "parcel-shop.myshopify.com";
const TOKEN = "shpat_parcel";
const utc = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);

const automatic = (remedies: KindPolicy["remedies"]): KindPolicy => ({ mode: "automatic", remedies, alternatives: [], conditions: {}, messageTemplate: null });
const refund = { type: "refund", scope: "affected_items", includeShipping: "never" } as const;

/** An apology for the delay; a refund once it is late, and again (it must not be paid twice)
 * once it may be lost, with a code on top. */
function policy(): RemediationPolicy {
  const base = defaultPolicyFor("USD");
  return {
    ...base,
    kinds: {
      ...base.kinds,
      carrier_exception: automatic([{ type: "message" }]),
      late_delivery: automatic([{ type: "message" }, refund]),
      possibly_lost: automatic([{ type: "message" }, refund, { type: "discount_code", value: { percentage: 10 }, expiresInDays: 30 }]),
    },
  };
}

describe.each(testDatabases())("one parcel, one problem on $name", ({ name, url: runUrl }) => {
  const clock = manualClock(utc(2, 9));
  let store: StoreWithWebhooks;
  let db: Database;
  let emu: RunningEmulator;
  let order: OrderRecord;
  let parcel: FulfillmentRecord;
  const clientFor = () => Promise.resolve(new AdminClient({ shop: SHOP, accessToken: TOKEN, endpoint: emu.graphqlUrl(SHOP), baseDelayMs: 5 }));
  const lookups = shopifyLookups(clientFor);
  const deps = (): RemediationDeps => ({
    db,
    clientFor,
    now: () => new Date(clock.now()),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))),
    jobPollIntervalMs: 20,
  });

  /** Delivers what the store sent and puts every incident opened or escalated to the policy,
   * as the worker does. */
  async function settle(): Promise<string[]> {
    const opened: string[] = [];
    const onIncidentsOpened = (_shop: string, ids: string[]) => opened.push(...ids);
    await store.settle({ lookups, clock: () => new Date(clock.now()), onIncidentsOpened });
    return opened;
  }

  async function sweep(at: number): Promise<string[]> {
    clock.set(at);
    const result = await sweepDueOrders(db, new Date(at));
    return result.opened.map((o) => o.incidentId);
  }

  const policyRuns = (ids: string[]) =>
    Promise.all(ids.map((incidentId) => remediate(deps(), { shop: SHOP, incidentId, trigger: "automatic", actor: "rule:policy" })));

  const incidents = () => db.incident.findMany({ where: { shop: SHOP }, include: { events: { orderBy: { at: "asc" } } } });

  beforeAll(async () => {
    store = await startStoreWithWebhooks({
      backend: name,
      runUrl,
      label: "parcel",
      secret: SECRET,
      emulator: {
        clock,
        shops: [{ domain: SHOP, accessToken: TOKEN, ianaTimezone: "UTC", currencyCode: "USD" }],
      },
    });
    ({ db, emu } = store);
    await db.shop.create({ data: { domain: SHOP, currencyCode: "USD", timeZone: "UTC", policy: policy() as object } });
    const product = emu.store.addProduct(SHOP, { title: "Linen Shirt", variants: [{ price: "40.00", available: 10 }] });
    const customer = emu.store.addCustomer(SHOP, { firstName: "Rosa", email: "rosa@example.com" });
    order = emu.store.addOrder(SHOP, { customerId: customer.id, lineItems: [{ variantId: product.variantIds[0] ?? "", quantity: 1 }] });
    await settle();
    clock.set(utc(2, 15));
    parcel = emu.store.addFulfillment(SHOP, order.id, { trackingCompany: "DHL", trackingNumber: "JD0142", estimatedDeliveryAt: utc(4, 12) });
    await settle();
  });

  afterAll(async () => {
    await store.close();
  });

  it("a carrier delay opens the parcel's incident, and the policy apologises", async () => {
    clock.set(utc(3, 10));
    emu.store.addFulfillmentEvent(SHOP, parcel.id, { status: "DELAYED", message: "Held at the depot", estimatedDeliveryAt: utc(5, 12) });
    const opened = await settle();
    expect(opened).toHaveLength(1);
    const [report] = await policyRuns(opened);
    expect(report?.status).toBe("resolved");
    const [incident] = await incidents();
    expect(incident).toMatchObject({ kind: "carrier_exception", status: "resolved" });
  });

  it("the parcel running late escalates the same incident to a late delivery, refunded once", async () => {
    // Estimated for the 5th, 2 days' grace: late from the 8th.
    const escalated = await sweep(utc(8, 6));
    expect(escalated).toHaveLength(1);
    const list = await incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: escalated[0], kind: "late_delivery", status: "open" });

    // The worker stopped before the policy saw the escalation: its catch-up pass finds the
    // incident, whose last decision was for the carrier exception.
    const worker = new AutoRemediator({ ...deps(), log: logger }, 0);
    await worker.catchUp(new Date(Date.now() + 1000));
    expect(await db.incident.findUniqueOrThrow({ where: { id: escalated[0] } })).toMatchObject({ status: "resolved" });
    expect(emu.store.order(SHOP, order.id).refunds).toHaveLength(1);
    // Decided for the late delivery now: the next pass leaves it alone.
    await worker.catchUp(new Date(Date.now() + 1000));
    expect(emu.store.order(SHOP, order.id).refunds).toHaveLength(1);
  });

  it("the parcel going silent escalates it again: possibly lost, a code, and no second refund", async () => {
    // The last sign of life was the delay on the 3rd; 7 silent days make it possibly lost on the
    // 10th, when the parcel is also (still) late: one finding, the worse one.
    const escalated = await sweep(utc(10, 11));
    expect(escalated).toHaveLength(1);
    const [report] = await policyRuns(escalated);
    expect(report?.status).toBe("resolved");
    // The units were refunded for the late delivery: either the plan leaves them out (Shopify has
    // nothing left to refund) or the step finds the earlier refund; never a new one.
    const refund = report?.remedies.find((r) => r.action === "refund");
    if (refund) expect(refund).toMatchObject({ status: "succeeded", reused: true });

    const list = await incidents();
    expect(list).toHaveLength(1);
    const incident = list[0];
    expect(incident).toMatchObject({ kind: "possibly_lost", status: "resolved" });
    expect(incident?.evidence).toMatchObject({ fulfillmentId: parcel.id, escalatedFrom: ["carrier_exception", "late_delivery"] });

    const shopifyOrder = emu.store.order(SHOP, order.id);
    expect(shopifyOrder.refunds).toHaveLength(1);
    expect([...emu.store.shop(SHOP).discounts.values()]).toHaveLength(1);

    // Three stages of the parcel's trouble, one timeline, in the merchant's words.
    const evidence = (incident?.events ?? []).filter((e) => e.type === "opened" || e.type === "evidence");
    expect(evidence.map((e) => e.message)).toEqual([
      expect.stringMatching(/^DHL reported a delay for #\d+ \(JD0142\): Held at the depot$/),
      expect.stringMatching(/^The parcel's problem escalated from a carrier exception to late: #\d+'s DHL parcel JD0142 is 3 days past its estimated delivery date\. Open again for the worse problem; remedies already given are not given twice\.$/),
      expect.stringMatching(/^The parcel's problem escalated from late to possibly lost: #\d+'s DHL parcel JD0142 has had no tracking update for 7 days and may be lost\. Open again/),
    ]);
    // One apology per stage: each tells the customer about the problem as it now stands.
    expect((incident?.events ?? []).filter((e) => e.type === "message")).toHaveLength(3);
  });

  it("a later delay report about the lost parcel is evidence only", async () => {
    clock.set(utc(11, 9));
    emu.store.addFulfillmentEvent(SHOP, parcel.id, { status: "DELAYED", message: "Still looking for it" });
    expect(await settle()).toEqual([]);
    const list = await incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: "possibly_lost", status: "resolved" });
    expect(emu.store.order(SHOP, order.id).refunds).toHaveLength(1);
  });
});
