// The shop's row: its profile as Shopify describes it (currency, zone, country, locale, name,
// contact e-mail) and its settings, validated on read so a bad row cannot reach the rules.
import { z } from "zod";

import type { Database } from "../db.server";
import type { DetectionSettings, ShopProfile } from "../incidents/model";
import { DEFAULT_DETECTION_SETTINGS } from "../incidents/model";
import type { RemediationPolicy } from "../remediation/policy";
import { defaultPolicyFor, parsePolicy } from "../remediation/policy";
import { queryRows, sql } from "./sql.server";

export const detectionSettingsSchema = z.object({
  fulfilmentSlaBusinessDays: z.number().int().min(0).max(60),
  deliveryGraceDays: z.number().int().min(0).max(60),
  trackingSilenceDays: z.number().int().min(1).max(90),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
  timeZone: z.string().min(1),
  responseHours: z.number().int().min(1).max(24 * 14),
});

/** The profile is not known yet: Amends has not read it from Shopify. */
export class UnknownShopProfile extends Error {
  override name = "UnknownShopProfile";
  constructor(readonly shop: string) {
    super(`The profile of ${shop} (currency, time zone) has not been read from Shopify yet`);
  }
}

function profileData(profile: Partial<ShopProfile>) {
  return {
    ...(profile.name !== undefined ? { name: profile.name } : {}),
    ...(profile.currencyCode !== undefined ? { currencyCode: profile.currencyCode } : {}),
    ...(profile.timeZone !== undefined ? { timeZone: profile.timeZone } : {}),
    ...(profile.country !== undefined ? { country: profile.country } : {}),
    ...(profile.primaryLocale !== undefined ? { primaryLocale: profile.primaryLocale } : {}),
    ...(profile.email !== undefined ? { email: profile.email } : {}),
  };
}

/** Stores what Shopify said about the shop; fields left out keep their stored value. */
export async function saveShopProfile(db: Database, shop: string, profile: Partial<ShopProfile>): Promise<void> {
  const data = profileData(profile);
  await db.shop.upsert({ where: { domain: shop }, create: { domain: shop, ...data }, update: data });
}

/** Installed, or installed again (afterAuth): the profile Shopify gave, and the shop is no
 * longer counted as uninstalled, so its orders are swept and remedied again. */
export async function recordInstall(db: Database, shop: string, profile: ShopProfile, now = new Date()): Promise<void> {
  const data = profileData(profile);
  const before = await installState(db, shop);
  await db.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, ...data },
    update: { ...data, uninstalledAt: null, ...(before?.uninstalledAt ? { reinstalledAt: now } : {}) },
  });
}

/** When the shop uninstalled Amends (null while installed) and when it last installed it again
 * (null if never); null for a shop Amends holds no row for. */
export async function installState(
  db: Database,
  shop: string,
): Promise<{ uninstalledAt: Date | null; reinstalledAt: Date | null } | null> {
  return db.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true, reinstalledAt: true } });
}

/** When the shop uninstalled Amends, or null while it is installed. */
export async function uninstalledAt(db: Database, shop: string): Promise<Date | null> {
  return (await installState(db, shop))?.uninstalledAt ?? null;
}

/**
 * Shops that uninstalled Amends and have not installed it again. Nothing is swept, remedied or
 * e-mailed for them: the merchant took Amends' access away (Shopify revokes its token), and
 * only Shopify's compliance requests are still acted on. The list stays short: shop/redact
 * erases the shop 48 hours after the uninstall.
 */
export async function uninstalledShops(db: Database): Promise<string[]> {
  const rows = await db.shop.findMany({ where: { uninstalledAt: { not: null } }, select: { domain: true } });
  return rows.map((row) => row.domain);
}

/** A where-clause part leaving out the given shops' rows (nothing when there are none). */
export function notFromShops(shops: readonly string[]): { shop?: { notIn: string[] } } {
  return shops.length > 0 ? { shop: { notIn: [...shops] } } : {};
}

/** The stored profile, or null while its currency or zone is unknown. */
export async function storedShopProfile(db: Database, shop: string): Promise<ShopProfile | null> {
  const row = await db.shop.findUnique({ where: { domain: shop } });
  return row ? profileOf(shop, row) : null;
}

