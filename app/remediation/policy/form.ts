// The settings form and the remediation policy. The page posts flat, named fields
// ("kinds.late_delivery.discountValue"); policyFromForm turns them into a policy checked by the
// policy's own zod schema, with every problem keyed by the field the merchant has to fix.
// Plain data only (no Remix, no Prisma): the page imports the field names from here too.
import type { z } from "zod";

import type { DetectionSettings, IncidentKind } from "../../incidents/model";
import { INCIDENT_KINDS } from "../../incidents/model";
import { EMAIL_LANGUAGES, SHOP_WIDE_MESSAGE_KINDS, defaultShopWideTemplate } from "./emails";
import { DEFAULT_MESSAGE_TEMPLATES } from "./messages";
import type {
  AbuseThresholds,
  KindPolicy,
  RemediationCaps,
  RemediationPolicy,
  RemedyTemplate,
} from "./schema";
import type { ShippingRefund } from "./schema";
import { remediationPolicySchema } from "./schema";

/** Field name → what is wrong with it, in the merchant's words. */
export type FieldErrors = Record<string, string>;
/** Field name → its text, as the form shows and posts it. */
export type FormValues = Record<string, string>;
export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** FormData or URLSearchParams. */
export interface FormFields {
  get(name: string): FormDataEntryValue | null;
}

/** What a ticked checkbox posts; an unticked one posts nothing. */
export const CHECKED = "on";

export type KindField =
  | "mode"
  | "message"
  | "refund"
  | "refundShipping"
  | "replacement"
  | "return"
  | "cancel"
  | "discount"
  | "discountType"
  | "discountValue"
  | "discountExpiresInDays"
  | "minDaysLate"
  | "messageTemplate"
  /** Errors only: a problem with the remedies together (refund and replacement). */
  | "remedies";

export const kindField = (kind: IncidentKind, field: KindField) => `kinds.${kind}.${field}`;
export const capField = (cap: keyof RemediationCaps) => `caps.${cap}`;
export const abuseField = (threshold: keyof AbuseThresholds) => `abuse.${threshold}`;
/** The shop-wide e-mails' texts ("we received your report", "approved", "resolved"). */
export const messageField = (kind: (typeof SHOP_WIDE_MESSAGE_KINDS)[number]) => `messages.${kind}`;

/** The detection settings the page edits: all but the time zone, which is the shop's own. */
export type EditableDetectionSettings = Omit<DetectionSettings, "timeZone">;
export const DETECTION_FIELDS = [
  "fulfilmentSlaBusinessDays",
  "deliveryGraceDays",
  "trackingSilenceDays",
  "holidays",
  "responseHours",
] as const satisfies readonly (keyof EditableDetectionSettings)[];
export const detectionField = (setting: keyof EditableDetectionSettings) => `detection.${setting}`;

/** Only late deliveries know how late they are (the evidence's daysOverdue). */
export const KINDS_WITH_DAYS_LATE: readonly IncidentKind[] = ["late_delivery"];

// What a discount code starts at when the merchant ticks it for a kind that had none.
const NEW_DISCOUNT = { percentage: "10", expiresInDays: "30" };

// ---------------------------------------------------------------------------------------------
// Policy → form

export function policyToFormValues(policy: RemediationPolicy): FormValues {
  const values: FormValues = {};
  const tick = (on: boolean) => (on ? CHECKED : "");
  for (const kind of INCIDENT_KINDS) {
    const set = (field: KindField, value: string) => (values[kindField(kind, field)] = value);
    const kindPolicy = policy.kinds[kind];
    const remedies = kindPolicy?.remedies ?? [];
    const find = <T extends RemedyTemplate["type"]>(type: T) =>
      remedies.find((r): r is Extract<RemedyTemplate, { type: T }> => r.type === type);
    const refund = find("refund");
    const discount = find("discount_code");
    set("mode", kindPolicy?.mode ?? "manual");
    set("message", tick(Boolean(find("message"))));
    set("refund", tick(Boolean(refund)));
    set("refundShipping", refund?.includeShipping ?? "whole_order");
    set("replacement", tick(Boolean(find("replacement"))));
    set("return", tick(Boolean(find("return"))));
    set("cancel", tick(Boolean(find("cancel"))));
    set("discount", tick(Boolean(discount)));
    set("discountType", discount && "fixedAmount" in discount.value ? "fixedAmount" : "percentage");
    set(
      "discountValue",
      discount
        ? "fixedAmount" in discount.value
          ? discount.value.fixedAmount
          : String(discount.value.percentage)
        : NEW_DISCOUNT.percentage,
    );
    set(
      "discountExpiresInDays",
      discount ? String(discount.expiresInDays) : NEW_DISCOUNT.expiresInDays,
    );
    set("minDaysLate", kindPolicy?.conditions.minDaysLate?.toString() ?? "");
    set("messageTemplate", kindPolicy?.messageTemplate ?? "");
  }
  for (const [cap, value] of Object.entries(policy.caps)) values[`caps.${cap}`] = value ?? "";
  for (const kind of SHOP_WIDE_MESSAGE_KINDS) values[messageField(kind)] = policy.messages?.[kind] ?? "";
  for (const [threshold, value] of Object.entries(policy.abuse)) {
    values[`abuse.${threshold}`] = String(value);
  }
  return values;
}

