// Shopify's mandatory privacy webhooks: what Amends holds about a customer, erasing it, and
// erasing a shop 48 hours after it uninstalled.
import type { Database } from "../db.server";
import type { OrderState } from "../incidents/model";
import { gid } from "../incidents/model";
import type { CustomerKeys } from "./redaction";
import { addValue, mentionsCustomer, numericId, personalValues, redactor } from "./redaction";

// The customers/data_request and customers/redact payloads as the webhook handlers parse them.
type PrivacyCustomer = { id?: string | null; email: string | null; phone: string | null };
type DataRequestPayload = { customer: PrivacyCustomer; orders_requested: string[] };
type RedactPayload = { customer: PrivacyCustomer; orders_to_redact: string[] };

type Who = { customer: { id?: string | null; email: string | null }; orders: string[] };

function incidentsOf(shop: string, who: Who) {
  const or = [
    ...(who.customer.id ? [{ customerId: gid("Customer", who.customer.id) }] : []),
    ...(who.customer.email ? [{ customerEmail: who.customer.email }] : []),
    ...(who.orders.length ? [{ orderId: { in: who.orders.map((o) => gid("Order", o)) } }] : []),
  ];
  return or.length ? { shop, OR: or } : { shop, id: "-none-" };
}

/** customers/data_request: the customer's incidents, timelines and remedies, stored for the
 * merchant to pass on (Shopify expects the merchant to answer within 30 days). */
export async function exportCustomerData(
  db: Database,
  shop: string,
  payload: DataRequestPayload,
) {
  const who = { customer: payload.customer, orders: payload.orders_requested };
  const incidents = await db.incident.findMany({
    where: incidentsOf(shop, who),
    include: { events: { orderBy: { at: "asc" } }, remediations: true },
    orderBy: { createdAt: "asc" },
  });
  const report = {
    customer: { id: payload.customer.id ?? null, email: payload.customer.email, phone: payload.customer.phone },
    incidents: incidents.map((incident) => ({
      id: incident.id,
      kind: incident.kind,
      status: incident.status,
      order: incident.orderName,
      openedAt: incident.createdAt.toISOString(),
      timeline: incident.events.map((e) => ({ at: e.at.toISOString(), type: e.type, message: e.message })),
      remedies: incident.remediations.map((r) => ({
        action: r.action,
        status: r.status,
        amount: r.amount,
        currencyCode: r.currencyCode,
        at: r.createdAt.toISOString(),
      })),
    })),
  };
  return db.dataRequest.create({
    data: {
      shop,
      customerId: payload.customer.id ? gid("Customer", payload.customer.id) : null,
      email: payload.customer.email,
      ordersAsked: payload.orders_requested,
      report,
    },
  });
}