function profileOf(
  shop: string,
  row: Pick<ShopRow, "name" | "currencyCode" | "timeZone" | "country" | "primaryLocale" | "email">,
): ShopProfile | null {
  if (!row.currencyCode || !row.timeZone) return null;
  return {
    name: row.name ?? shop,
    currencyCode: row.currencyCode,
    timeZone: row.timeZone,
    country: row.country,
    // Shopify always has one; a row stored before locales were read is written in English
    // until the next shop/update.
    primaryLocale: row.primaryLocale ?? "en",
    email: row.email,
  };
}

/** What dates shown to the merchant are written in: the shop's locale and zone. */
export async function shopClock(db: Database, shop: string): Promise<{ locale: string; timeZone: string }> {
  const profile = await storedShopProfile(db, shop);
  if (!profile) throw new UnknownShopProfile(shop);
  return { locale: profile.primaryLocale, timeZone: profile.timeZone };
}

/**
 * The shop's profile, read from Shopify once (`fetchProfile`) when Amends has not stored it:
 * a shop first heard of through a webhook, before its install finished. Never assumed.
 */
export async function ensureShop(
  db: Database,
  shop: string,
  fetchProfile: () => Promise<ShopProfile>,
): Promise<ShopProfile> {
  const stored = await storedShopProfile(db, shop);
  if (stored) return stored;
  const profile = await fetchProfile();
  await saveShopProfile(db, shop, profile);
  return profile;
}

/** The settings the detection rules read, in the shop's own time zone. Throws
 * UnknownShopProfile while the zone has not been read from Shopify. */
export async function detectionSettings(db: Database, shop: string): Promise<DetectionSettings> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { detection: true, timeZone: true } });
  if (!row?.timeZone) throw new UnknownShopProfile(shop);
  return settingsOf(row.detection, row.timeZone);
}

/** The stored part of the settings, made once: zod compiles a schema on its first parse. */
const storedDetectionSchema = detectionSettingsSchema.omit({ timeZone: true }).partial();

function settingsOf(detection: unknown, timeZone: string): DetectionSettings {
  const stored = storedDetectionSchema.safeParse(detection ?? {});
  return {
    ...DEFAULT_DETECTION_SETTINGS,
    ...(stored.success ? stored.data : {}),
    timeZone,
  };
}

export interface ShopSettings {
  policy: RemediationPolicy;
  /** Set when the stored policy was invalid and the default was used instead, or when its
   * amounts are in another currency than the shop's. */
  policyProblem: string | null;
  /** The shop's currency, zone and primary locale, as Shopify describes the shop. */
  currencyCode: string;
  timeZone: string;
  locale: string;
}

/**
 * The shop's policy and profile. A profile Amends has not stored yet is read from Shopify
 * through `fetchProfile` when given, and is an error otherwise: never assumed USD in UTC.
 */
export async function shopSettings(
  db: Database,
  shop: string,
  fetchProfile?: () => Promise<ShopProfile>,
): Promise<ShopSettings> {
  const profile = fetchProfile ? await ensureShop(db, shop, fetchProfile) : await storedShopProfile(db, shop);
  if (!profile) throw new UnknownShopProfile(shop);
  const { currencyCode, timeZone, primaryLocale: locale } = profile;
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { policy: true } });
  const base = { currencyCode, timeZone, locale };
  if (row?.policy === null || row?.policy === undefined) {
    return { policy: defaultPolicyFor(currencyCode), policyProblem: null, ...base };
  }
  const parsed = parsePolicy(row.policy);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    return { policy: defaultPolicyFor(currencyCode), policyProblem: problem, ...base };
  }
  // The shop changed currency since the policy was saved: its caps no longer compare with
  // the orders, so every incident waits for the merchant until the amounts are saved again.
  const problem =
    parsed.data.currencyCode === currencyCode
      ? null
      : `The policy's amounts are in ${parsed.data.currencyCode}, the shop's currency is ${currencyCode}: review them and save.`;
  return { policy: parsed.data, policyProblem: problem, ...base };
}

/** The resolution policy as the merchant wrote it; null when they have not. */
export async function storedResolutionPolicy(db: Database, shop: string): Promise<string | null> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { resolutionPolicy: true } });
  return row?.resolutionPolicy ?? null;
}

/** The shop as its customers meet it: its name (the domain's handle until Shopify has told us),
 * its language and its contact address (null until known). */
export interface CustomerFacingShop {
  name: string;
  primaryLocale: string | null;
  email: string | null;
}

export async function customerFacingShop(db: Database, shop: string): Promise<CustomerFacingShop> {
  const profile = await storedShopProfile(db, shop);
  return {
    // A shop whose name Shopify has not given yet is stored under its domain: show the handle.
    name: profile && profile.name !== shop ? profile.name : shop.replace(/\.myshopify\.com$/, ""),
    primaryLocale: profile?.primaryLocale ?? null,
    email: profile?.email ?? null,
  };
}

