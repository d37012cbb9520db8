// The outbox: every e-mail to a customer is stored here, rendered, before anything tries to send
// it. One row per key (incident + message kind), so a redelivered webhook, a retried job or a
// second approval click finds the row instead of e-mailing twice. The sender
// (app/messaging/sender.server.ts) claims due rows, sends them and records the outcome.
//
// Statuses: pending → sending (claimed, with a lease) → sent | failed; pending → held while
// e-mail is off (no SMTP_URL), and held → sending once it is on.
import type { OutgoingMessage } from "@prisma/client";

import type { Database } from "../db.server";
import type { IncidentKind } from "../incidents/model";
import type { CustomerMessageKind, EmailLanguage, PlannedRemedy, RenderedEmail } from "../remediation/policy";
import {
  MESSAGE_KIND_LABELS,
  TemplateError,
  emailBodyTemplate,
  emailLanguage,
  maskEmail,
  messageValues,
  renderEmail,
} from "../remediation/policy";
import type { TimelineEntry } from "./incident.server";
import { isUniqueViolation } from "./order.server";
import { customerFacingShop, notFromShops, shopSettings, uninstalledShops } from "./shop.server";

export type OutgoingMessageRow = OutgoingMessage;
export type OutgoingStatus = "pending" | "sending" | "sent" | "failed" | "held";

export interface CustomerMessageRequest {
  shop: string;
  incidentId: string;
  kind: CustomerMessageKind;
  /** Set when one incident may get two messages of a kind (e.g. a second report joining it). */
  discriminator?: string;
  /** The customer's locale when known (the extension's localization); else the shop's. */
  customerLocale?: string | null;
  customerFirstName?: string | null;
  /** Where to send it; default the incident's customer e-mail. */
  to?: string | null;
  /** What the customer gets, for {{remedy}} (a discount's expiresAt as Shopify has it). */
  remedies?: PlannedRemedy[];
  /** The discount code, once created. */
  code?: string | null;
  /** Who caused it, for the timeline. Default "amends". */
  actor?: string;
}

export interface EnqueuedMessage {
  id: string;
  key: string;
  status: OutgoingStatus;
  /** false when the key was already in the outbox: nothing new was stored or will be sent. */
  created: boolean;
  to: string | null;
}

export function messageKey(incidentId: string, kind: CustomerMessageKind, discriminator?: string): string {
  return discriminator ? `${incidentId}:${kind}:${discriminator}` : `${incidentId}:${kind}`;
}

/** The message as the customer would get it (language, template, values) and where it would
 * go, without storing anything: the approval's confirmation shows exactly this. */
export async function renderCustomerMessage(
  db: Database,
  request: CustomerMessageRequest,
): Promise<{ email: RenderedEmail; to: string | null; locale: string; language: EmailLanguage }> {
  const incident = await db.incident.findFirstOrThrow({
    where: { id: request.incidentId, shop: request.shop },
    select: { kind: true, orderName: true, customerEmail: true, customerName: true },
  });
  const [profile, settings] = await Promise.all([customerFacingShop(db, request.shop), shopSettings(db, request.shop)]);
  const language = emailLanguage(request.customerLocale, profile.primaryLocale);
  const locale = [request.customerLocale, profile.primaryLocale].find((l) => l && emailLanguage(l) === language) ?? (language === "en" ? "en-US" : language);
  const incidentKind = incident.kind as IncidentKind;
  const values = messageValues({
    remedies: request.remedies ?? [],
    orderName: incident.orderName,
    customerFirstName: request.customerFirstName ?? incident.customerName?.split(/\s+/)[0] ?? null,
    code: request.code ?? null,
    locale,
    timeZone: settings.timeZone,
  });
  const kind = request.kind;
  const custom =
    (kind === "apology" || kind === "late_notice"
      ? settings.policy.kinds[incidentKind]?.messageTemplate
      : settings.policy.messages?.[kind]) ?? null;
  const render = (template: string | null) =>
    renderEmail({
      kind,
      language,
      template: emailBodyTemplate({ kind, incidentKind, language, custom: template }),
      values,
      shopName: profile.name,
    });
  let email;
  try {
    email = render(custom);
  } catch (error) {
    // A saved template the values cannot fill: the default says the same, correctly.
    if (!(error instanceof TemplateError) || custom === null) throw error;
    email = render(null);
  }

  const to = (request.to ?? incident.customerEmail)?.trim() || null;
  return { email, to, locale, language };
}