/** customers/redact: the incidents stay (the merchant's records) but no longer say who. */
export async function eraseCustomer(db: Database, shop: string, payload: RedactPayload) {
  const who = { customer: payload.customer, orders: payload.orders_to_redact };
  const customerId = payload.customer.id ? gid("Customer", payload.customer.id) : null;
  // Every trace of the customer goes: their name, e-mail, phone and address are blanked
  // wherever Amends wrote them (timelines, apology messages, remedy requests and results,
  // evidence, order copies), their data requests are deleted, and every stored webhook body
  // that concerns them is replaced (REDACTED_PAYLOAD, below).
  //
  // A delivery of theirs still waiting to be processed is not processed at all (status
  // `redacted`): it is data Shopify sent before the request, and acting on it afterwards would
  // write the customer back. Shopify sends customers/redact only once the customer's last order
  // is past its chargeback period, so nothing the merchant still needs is lost with it.
  //
  // Identifiers are cleared last, so a retry after a failure part-way still finds everything.
  const keys: CustomerKeys = {
    customerIds: payload.customer.id ? [payload.customer.id] : [],
    orderIds: payload.orders_to_redact,
    emails: payload.customer.email ? [payload.customer.email] : [],
    phones: payload.customer.phone ? [payload.customer.phone] : [],
  };
  const values = new Set<string>();
  for (const value of [payload.customer.email, payload.customer.phone, customerId]) addValue(values, value);

  // The customer's orders: asked for, on their incidents, in Amends' copies, and in order
  // webhooks that name them (a guest checkout's order is known only by its e-mail).
  const orderIds = new Set(payload.orders_to_redact.map((o) => gid("Order", o)));
  for (const incident of await db.incident.findMany({ where: incidentsOf(shop, who), select: { orderId: true } })) {
    orderIds.add(incident.orderId);
  }
  if (customerId) {
    for (const order of await db.orderRecord.findMany({ where: { shop, customerId }, select: { orderId: true } })) {
      orderIds.add(order.orderId);
    }
  }
  const deliveries = await customerDeliveries(db, shop, keys);
  for (const delivery of deliveries) {
    const body = parseBody(delivery.payload);
    personalValues(body, values);
    if (delivery.topic.startsWith("orders/") && isObject(body) && typeof body.admin_graphql_api_id === "string") {
      orderIds.add(body.admin_graphql_api_id);
    }
  }
  keys.orderIds = [...orderIds].map(numericId);
  for (const delivery of await customerDeliveries(db, shop, keys)) {
    if (deliveries.some((d) => d.id === delivery.id)) continue;
    personalValues(parseBody(delivery.payload), values);
    deliveries.push(delivery);
  }

  const incidents = await db.incident.findMany({
    where: { shop, OR: [incidentsOf(shop, who), { orderId: { in: [...orderIds] } }] },
    select: { id: true, customerEmail: true, customerName: true, evidence: true, lines: true },
  });
  // The e-mails held for them name them and carry their address: gone, sent or not (the
  // timeline keeps what happened, the address masked).
  await db.outgoingMessage.deleteMany({ where: { shop, incidentId: { in: incidents.map((i) => i.id) } } });
  const orders = await db.orderRecord.findMany({
    where: { shop, OR: [...(customerId ? [{ customerId }] : []), { orderId: { in: [...orderIds] } }] },
    select: { orderId: true, state: true },
  });
  for (const incident of incidents) {
    addValue(values, incident.customerEmail);
    addValue(values, incident.customerName);
  }
  for (const order of orders) personalValues((order.state as unknown as OrderState).customer, values);
  for (const order of orders) addValue(values, (order.state as unknown as OrderState).email);
  const redact = redactor(values);

  const incidentIds = incidents.map((i) => i.id);
  for (const event of await db.incidentEvent.findMany({ where: { incidentId: { in: incidentIds } } })) {
    const message = redact.text(event.message);
    const data = event.data === null ? null : (redact.json(event.data) as object);
    if (message !== event.message || JSON.stringify(data) !== JSON.stringify(event.data)) {
      await db.incidentEvent.update({ where: { id: event.id }, data: { message, ...(data === null ? {} : { data }) } });
    }
  }
  for (const remedy of await db.remediation.findMany({ where: { incidentId: { in: incidentIds } } })) {
    await db.remediation.update({
      where: { id: remedy.id },
      data: {
        request: redact.json(remedy.request) as object,
        ...(remedy.result === null ? {} : { result: redact.json(remedy.result) as object }),
        error: remedy.error === null ? null : redact.text(remedy.error),
      },
    });
  }
  for (const order of orders) {
    const state = redact.json({ ...(order.state as unknown as OrderState), customer: null, email: null });
    await db.orderRecord.update({
      where: { shop_orderId: { shop, orderId: order.orderId } },
      // A new revision: a delivery processed meanwhile builds on the redacted state (order.server.ts).
      data: { customerId: null, state: state as unknown as object, revision: { increment: 1 } },
    });
  }
  await db.dataRequest.deleteMany({
    where: {
      shop,
      OR: [
        ...(customerId ? [{ customerId }] : []),
        ...keys.emails.map((email) => ({ email })),
      ],
    },
  });
  for (const delivery of deliveries) {
    await db.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        payload: REDACTED_PAYLOAD,
        error: delivery.error === null ? null : redact.text(delivery.error),
        // Still waiting: never acted on (see above).
        ...(delivery.status === "received" ? { status: "redacted", processedAt: new Date() } : {}),
      },
    });
  }
  for (const incident of incidents) {
    await db.incident.update({
      where: { id: incident.id },
      data: {
        customerId: null,
        customerEmail: null,
        customerName: null,
        evidence: redact.json(incident.evidence) as object,
        lines: redact.json(incident.lines) as object,
      },
    });
  }
}

