// Shopify's mandatory privacy webhooks: what Amends holds about a customer, erasing it, and
// erasing a shop 48 hours after it uninstalled.
import type { Database } from "../db.server";
import type { OrderState } from "../incidents/model";
import { gid } from "../incidents/model";

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
  // The e-mails held for them name them and carry their address: gone, sent or not (the
  // timeline keeps what happened, the address masked).
  const incidents = await db.incident.findMany({ where: incidentsOf(shop, who), select: { id: true } });
  await db.outgoingMessage.deleteMany({ where: { shop, incidentId: { in: incidents.map((i) => i.id) } } });
  await db.incident.updateMany({
    where: incidentsOf(shop, who),
    data: { customerId: null, customerEmail: null, customerName: null },
  });
  const orders = await db.orderRecord.findMany({
    where: {
      shop,
      OR: [
        ...(customerId ? [{ customerId }] : []),
        { orderId: { in: payload.orders_to_redact.map((o) => gid("Order", o)) } },
      ],
    },
  });
  for (const order of orders) {
    const state = { ...(order.state as unknown as OrderState), customer: null };
    await db.orderRecord.update({
      where: { shop_orderId: { shop, orderId: order.orderId } },
      data: { customerId: null, state: state as unknown as object },
    });
  }
  await db.dataRequest.deleteMany({
    where: { shop, OR: [...(customerId ? [{ customerId }] : []), ...(payload.customer.email ? [{ email: payload.customer.email }] : [])] },
  });
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
    db.shop.deleteMany({ where: { domain: shop } }),
    // The redaction request itself stays as proof it was carried out; every other delivery goes.
    db.webhookDelivery.deleteMany({ where: { shop, topic: { not: "shop/redact" } } }),
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
