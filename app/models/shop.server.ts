// Per-shop settings, validated on read so a bad row cannot reach the detection rules.
import { z } from "zod";

import type { Database } from "../db.server";
import type { DetectionSettings } from "../incidents/model";
import { DEFAULT_DETECTION_SETTINGS } from "../incidents/model";
import type { RemediationPolicy } from "../remediation/policy";
import { defaultPolicyFor, parsePolicy } from "../remediation/policy";

export const detectionSettingsSchema = z.object({
  fulfilmentSlaBusinessDays: z.number().int().min(0).max(60),
  deliveryGraceDays: z.number().int().min(0).max(60),
  trackingSilenceDays: z.number().int().min(1).max(90),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
  timeZone: z.string().min(1),
  responseHours: z.number().int().min(1).max(24 * 14),
});

export async function ensureShop(db: Database, shop: string): Promise<void> {
  await db.shop.upsert({ where: { domain: shop }, create: { domain: shop }, update: {} });
}

export async function detectionSettings(db: Database, shop: string): Promise<DetectionSettings> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { detection: true, timeZone: true } });
  const stored = detectionSettingsSchema.partial().safeParse(row?.detection ?? {});
  return {
    ...DEFAULT_DETECTION_SETTINGS,
    timeZone: row?.timeZone ?? DEFAULT_DETECTION_SETTINGS.timeZone,
    ...(stored.success ? stored.data : {}),
  };
}

export interface ShopSettings {
  policy: RemediationPolicy;
  /** Set when the stored policy was invalid and the default was used instead. */
  policyProblem: string | null;
  currencyCode: string;
  timeZone: string;
}

export async function shopSettings(db: Database, shop: string): Promise<ShopSettings> {
  const row = await db.shop.findUnique({ where: { domain: shop } });
  const currencyCode = row?.currencyCode ?? "USD";
  const timeZone = row?.timeZone ?? "UTC";
  if (row?.policy === null || row?.policy === undefined) {
    return { policy: defaultPolicyFor(currencyCode), policyProblem: null, currencyCode, timeZone };
  }
  const parsed = parsePolicy(row.policy);
  if (parsed.success) return { policy: parsed.data, policyProblem: null, currencyCode, timeZone };
  const problem = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  return { policy: defaultPolicyFor(currencyCode), policyProblem: problem, currencyCode, timeZone };
}

export interface ShopProfile {
  name: string | null;
  currencyCode: string;
  timeZone: string;
  /** Shopify's primaryLocale ("en", "es-MX"); null until the shop's profile is stored. */
  primaryLocale: string | null;
  /** The shop's contact e-mail; null until the shop's profile is stored. */
  email: string | null;
}

/** The shop as its customers should hear of it. `primaryLocale` and `email` are read only if
 * the row has them (the shop-profile columns arrive with another change). */
export async function shopProfile(db: Database, shop: string): Promise<ShopProfile | null> {
  const row = await db.shop.findUnique({ where: { domain: shop } });
  if (!row) return null;
  const extra = row as Partial<Record<"primaryLocale" | "email", unknown>>;
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
  return {
    name: row.name,
    currencyCode: row.currencyCode,
    timeZone: row.timeZone,
    primaryLocale: text(extra.primaryLocale),
    email: text(extra.email),
  };
}

/** The resolution policy as the merchant wrote it; null when they have not. */
export async function storedResolutionPolicy(db: Database, shop: string): Promise<string | null> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { resolutionPolicy: true } });
  return row?.resolutionPolicy ?? null;
}