/**
 * Stores the message, rendered in the customer's language, with its line on the timeline (one
 * transaction). Exactly once per key: asking again returns the stored row.
 */
export async function enqueueCustomerMessage(db: Database, request: CustomerMessageRequest): Promise<EnqueuedMessage> {
  const key = messageKey(request.incidentId, request.kind, request.discriminator);
  const existing = await db.outgoingMessage.findUnique({ where: { key } });
  if (existing) return enqueued(existing, false);

  const { email, to, locale, language } = await renderCustomerMessage(db, request);
  const what = MESSAGE_KIND_LABELS[request.kind];
  const event: TimelineEntry = to
    ? { type: "email_queued", actor: request.actor ?? "amends", message: `${capitalise(what)} is waiting to be e-mailed to ${maskEmail(to)}.` }
    : {
        type: "email_failed",
        actor: request.actor ?? "amends",
        message: `Not e-mailed: ${what} could not be sent because Shopify gave no e-mail address for this customer.`,
      };
  try {
    const [row] = await db.$transaction([
      db.outgoingMessage.create({
        data: {
          shop: request.shop,
          incidentId: request.incidentId,
          key,
          kind: request.kind,
          to,
          locale,
          subject: email.subject,
          html: email.html,
          text: email.text,
          ...(to ? {} : { status: "failed", lastError: "no e-mail address for the customer" }),
        },
      }),
      db.incidentEvent.create({
        data: { incidentId: request.incidentId, ...event, data: { key, kind: request.kind, language } },
      }),
    ]);
    return enqueued(row, true);
  } catch (error) {
    // The same message stored a moment ago by another run.
    if (!isUniqueViolation(error)) throw error;
    return enqueued(await db.outgoingMessage.findUniqueOrThrow({ where: { key } }), false);
  }
}

