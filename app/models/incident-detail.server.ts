// One incident as the merchant works it: what went wrong, on which items, the plans the policy
// proposes (from the engine's latest decision), the remedies carried out and the timeline.
import { z } from "zod";

import type { Database } from "../db.server";
import type { AffectedLine, OrderState } from "../incidents/model";
import type { PlannedOption, PlannedRemedy } from "../remediation/policy";
import { describeRemedies, formatMoney } from "../remediation/policy";
import { loadOrder } from "./order.server";
import { customerContact, messagesForIncident } from "./outbox.server";

export interface ProposedPlan {
  option: number;
  description: string;
  estimatedCost: string;
}

export interface Proposal {
  /** The remedies of the plan the policy picked, for the approval form's starting values. */
  remedies: PlannedRemedy[];
  outcome: string;
  /** Why the engine asks for approval (caps, abuse signals, manual mode). */
  reasons: string[];
  chosen: number;
  plans: ProposedPlan[];
}

const decisionData = z.object({
  outcome: z.string(),
  option: z.number().int(),
  reasons: z.array(z.string()),
  // Costed plans as the engine wrote them; checked for shape only where the page reads it.
  options: z.array(z.custom<PlannedOption>((value) => typeof value === "object" && value !== null && "remedies" in value)).optional(),
});

export async function incidentDetail(db: Database, shop: string, id: string, locale = "en-US") {
  const incident = await db.incident.findFirst({
    where: { id, shop },
    include: {
      events: { orderBy: { at: "asc" } },
      remediations: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!incident) return null;
  const order = await loadOrder(db, shop, incident.orderId);
  const lines = itemsAffected(incident.lines as unknown as AffectedLine[], order?.state ?? null);
  const summary = incident.events.find((event) => event.type === "opened")?.message ?? null;
  const latestDecision = [...incident.events].reverse().find((event) => event.type === "decision");
  const messages = await messagesForIncident(db, incident.id);
  return {
    ...incident,
    customerWords: customerWords(incident.events),
    summary,
    items: lines,
    proposal: proposal(latestDecision?.data ?? null, locale),
    messages,
    contact: customerContact(messages, incident.remediations),
  };
}

export type IncidentDetail = NonNullable<Awaited<ReturnType<typeof incidentDetail>>>;

function itemsAffected(affected: AffectedLine[], order: OrderState | null) {
  return affected.map((line) => {
    const known = order?.lines.find((orderLine) => orderLine.id === line.lineItemId);
    return {
      lineItemId: line.lineItemId,
      quantity: line.quantity,
      // Only say an item left the order when Amends holds the order and it is not there.
      title: known?.title ?? (order ? "Item no longer on the order" : "Item (the order's details have not reached Amends yet)"),
      sku: known?.sku ?? null,
    };
  });
}

function proposal(data: unknown, locale: string): Proposal | null {
  const parsed = decisionData.safeParse(data);
  if (!parsed.success) return null;
  const options = parsed.data.options ?? [];
  return {
    remedies: options[parsed.data.option]?.remedies ?? [],
    outcome: parsed.data.outcome,
    reasons: parsed.data.reasons,
    chosen: parsed.data.option,
    plans: options.map((plan, option) => ({
      option,
      description: describeRemedies(plan.remedies, locale) || "an apology message only",
      estimatedCost: formatMoney(plan.estimatedCost, locale),
    })),
  };
}

/** What the customer said, in their own words: the report that opened the incident and any
 * they added later (the evidence keeps their text as `description`). */
export function customerWords(events: { id: string; at: Date; type: string; actor: string; data: unknown }[]) {
  return events.flatMap((event) => {
    if (event.type !== "opened" && event.type !== "customer_report") return [];
    const data = (event.data ?? {}) as { description?: unknown; reportedBy?: unknown; channel?: unknown };
    if (typeof data.description !== "string" || !data.description.trim()) return [];
    return [{ id: event.id, at: event.at, text: data.description.trim(), channel: typeof data.channel === "string" ? data.channel : null }];
  });
}
