// Statuses, actors, events and remedies in the merchant's words. The timeline stores machine
// names ("rule:policy", "merchant:demo", "remedy_failed", "annotate"); the page shows these.

import { describeActor } from "./staff";

// Statuses have one set of words, the inbox's, wherever they are shown.
export { STATUS_LABELS as STATUS_WORDS, statusLabel as statusWords } from "./inbox";

const RULE_WORDS: Readonly<Record<string, string>> = {
  policy: "Your remediation policy",
  stock_out_cancellation: "Stock-out check",
  oversell_risk: "Oversell check",
  late_fulfilment: "Fulfilment deadline check",
  late_delivery: "Delivery tracking check",
  parcel: "Delivery tracking check",
  sweep: "Daily check",
};

/**
 * Who did it. "merchant:<name>" is a staff member by name; the demo's and an unnamed merchant
 * are "You"; anything the app itself did is "Amends".
 */
export function actorWords(actor: string): string {
  const [who, ...rest] = actor.split(":");
  const name = rest.join(":").trim();
  switch (who) {
    case "staff":
      // "staff:<user id>:<name>": the name, never the id.
      return describeActor(actor);
    case "merchant":
      return name && name !== "demo" ? name : "You";
    case "rule":
      return RULE_WORDS[name] ?? (name ? `Automatic check (${sentence(name).toLowerCase()})` : "Automatic check");
    case "customer":
      return "The customer";
    case "shopify":
      return "Shopify";
    case "amends":
    case "system":
    case "worker":
      return "Amends";
    default:
      return actor ? sentence(actor) : "Amends";
  }
}

const EVENT_WORDS: Readonly<Record<string, string>> = {
  opened: "Incident opened",
  evidence: "New evidence",
  customer_report: "The customer wrote",
  decision: "Policy decision",
  status: "Status changed",
  remedy: "Remedy carried out",
  remedy_failed: "Remedy failed",
  remediation_failed: "Remedy incomplete",
  message: "Message to the customer written",
  email_queued: "E-mail waiting to be sent",
  email_sent: "E-mail sent",
  email_retry: "E-mail will be retried",
  email_failed: "E-mail not delivered",
  email_not_sent: "E-mail not sent",
  assigned: "Ownership changed",
  deadline_moved: "Response deadline moved",
  escalated: "Marked escalated",
  deescalated: "No longer escalated",
  fulfillment: "Shipping update",
  refund: "Refund on Shopify",
  return: "Return opened",
  note: "Note",
};

export function eventWords(type: string): string {
  return EVENT_WORDS[type] ?? sentence(type);
}

export const REMEDY_WORDS: Readonly<Record<string, string>> = {
  refund: "Refund",
  replacement: "Replacement order",
  discount_code: "Discount code",
  cancel: "Cancellation",
  return: "Return",
  annotate: "Note on the Shopify order",
  message: "Message to the customer",
};

/** One remedy row's state: "succeeded" / "pending" / "failed" as a merchant says it. */
export function remedyStateWords(action: string, status: string): string {
  const what = REMEDY_WORDS[action] ?? sentence(action);
  switch (status) {
    case "succeeded":
      return `${what}: done`;
    case "failed":
      return `${what}: failed`;
    case "pending":
      return `${what}: in progress`;
    default:
      return `${what}: ${status.replaceAll("_", " ")}`;
  }
}

/** "root_cause_x" → "Root cause x". */
export function sentence(value: string): string {
  const text = value.replaceAll("_", " ").replaceAll(":", " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
