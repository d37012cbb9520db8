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
  name: string;
  /** BCP 47, e.g. "es" or "en-GB"; null until the shop's profile is known. */
  primaryLocale: string | null;
  /** The shop's contact address, for replies; null until known. */
  email: string | null;
  timeZone: string;
  currencyCode: string;
}

/**
 * What customers see of the shop. `primaryLocale` and `email` are read defensively: the Shop
 * row gains them with the shop profile; until then they are null.
 */
export async function shopProfile(db: Database, shop: string): Promise<ShopProfile> {
  const row = (await db.shop.findUnique({ where: { domain: shop } })) as Record<string, unknown> | null;
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : null);
  return {
    name: text(row?.name) ?? shop.replace(/\.myshopify\.com$/, ""),
    primaryLocale: text(row?.primaryLocale),
    email: text(row?.email),
    timeZone: text(row?.timeZone) ?? "UTC",
    currencyCode: text(row?.currencyCode) ?? "USD",
  };
}