function enqueued(row: OutgoingMessage, created: boolean): EnqueuedMessage {
  return { id: row.id, key: row.key, status: row.status as OutgoingStatus, created, to: row.to };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Claims up to `limit` due messages for this sender: pending ones whose time has come, ones
 * whose sender's lease ran out (it crashed mid-send), and with `includeHeld` those held while
 * e-mail was off. The claim is a conditional update, so two senders never take the same row.
 * Messages of shops that uninstalled Amends are not claimed: they wait, unsent, until the shop
 * installs Amends again or shop/redact erases them.
 */
export async function claimDueMessages(
  db: Database,
  args: { now: Date; leaseMs: number; limit: number; includeHeld: boolean },
): Promise<OutgoingMessage[]> {
  const statuses = args.includeHeld ? ["pending", "sending", "held"] : ["pending", "sending"];
  const due = await db.outgoingMessage.findMany({
    where: { status: { in: statuses }, nextAttemptAt: { lte: args.now }, ...notFromShops(await uninstalledShops(db)) },
    orderBy: { nextAttemptAt: "asc" },
    take: args.limit,
  });
  const claimed: OutgoingMessage[] = [];
  for (const row of due) {
    const leaseUntil = new Date(args.now.getTime() + args.leaseMs);
    const won = await db.outgoingMessage.updateMany({
      where: { id: row.id, status: row.status, attempts: row.attempts },
      data: { status: "sending", attempts: { increment: 1 }, nextAttemptAt: leaseUntil },
    });
    if (won.count === 1) claimed.push({ ...row, status: "sending", attempts: row.attempts + 1, nextAttemptAt: leaseUntil });
  }
  return claimed;
}

/** The pending messages that cannot go out (e-mail is off): held, each said once on its timeline. */
export async function holdDueMessages(
  db: Database,
  args: { now: Date; limit: number; event: (row: OutgoingMessage) => TimelineEntry },
): Promise<number> {
  const due = await db.outgoingMessage.findMany({
    where: { status: "pending", nextAttemptAt: { lte: args.now }, ...notFromShops(await uninstalledShops(db)) },
    orderBy: { nextAttemptAt: "asc" },
    take: args.limit,
  });
  let held = 0;
  for (const row of due) {
    const entry = args.event(row);
    const [moved] = await db.$transaction([
      db.outgoingMessage.updateMany({ where: { id: row.id, status: "pending" }, data: { status: "held", lastError: "e-mail is off" } }),
      db.incidentEvent.create({ data: { incidentId: row.incidentId, ...entry, data: { key: row.key } } }),
    ]);
    held += moved.count;
  }
  return held;
}

/** Records how an attempt ended, with its line on the timeline, in one transaction. */
export async function settleMessage(
  db: Database,
  row: OutgoingMessage,
  outcome:
    | { status: "sent"; at: Date; providerMessageId: string | null }
    | { status: "pending"; error: string; nextAttemptAt: Date }
    | { status: "failed"; error: string },
  event: TimelineEntry,
): Promise<void> {
  const data =
    outcome.status === "sent"
      ? { status: "sent", sentAt: outcome.at, providerMessageId: outcome.providerMessageId, lastError: null }
      : outcome.status === "pending"
        ? { status: "pending", lastError: outcome.error, nextAttemptAt: outcome.nextAttemptAt }
        : { status: "failed", lastError: outcome.error };
  await db.$transaction([
    db.outgoingMessage.update({ where: { id: row.id }, data }),
    db.incidentEvent.create({
      data: {
        incidentId: row.incidentId,
        type: event.type,
        actor: event.actor,
        message: event.message,
        data: { key: row.key, attempt: row.attempts, ...(outcome.status === "sent" ? { providerMessageId: outcome.providerMessageId } : { error: outcome.error }) },
      },
    }),
  ]);
}

export interface MessageSummary {
  id: string;
  kind: CustomerMessageKind;
  status: OutgoingStatus;
  /** Masked: the admin never shows the whole address. */
  to: string | null;
  subject: string;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  nextAttemptAt: Date;
}

export async function messagesForIncident(db: Database, incidentId: string): Promise<MessageSummary[]> {
  const rows = await db.outgoingMessage.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind as CustomerMessageKind,
    status: row.status as OutgoingStatus,
    to: row.to ? maskEmail(row.to) : null,
    subject: row.subject,
    attempts: row.attempts,
    lastError: row.lastError,
    sentAt: row.sentAt,
    nextAttemptAt: row.nextAttemptAt,
  }));
}

export interface CustomerHeard {
  /** True only when a mail server accepted one of our e-mails or a refund was made with
   * Shopify's customer notification on (Shopify sends that e-mail itself; Amends cannot see it
   * go). Nothing else counts as the customer told. */
  told: boolean;
  /** What the customer has heard, and what not yet, in the merchant's words. */
  lines: string[];
}

/** What the admin may say about the customer having heard from the store. */
export function customerContact(
  messages: MessageSummary[],
  remediations: { action: string; status: string; shopifyId: string | null }[],
): CustomerHeard {
  const lines: string[] = [];
  const about = (rows: MessageSummary[]) => rows.map((m) => MESSAGE_KIND_LABELS[m.kind] ?? m.kind).join(", ");
  const where = (status: OutgoingStatus[]) => messages.filter((m) => status.includes(m.status));
  const sent = where(["sent"]);
  const refundNotified = remediations.some((r) => r.action === "refund" && r.status === "succeeded" && r.shopifyId);
  for (const m of sent) lines.push(`The customer was e-mailed ${MESSAGE_KIND_LABELS[m.kind]} (${m.to ?? "no address"}).`);
  if (refundNotified) lines.push("Shopify sends the customer its own refund e-mail: the refund was made with customer notification on.");
  const waiting = where(["pending", "sending"]);
  if (waiting.length) lines.push(`Not sent yet, waiting to be e-mailed: ${about(waiting)}.`);
  const held = where(["held"]);
  if (held.length) lines.push(`Not sent: e-mail is off (SMTP_URL is not set), so ${about(held)} waits in the outbox.`);
  for (const m of where(["failed"])) lines.push(`Could not e-mail ${MESSAGE_KIND_LABELS[m.kind]}: ${m.lastError ?? "the mail server refused it"}.`);
  if (lines.length === 0) lines.push("Amends has not told the customer anything about this incident.");
  return { told: sent.length > 0 || refundNotified, lines };
}
