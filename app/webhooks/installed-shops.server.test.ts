import { describe, expect, it } from "vitest";

import { InstalledShops } from "./installed-shops.server";

function shopsWith(installed: Set<string>) {
  const asked: string[] = [];
  let now = 0;
  const shops = new InstalledShops({
    lookup: (shop) => {
      asked.push(shop);
      return Promise.resolve(installed.has(shop));
    },
    knownForMs: 60_000,
    unknownForMs: 10_000,
    now: () => now,
  });
  return { shops, asked, advance: (ms: number) => (now += ms) };
}

describe("installed shops, as the intake asks", () => {
  it("asks the database once for a known shop, then answers from memory", async () => {
    const { shops, asked } = shopsWith(new Set(["a.myshopify.com"]));
    expect(await shops.isInstalled("a.myshopify.com")).toBe(true);
    expect(shops.isInstalled("a.myshopify.com")).toBe(true);
    expect(asked).toEqual(["a.myshopify.com"]);
  });

  it("asks once per unknown domain per interval, however often and concurrently it is sent", async () => {
    const installed = new Set<string>();
    const { shops, asked, advance } = shopsWith(installed);
    const answers = await Promise.all(Array.from({ length: 50 }, () => shops.isInstalled("new.myshopify.com")));
    expect(answers).toEqual(Array(50).fill(false));
    expect(await shops.isInstalled("new.myshopify.com")).toBe(false);
    expect(asked).toEqual(["new.myshopify.com"]);
    // It installs: known after the short interval at the latest.
    installed.add("new.myshopify.com");
    advance(10_001);
    expect(await shops.isInstalled("new.myshopify.com")).toBe(true);
    expect(asked).toEqual(["new.myshopify.com", "new.myshopify.com"]);
  });

  it("asks again about a known shop after a while (a shop erased by shop/redact is forgotten)", async () => {
    const installed = new Set(["gone.myshopify.com"]);
    const { shops, advance } = shopsWith(installed);
    expect(await shops.isInstalled("gone.myshopify.com")).toBe(true);
    installed.delete("gone.myshopify.com");
    advance(60_001);
    expect(await shops.isInstalled("gone.myshopify.com")).toBe(false);
  });
});
