// The start-up most browser tests share: an installed Spanish shop in Madrid (Amends holds its
// profile, as afterAuth leaves it), anything the test seeds, then the production build in demo
// mode for that shop and a Chromium. Registers the file's beforeAll and afterAll.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";

import type { Database } from "../../app/db.server";
import { createDatabase } from "../../app/db.server";
import type { RunningAdmin } from "./app-server";
import { startAdmin } from "./app-server";

/** A euro shop in Madrid that writes Spanish: nothing here may assume USD, UTC or English. */
export const LANA_Y_LINO = { name: "Lana y Lino", currencyCode: "EUR", timeZone: "Europe/Madrid", country: "ES", primaryLocale: "es" } as const;

export interface DemoAdminOptions {
  /** Writes what the test needs into the database before the server starts. */
  seed?: (db: Database, url: string) => Promise<void>;
  /** With the app's background worker. */
  worker?: boolean;
  /** false: not in demo mode, as inside Shopify admin (every request needs a session token). */
  demo?: boolean;
}

/** The running demo admin for `shop`, available inside the file's tests. */
export function demoAdminFor(shop: string, { seed, worker = false, demo = true }: DemoAdminOptions = {}): () => RunningAdmin {
  let admin: RunningAdmin | undefined;
  beforeAll(async () => {
    const url = process.env.DATABASE_URL ?? "";
    const db = createDatabase(url);
    try {
      await db.shop.create({ data: { domain: shop, ...LANA_Y_LINO } });
      await seed?.(db, url);
    } finally {
      await db.$disconnect();
    }
    admin = await startAdmin(shop, { worker, demo });
  }, 240_000);
  afterAll(async () => {
    await admin?.close();
  });
  return () => {
    if (!admin) throw new Error("the demo admin has not started (see beforeAll's error)");
    return admin;
  };
}

/** Collects what went wrong on the page: console errors, uncaught errors, HTTP 4xx/5xx. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("response", (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  return errors;
}

/**
 * Resizes the page to a phone's 390 px and waits until nothing is wider than the screen. Polaris
 * lays some pages out anew when React hears the media query change, a render after the resize
 * (CI once measured the inbox's table still laid out for 1280 px): measured at once, a page that
 * fits would fail; one that never fits fails after 10 s.
 */
export async function expectFitsPhone(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), { timeout: 10_000, message: `${name} fits 390 px` })
    .toBe(true);
}
