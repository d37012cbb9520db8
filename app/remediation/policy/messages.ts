// Apology message templates. Merchants edit them in settings, so a template is parsed and
// checked up front (validateTemplate) and rendering never guesses at a typo'd placeholder.
//
// Syntax: {{name}} inserts a value; {{#name}}…{{/name}} keeps its text only when the value is
// present, so one template works whether or not the plan includes, say, a discount code.
import type { IncidentKind } from "../../incidents/model";
import { formatMoney } from "./money";
import type { PlannedRemedy, PricedLine } from "./types";

export const PLACEHOLDERS = [
  "customer_first_name",
  "order_name",
  "remedy",
  "code",
  "expiry",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface MessageValues {
  /** Missing or blank: "there" ("Hi there,"). */
  customer_first_name?: string | null;
  order_name: string;
  /** describeRemedies(...); empty when the plan is a message only. */
  remedy: string;
  /** The discount code, once created. */
  code?: string | null;
  /** The code's expiry as the customer should read it (see formatExpiry). */
  expiry?: string | null;
}

const FIRST_NAME_FALLBACK = "there";

type Node =
  | { type: "text"; text: string }
  | { type: "value"; name: Placeholder }
  | { type: "section"; name: Placeholder; children: Node[] };

const TAG = /\{\{\s*([#/]?)\s*([^{}]*?)\s*\}\}/g;

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

const AVAILABLE = `Use ${PLACEHOLDERS.slice(0, -1)
  .map((p) => `{{${p}}}`)
  .join(", ")} or {{${PLACEHOLDERS[PLACEHOLDERS.length - 1]}}}.`;

/** Parses a template into nodes, or the first problem in the merchant's words. */
function parse(template: string): { nodes: Node[] } | { problem: string } {
  if (template.trim() === "") return { problem: "Enter a message." };
  const root: Node[] = [];
  const stack: { name: Placeholder; children: Node[] }[] = [];
  const unknown: string[] = [];
  const current = () => stack[stack.length - 1]?.children ?? root;
  const text = (value: string): string | null => {
    if (value.includes("{{") || value.includes("}}")) return value;
    if (value) current().push({ type: "text", text: value });
    return null;
  };

  let last = 0;
  for (const match of template.matchAll(TAG)) {
    const stray = text(template.slice(last, match.index));
    if (stray !== null) return { problem: `Unmatched braces in "${stray.trim()}".` };
    last = match.index + match[0].length;
    const [, marker = "", name = ""] = match;
    if (!isPlaceholder(name)) {
      if (!unknown.includes(`{{${name}}}`)) unknown.push(`{{${name}}}`);
      continue;
    }
    if (marker === "#") {
      const section: Node = { type: "section", name, children: [] };
      current().push(section);
      stack.push(section);
    } else if (marker === "/") {
      const open = stack.pop();
      if (!open) return { problem: `{{/${name}}} closes a section that was never opened.` };
      if (open.name !== name) {
        return {
          problem: `{{/${name}}} closes {{#${open.name}}}; close it with {{/${open.name}}}.`,
        };
      }
    } else {
      current().push({ type: "value", name });
    }
  }
  const stray = text(template.slice(last));
  if (stray !== null) return { problem: `Unmatched braces in "${stray.trim()}".` };
  if (unknown.length > 0) {
    const label = unknown.length === 1 ? "Unknown placeholder" : "Unknown placeholders";
    return { problem: `${label} ${unknown.join(", ")}. ${AVAILABLE}` };
  }
  const open = stack[stack.length - 1];
  if (open) return { problem: `{{#${open.name}}} is never closed with {{/${open.name}}}.` };
  return { nodes: root };
}

/** null when the template is usable, else a message for the settings field. */
export function validateTemplate(template: string): string | null {
  const parsed = parse(template);
  return "problem" in parsed ? parsed.problem : null;
}

export class TemplateError extends Error {
  override name = "TemplateError";
}

function valueOf(values: MessageValues, name: Placeholder): string | null {
  const raw = values[name];
  const value = raw?.trim() ? raw.trim() : null;
  return name === "customer_first_name" ? (value ?? FIRST_NAME_FALLBACK) : value;
}

/**
 * Fills a template. Throws TemplateError for an invalid template, or for a value the template
 * needs outside a {{#…}} section that was not given (sending "Use code  by ." is worse than not
 * sending: the caller can fall back to the default template).
 */
export function renderMessage(template: string, values: MessageValues): string {
  const parsed = parse(template);
  if ("problem" in parsed) throw new TemplateError(parsed.problem);
  const missing = new Set<string>();
  const render = (nodes: Node[]): string =>
    nodes
      .map((node) => {
        if (node.type === "text") return node.text;
        const value = valueOf(values, node.name);
        if (node.type === "section") return value === null ? "" : render(node.children);
        if (value === null) missing.add(`{{${node.name}}}`);
        return value ?? "";
      })
      .join("");
  const message = render(parsed.nodes);
  if (missing.size > 0) {
    throw new TemplateError(
      `No value for ${[...missing].join(", ")}: give one, or wrap it in a {{#…}}…{{/…}} section.`,
    );
  }
  return message;
}

// ---------------------------------------------------------------------------------------------
// Describing remedies for {{remedy}}

// English and Spanish phrases (the languages customer e-mails are written in); the locale
// formats amounts, percentages and dates. Any other locale gets English phrases and lists, since
// an English sentence with a French "et" reads worse than either.
function spanish(locale: string): boolean {
  return locale.toLowerCase().startsWith("es");
}

function listLocale(locale: string): string {
  return locale.toLowerCase().startsWith("en") || spanish(locale) ? locale : "en";
}

function list(items: string[], locale: string): string {
  return new Intl.ListFormat(listLocale(locale), { type: "conjunction" }).format(items);
}

function items(lines: PricedLine[], locale: string): string[] {
  const count = new Intl.NumberFormat(locale);
  return lines.map((line) => `${count.format(line.quantity)} × ${line.title}`);
}

/** "an 8% discount code", "an 11% …", "a 10% …": the article follows how the number is said. */
function article(spoken: string): string {
  const digits = /^\d+/.exec(spoken)?.[0] ?? "";
  const an =
    digits.startsWith("8") ||
    ((digits.startsWith("11") || digits.startsWith("18")) && digits.length % 3 === 2);
  return an ? "an" : "a";
}

/** One phrase per remedy the customer gets; a message-only plan describes as "". */
export function describeRemedy(remedy: PlannedRemedy, locale: string): string | null {
  const es = spanish(locale);
  switch (remedy.type) {
    case "refund": {
      const what = items(remedy.lines, locale);
      if (remedy.includeShipping) what.push(es ? "el envío" : "shipping");
      const amount = formatMoney(remedy.amount, locale);
      return es
        ? `un reembolso de ${amount} por ${list(what, locale)}`
        : `a refund of ${amount} for ${list(what, locale)}`;
    }
    case "discount_code": {
      if ("percentage" in remedy.value) {
        const percent = new Intl.NumberFormat(locale, {
          style: "percent",
          maximumFractionDigits: 2,
        }).format(remedy.value.percentage / 100);
        return es ? `un código de descuento del ${percent}` : `${article(percent)} ${percent} discount code`;
      }
      const worth = formatMoney(remedy.value.fixedAmount, locale);
      return es ? `un código de descuento de ${worth}` : `a discount code worth ${worth}`;
    }
    case "replacement": {
      const what = list(items(remedy.lines, locale), locale);
      const order = remedy.orderName ? (es ? ` (pedido ${remedy.orderName})` : ` (order ${remedy.orderName})`) : "";
      return es ? `el envío de un reemplazo de ${what}${order}` : `a replacement for ${what}${order}`;
    }
    case "cancel":
      return es
        ? `la cancelación de ${list(items(remedy.lines, locale), locale)}`
        : `the cancellation of ${list(items(remedy.lines, locale), locale)}`;
    case "return": {
      const what = list(items(remedy.lines, locale), locale);
      return es ? `la devolución de ${what} (nos lo puedes enviar de vuelta)` : `a return for ${what}, so you can send it back to us`;
    }
    case "message":
      return null;
  }
}

/** "a refund of $12.00 for 1 × Blue Mug and a 10% discount code". */
export function describeRemedies(remedies: PlannedRemedy[], locale: string): string {
  const phrases = remedies
    .map((remedy) => describeRemedy(remedy, locale))
    .filter((phrase): phrase is string => phrase !== null);
  return phrases.length > 0 ? list(phrases, locale) : "";
}

/** "April 8, 2024" for en-US: the day the code stops working, in the shop's zone. */
export function formatExpiry(expiresAt: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone }).format(
    new Date(expiresAt),
  );
}

/** The values for a decided plan; code is known only once the executor has created it. */
export function messageValues(args: {
  remedies: PlannedRemedy[];
  orderName: string;
  customerFirstName: string | null;
  code: string | null;
  locale: string;
  timeZone: string;
}): MessageValues {
  const discount = args.remedies.find((r) => r.type === "discount_code");
  return {
    customer_first_name: args.customerFirstName,
    order_name: args.orderName,
    remedy: describeRemedies(args.remedies, args.locale),
    code: args.code,
    expiry:
      args.code && discount ? formatExpiry(discount.expiresAt, args.locale, args.timeZone) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Default templates

const SIGN_OFF = "\n\nThank you for your patience,\nThe team";
const OFFER = "{{#remedy}} To make up for it, we've arranged {{remedy}}.{{/remedy}}";
const CODE =
  "{{#code}} Your code is {{code}}{{#expiry}}, valid until {{expiry}}{{/expiry}}.{{/code}}";

export const DEFAULT_MESSAGE_TEMPLATES: Readonly<Record<IncidentKind, string>> = {
  stock_out_cancellation: `Hi {{customer_first_name}},\n\nWe're sorry: part of your order {{order_name}} sold out before we could send it.${OFFER}${CODE}${SIGN_OFF}`,
  oversell_risk: `Hi {{customer_first_name}},\n\nA heads-up about your order {{order_name}}: one of the items may take longer than expected to reach you. We'll keep you posted.${OFFER}${SIGN_OFF}`,
  late_fulfilment: `Hi {{customer_first_name}},\n\nWe're sorry your order {{order_name}} hasn't shipped yet. It's our priority and we'll send tracking as soon as it's on its way.${OFFER}${CODE}${SIGN_OFF}`,
  late_delivery: `Hi {{customer_first_name}},\n\nWe're sorry your order {{order_name}} is taking longer than expected to arrive.${OFFER}${CODE}${SIGN_OFF}`,
  possibly_lost: `Hi {{customer_first_name}},\n\nThe tracking for your order {{order_name}} hasn't updated for a while. We're checking with the carrier and will let you know what we find.${OFFER}${SIGN_OFF}`,
  carrier_exception: `Hi {{customer_first_name}},\n\nThe carrier reported a problem delivering your order {{order_name}}. We're on it and will keep you updated.${OFFER}${CODE}${SIGN_OFF}`,
  wrong_item: `Hi {{customer_first_name}},\n\nWe're sorry we sent the wrong item in your order {{order_name}}.${OFFER}${CODE}${SIGN_OFF}`,
  wrong_quantity: `Hi {{customer_first_name}},\n\nWe're sorry your order {{order_name}} arrived with the wrong quantity.${OFFER}${CODE}${SIGN_OFF}`,
  missing_item: `Hi {{customer_first_name}},\n\nWe're sorry an item was missing from your order {{order_name}}.${OFFER}${CODE}${SIGN_OFF}`,
  damaged: `Hi {{customer_first_name}},\n\nWe're sorry part of your order {{order_name}} arrived damaged.${OFFER}${CODE}${SIGN_OFF}`,
  lost: `Hi {{customer_first_name}},\n\nWe're sorry your order {{order_name}} was lost on its way to you.${OFFER}${CODE}${SIGN_OFF}`,
  wrong_address: `Hi {{customer_first_name}},\n\nYour order {{order_name}} couldn't be delivered to the address we have. Please reply with the correct address and we'll sort it out.${OFFER}${SIGN_OFF}`,
  other: `Hi {{customer_first_name}},\n\nThank you for telling us about the problem with your order {{order_name}}.${OFFER}${CODE}${SIGN_OFF}`,
};

/** The merchant's template for the kind, or the default. */
export function templateFor(kind: IncidentKind, custom: string | null | undefined): string {
  return custom ?? DEFAULT_MESSAGE_TEMPLATES[kind];
}