/**
 * Whether the shop installed Amends: its row exists (kept after an uninstall until shop/redact,
 * 48 hours on) or the install stored its session and the row is not written yet.
 */
export async function isInstalledShop(db: Database, shop: string): Promise<boolean> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { domain: true } });
  if (row) return true;
  return (await db.session.findFirst({ where: { shop }, select: { id: true } })) !== null;
}

/** A webhook named a shop that never installed Amends: nothing is created for it. */
export class NotInstalledShop extends Error {
  override name = "NotInstalledShop";
  constructor(readonly shop: string) {
    super(`${shop} has not installed Amends`);
  }
}

/**
 * The shop rows one batch of webhook deliveries reads, each read once: whether the shop
 * installed Amends, its install dates, its profile and its detection settings. Held for one
 * batch only (a merchant's settings change applies from the next batch, a fraction of a second
 * later); `forget` drops a shop whose row a delivery of the batch changed (shop/update,
 * app/uninstalled, compliance requests).
 */
export class ShopReads {
  private readonly rows = new Map<string, Promise<ShopRow | null>>();
  private readonly sessions = new Map<string, Promise<boolean>>();
  /** The settings read from each row held, validated once per row. */
  private readonly settings = new WeakMap<ShopRow, DetectionSettings>();

  constructor(private readonly db: Database) {}

  private row(shop: string): Promise<ShopRow | null> {
    let row = this.rows.get(shop);
    if (!row) {
      row = shopRow(this.db, shop);
      this.rows.set(shop, row);
      // A failed read is not kept: the next delivery asks again.
      row.catch(() => this.rows.delete(shop));
    }
    return row;
  }

  forget(shop: string): void {
    this.rows.delete(shop);
    this.sessions.delete(shop);
  }

  /** As installState. */
  async installState(shop: string): Promise<{ uninstalledAt: Date | null; reinstalledAt: Date | null } | null> {
    const row = await this.row(shop);
    return row ? { uninstalledAt: row.uninstalledAt, reinstalledAt: row.reinstalledAt } : null;
  }

  /** As isInstalledShop. */
  async isInstalled(shop: string): Promise<boolean> {
    if (await this.row(shop)) return true;
    let session = this.sessions.get(shop);
    if (!session) {
      session = this.db.session.findFirst({ where: { shop }, select: { id: true } }).then((found) => found !== null);
      this.sessions.set(shop, session);
      session.catch(() => this.sessions.delete(shop));
    }
    return session;
  }

  /** As ensureShop. */
  async ensureProfile(shop: string, fetchProfile: () => Promise<ShopProfile>): Promise<ShopProfile> {
    const row = await this.row(shop);
    const stored = row ? profileOf(shop, row) : null;
    if (stored) return stored;
    const profile = await fetchProfile();
    await saveShopProfile(this.db, shop, profile);
    this.forget(shop);
    return profile;
  }

  /** As detectionSettings. */
  async detectionSettings(shop: string): Promise<DetectionSettings> {
    const row = await this.row(shop);
    if (!row?.timeZone) throw new UnknownShopProfile(shop);
    let settings = this.settings.get(row);
    if (!settings) {
      settings = settingsOf(row.detection, row.timeZone);
      this.settings.set(row, settings);
    }
    // A copy: a handler that adjusts what it was given does not change its batch-mates' view.
    return { ...settings };
  }
}

/** The shop's row as ShopReads holds it. Plain SQL (sql.server.ts): read for each shop in each
 * batch the processor takes, and Prisma's query compile cost more than the read. */
async function shopRow(db: Database, shop: string): Promise<ShopRow | null> {
  const rows = await queryRows(
    db,
    sql`SELECT "domain", "name", "currencyCode", "timeZone", "country", "primaryLocale", "email", "detection", "uninstalledAt", "reinstalledAt"
    FROM "Shop" WHERE "domain" = ${shop}`,
    { detection: "json", uninstalledAt: "date", reinstalledAt: "date" },
  );
  return (rows[0] as ShopRow | undefined) ?? null;
}

type ShopRow = {
  domain: string;
  name: string | null;
  currencyCode: string | null;
  timeZone: string | null;
  country: string | null;
  primaryLocale: string | null;
  email: string | null;
  detection: unknown;
  uninstalledAt: Date | null;
  reinstalledAt: Date | null;
};