/** Body left in place of a stored webhook delivery that held the customer's data. The row
 * stays (until the retention prunes it) so a redelivery of the same event is still ignored. */
export const REDACTED_PAYLOAD = JSON.stringify({ redacted: "customers/redact" });

/** The shop's stored deliveries that concern the customer. The database narrows them down by
 * text; each is then checked whole (a short id's digits can occur in any body). */
async function customerDeliveries(db: Database, shop: string, keys: CustomerKeys) {
  const needles = [
    ...keys.emails.flatMap((email) => [email, email.toLowerCase()]),
    ...keys.phones,
    ...keys.customerIds,
    ...keys.orderIds,
  ];
  if (needles.length === 0) return [];
  const found: { id: string; topic: string; status: string; payload: string; error: string | null }[] = [];
  let cursor: string | undefined;
  for (;;) {
    const batch = await db.webhookDelivery.findMany({
      where: {
        shop,
        payload: { not: REDACTED_PAYLOAD },
        OR: [...new Set(needles)].map((needle) => ({ payload: { contains: needle } })),
      },
      select: { id: true, topic: true, status: true, payload: true, error: true },
      orderBy: { id: "asc" },
      take: 200,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    found.push(...batch.filter((delivery) => mentionsCustomer(delivery.payload, keys)));
    if (batch.length < 200) return found;
    cursor = batch[batch.length - 1]?.id;
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null; // not JSON (kept as invalid): replaced all the same
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** shop/redact: everything Amends holds for the shop. */
export async function eraseShop(db: Database, shop: string) {
  await db.$transaction([
    db.incidentEvent.deleteMany({ where: { incident: { shop } } }),
    db.remediation.deleteMany({ where: { shop } }),
    db.outgoingMessage.deleteMany({ where: { shop } }),
    db.incident.deleteMany({ where: { shop } }),
    db.waitingLine.deleteMany({ where: { shop } }),
    db.inventoryShortfall.deleteMany({ where: { shop } }),
    db.orderRecord.deleteMany({ where: { shop } }),
    db.dataRequest.deleteMany({ where: { shop } }),
    db.session.deleteMany({ where: { shop } }),
    // Staff names and e-mails, and the merchant's own list of parties.
    db.staffMember.deleteMany({ where: { shop } }),
    db.responsibleParty.deleteMany({ where: { shop } }),
    db.shop.deleteMany({ where: { domain: shop } }),
    // Every delivery, this request's own too (the events they hold go with them): Shopify keeps
    // the proof that it was sent, and a redelivery of it finds nothing left to erase.
    db.webhookDelivery.deleteMany({ where: { shop } }),
  ]);
}

/** Data requests of the last 30 days (Shopify's deadline for the merchant's answer), newest first. */
export async function recentDataRequests(db: Database, shop: string, now = new Date()) {
  return db.dataRequest.findMany({
    where: { shop, createdAt: { gte: new Date(now.getTime() - 30 * 86_400_000) } },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, customerId: true, createdAt: true },
    take: 50,
  });
}

export async function dataRequest(db: Database, shop: string, id: string) {
  return db.dataRequest.findFirst({ where: { id, shop } });
}