export function detectionToFormValues(settings: EditableDetectionSettings): FormValues {
  return Object.fromEntries(
    DETECTION_FIELDS.map((setting) => {
      const value = settings[setting];
      return [detectionField(setting), Array.isArray(value) ? value.join("\n") : String(value)];
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Form → policy

/** Plain words for zod's own messages; the schemas' custom messages take precedence. */
export function fieldMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.expected === "int") return "Enter a whole number";
      if (issue.expected === "number") return "Enter a number";
      return undefined;
    case "too_small":
      if (issue.origin !== "number") return undefined;
      return issue.inclusive
        ? `Enter ${String(issue.minimum)} or more`
        : `Enter more than ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin !== "number") return undefined;
      return issue.inclusive
        ? `Enter ${String(issue.maximum)} or less`
        : `Enter less than ${String(issue.maximum)}`;
    case "invalid_value":
      return "Choose one of the options";
    case "invalid_format":
      return "Check the format";
    default:
      return undefined;
  }
}

/** The first problem for each field (one message per input is what the page can show). */
export function issuesToErrors(
  issues: readonly z.core.$ZodIssue[],
  fieldFor: (path: readonly PropertyKey[]) => string,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) errors[fieldFor(issue.path)] ??= issue.message;
  return errors;
}

/** Reads text fields and numbers, noting the ones that are not numbers. */
function reader(form: FormFields) {
  const errors: FieldErrors = {};
  const raw = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const text = (name: string) => raw(name).trim();
  /** NaN (refused by the schema) when the text is not a number; undefined when empty. */
  const number = (name: string): number | undefined => {
    const value = text(name);
    if (value === "") return undefined;
    if (!/^-?\d+(\.\d+)?$/.test(value)) {
      errors[name] = "Enter a number";
      return Number.NaN;
    }
    return Number(value);
  };
  const required = (name: string): number => {
    const value = number(name);
    if (value === undefined) errors[name] = "Enter a number";
    return value ?? Number.NaN;
  };
  return { errors, raw, text, number, required, ticked: (name: string) => raw(name) === CHECKED };
}

function isKind(value: unknown): value is IncidentKind {
  return INCIDENT_KINDS.some((kind) => kind === value);
}

/** The order remedies were stored in is kept (it is the order the customer reads them in). */
const REMEDY_ORDER: readonly RemedyTemplate["type"][] = [
  "message",
  "refund",
  "replacement",
  "return",
  "cancel",
  "discount_code",
];

/**
 * The policy the form describes. `current` is the stored policy: its currency and each kind's
 * alternatives, which the page does not edit, are kept; so is a kind it leaves out (no
 * remediation at all) unless the merchant now gives that kind something to do.
 */
export function policyFromForm(
  form: FormFields,
  current: RemediationPolicy,
): FormResult<RemediationPolicy> {
  const read = reader(form);
  // Built loosely: the schema below is what decides whether it is a policy.
  const kinds: Partial<Record<IncidentKind, Omit<KindPolicy, "mode"> & { mode: string }>> = {};
  for (const kind of INCIDENT_KINDS) {
    const name = (field: KindField) => kindField(kind, field);
    const stored = current.kinds[kind];
    const chosen: RemedyTemplate[] = [];
    if (read.ticked(name("message"))) chosen.push({ type: "message" });
    if (read.ticked(name("refund"))) {
      chosen.push({
        type: "refund",
        scope: "affected_items",
        // One of SHIPPING_REFUNDS from the select; the schema below refuses anything else.
        includeShipping: read.text(name("refundShipping")) as ShippingRefund,
      });
    }
    if (read.ticked(name("replacement"))) chosen.push({ type: "replacement" });
    if (read.ticked(name("return"))) chosen.push({ type: "return" });
    if (read.ticked(name("cancel"))) chosen.push({ type: "cancel" });
    if (read.ticked(name("discount"))) {
      chosen.push({
        type: "discount_code",
        value:
          read.text(name("discountType")) === "fixedAmount"
            ? { fixedAmount: read.text(name("discountValue")) }
            : { percentage: read.required(name("discountValue")) },
        expiresInDays: read.required(name("discountExpiresInDays")),
      });
    }
    const storedOrder = (stored?.remedies ?? []).map((r) => r.type);
    const rank = (r: RemedyTemplate) => {
      const at = storedOrder.indexOf(r.type);
      return at === -1 ? storedOrder.length + REMEDY_ORDER.indexOf(r.type) : at;
    };
    const remedies = chosen.sort((a, b) => rank(a) - rank(b));

    // Browsers post textarea line breaks as CRLF; the customer's message uses plain newlines.
    const template = read.raw(name("messageTemplate")).replace(/\r\n?/g, "\n").trim();
    // The default, unedited, is stored as "use the default" so it follows later improvements.
    const messageTemplate =
      template === "" || template === DEFAULT_MESSAGE_TEMPLATES[kind] ? null : template;
    const mode = read.text(name("mode"));

    let conditions = stored?.conditions ?? {};
    if (KINDS_WITH_DAYS_LATE.includes(kind)) {
      const minDaysLate = read.number(name("minDaysLate"));
      conditions = minDaysLate === undefined ? {} : { minDaysLate };
    }
    const untouched = remedies.length === 0 && messageTemplate === null && mode !== "automatic";
    if (!stored && untouched) continue;
    kinds[kind] = {
      mode,
      remedies,
      alternatives: stored?.alternatives ?? [],
      conditions,
      messageTemplate,
    };
  }

  const amountOrNull = (name: string) => read.text(name) || null;
  // Left empty, or the default as shown: the default in the customer's language is used.
  const messages = Object.fromEntries(
    SHOP_WIDE_MESSAGE_KINDS.flatMap((kind) => {
      const template = read.raw(messageField(kind)).replace(/\r\n?/g, "\n").trim();
      const isDefault = EMAIL_LANGUAGES.some((language) => template === defaultShopWideTemplate(kind, language));
      return template === "" || isDefault ? [] : [[kind, template]];
    }),
  );
  const candidate = {
    currencyCode: current.currencyCode,
    kinds,
    caps: {
      maxPerIncident: amountOrNull(capField("maxPerIncident")),
      maxPerCustomer12Months: amountOrNull(capField("maxPerCustomer12Months")),
      maxPerDayStoreWide: amountOrNull(capField("maxPerDayStoreWide")),
    },
    abuse: {
      incidentsLast12Months: read.required(abuseField("incidentsLast12Months")),
      refundedLast12Months: read.text(abuseField("refundedLast12Months")),
      refundRatePercent: read.required(abuseField("refundRatePercent")),
      refundRateMinRefunded: read.text(abuseField("refundRateMinRefunded")),
      firstOrderClaimValue: read.text(abuseField("firstOrderClaimValue")),
    },
    ...(Object.keys(messages).length > 0 ? { messages } : {}),
  };

  const parsed = remediationPolicySchema.safeParse(candidate, { error: fieldMessage });
  const errors = {
    ...issuesToErrors(parsed.error?.issues ?? [], (path) => policyField(path, kinds)),
    // "Enter a number" says more than what the schema makes of NaN.
    ...read.errors,
  };
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

/** The form field a policy path belongs to. */
function policyField(
  path: readonly PropertyKey[],
  kinds: Partial<Record<IncidentKind, { remedies: RemedyTemplate[] }>>,
): string {
  const [section, key, field, index, detail] = path;
  if (section === "kinds" && isKind(key)) {
    if (field === "remedies") {
      const remedy = typeof index === "number" ? kinds[key]?.remedies[index] : undefined;
      if (remedy?.type === "discount_code") {
        return kindField(
          key,
          detail === "expiresInDays" ? "discountExpiresInDays" : "discountValue",
        );
      }
      return kindField(key, "remedies");
    }
    if (field === "conditions") return kindField(key, "minDaysLate");
    if (field === "mode" || field === "messageTemplate") return kindField(key, field);
    // Alternatives are not on the page; they were valid when stored.
    return kindField(key, "remedies");
  }
  if ((section === "caps" || section === "abuse" || section === "messages") && typeof key === "string") {
    return `${section}.${key}`;
  }
  return "form";
}

/**
 * The detection settings as posted, for the detection schema to check (it lives with the shop
 * model). Numbers that are not numbers and dates that are not dates are reported here.
 */
export function detectionFromForm(form: FormFields): {
  input: Record<(typeof DETECTION_FIELDS)[number], unknown>;
  errors: FieldErrors;
} {
  const read = reader(form);
  const holidaysField = detectionField("holidays");
  const holidays = [
    ...new Set(
      read
        .text(holidaysField)
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  ];
  const notADate = holidays.find((day) => !isCalendarDate(day));
  if (notADate) read.errors[holidaysField] = `"${notADate}" is not a date: use YYYY-MM-DD`;
  return {
    input: {
      fulfilmentSlaBusinessDays: read.required(detectionField("fulfilmentSlaBusinessDays")),
      deliveryGraceDays: read.required(detectionField("deliveryGraceDays")),
      trackingSilenceDays: read.required(detectionField("trackingSilenceDays")),
      holidays,
      responseHours: read.required(detectionField("responseHours")),
    },
    errors: read.errors,
  };
}

function isCalendarDate(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
}
