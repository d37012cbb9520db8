// What erasing one customer's personal data takes, as plain functions: which stored webhook
// bodies are theirs, which values in them are personal, and text and JSON with those values
// blanked. No database here (compliance.server.ts does the reading and writing).

export const REDACTED = "[redacted]";

/** What a stored webhook body is recognised by as the customer's. */
export interface CustomerKeys {
  /** Shopify's numeric customer ids (as text: they exceed 2^53). */
  customerIds: string[];
  /** Numeric ids of the customer's orders: fulfilments, carrier events and refunds name only these. */
  orderIds: string[];
  emails: string[];
  phones: string[];
}

/** "gid://shopify/Order/123" → "123"; a numeric id stays as it is. */
export function numericId(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}

function escape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether a raw webhook body mentions the customer: their e-mail or phone as a whole (not
 * inside bigjohn@example.com), or their customer or order id as a JSON value or at the end of a
 * GID (a whole number: 2091 does not match 820982911946154508, nor a date or a price). */
export function mentionsCustomer(body: string, keys: CustomerKeys): boolean {
  const contacts = [...keys.emails, ...keys.phones].filter((v) => v.trim() !== "").map(escape);
  if (
    contacts.length > 0 &&
    new RegExp(`(?<![\\w.+-])(?:${contacts.join("|")})(?![\\w-])`, "i").test(body)
  ) {
    return true;
  }
  const ids = [...keys.customerIds, ...keys.orderIds].filter((id) => /^\d+$/.test(id));
  return (
    ids.length > 0 &&
    new RegExp(`(?:[:,[]\\s*"?|/)(?:${ids.join("|")})(?="|\\s*[,\\]}])`).test(body)
  );
}

// Fields of Shopify's REST payloads (and of Amends' own order copies) that hold a person's
// name, contact or address. `name` counts only inside an address or customer, where it is the
// person's (elsewhere it is an order's or a product's).
const PERSONAL_FIELDS = new Set([
  "first_name",
  "last_name",
  "firstName",
  "lastName",
  "email",
  "contact_email",
  "phone",
  "address1",
  "address2",
  "city",
  "zip",
  "company",
]);
const PERSON_MARKERS = ["first_name", "last_name", "address1", "firstName"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every personal value in a payload or order copy: names, e-mails, phones, addresses. */
export function personalValues(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) personalValues(item, into);
  } else if (isObject(value)) {
    const person = PERSON_MARKERS.some((key) => key in value);
    for (const [key, field] of Object.entries(value)) {
      if (typeof field === "string" && (PERSONAL_FIELDS.has(key) || (person && key === "name"))) {
        addValue(into, field);
      } else if (typeof field === "object") {
        personalValues(field, into);
      }
    }
  }
  return into;
}

/** Adds a value to erase, and a full name's parts. One-letter values are left: blanking every
 * "A" would make the merchant's records unreadable and protect no one. */
export function addValue(into: Set<string>, value: string | null | undefined): void {
  const trimmed = value?.trim() ?? "";
  if (trimmed.length < 2) return;
  into.add(trimmed);
}

export interface Redactor {
  text(value: string): string;
  json<T>(value: T): T;
}

// JSON fields whose values are Amends' or Shopify's vocabulary, never a person's words: left
// as they are, so a customer called Staff or living in Success (Arkansas) does not turn a
// cancel reason or a fulfilment status into "[redacted]".
const VOCABULARY = new Set([
  "status",
  "shipmentStatus",
  "cancelReason",
  "kind",
  "type",
  "action",
  "outcome",
  "trigger",
  "from",
  "to",
  "currencyCode",
  "reportedBy",
  "responsibleParty",
  "rootCause",
  "template",
]);

/** Blanks each value where it stands as a whole word (any case, any script): "Ana" goes from
 * "Dear Ana," but "Banana" stays. */
export function redactor(values: Iterable<string>): Redactor {
  const list = [...new Set(values)].sort((a, b) => b.length - a.length).map(escape);
  const pattern = list.length
    ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${list.join("|")})(?![\\p{L}\\p{N}])`, "giu")
    : null;
  const text = (value: string) => (pattern ? value.replace(pattern, REDACTED) : value);
  const json = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(json);
    if (isObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          VOCABULARY.has(k) && typeof v === "string" ? v : json(v),
        ]),
      );
    }
    return value;
  };
  return { text, json: <T>(value: T) => json(value) as T };
}
