// The durable record of every webhook delivery: stored before anything is acted on.
import { randomUUID } from "node:crypto";

import { db } from "../db.server";

export interface IncomingDelivery {
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string;
  triggeredAt: Date | null;
  apiVersion: string | null;
  /** The raw body exactly as Shopify sent it (ids beyond 2^53 survive as text). */
  payload: string;
}

export type RecordOutcome = { status: "stored"; id: string } | { status: "duplicate" };

/** Stores one delivery; a redelivery of an event already stored changes nothing. */
export async function recordDelivery(delivery: IncomingDelivery): Promise<RecordOutcome> {
  const id = randomUUID();
  const existing = await db().webhookDelivery.findUnique({
    where: {
      shop_topic_eventId: { shop: delivery.shop, topic: delivery.topic, eventId: delivery.eventId },
    },
    select: { id: true },
  });
  if (existing) return { status: "duplicate" };
  try {
    await db().webhookDelivery.create({ data: { id, ...delivery } });
    return { status: "stored", id };
  } catch (error) {
    // Two copies of one event racing: the unique index lets exactly one in.
    if (isUniqueViolation(error)) return { status: "duplicate" };
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}
