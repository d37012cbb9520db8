// The emulator grants access like Shopify does to a public app: expiring offline tokens at
// install, 401 for an expired or unknown token, and the refresh-token exchange with rotation,
// where the refresh token just used stays usable until its replacement is first used.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AccessTokenResponse, RunningEmulator } from "./index";
import { manualClock, startEmulator } from "./index";

const SHOP = "tokens-shop.myshopify.com";
const APP = { clientId: "emulator-client", clientSecret: "emulator-secret" };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const clock = manualClock(Date.UTC(2026, 10, 30, 9));
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ clock, app: APP, shops: [{ domain: SHOP }] });
});
afterAll(async () => {
  await emu.close();
});

function admin(token: string) {
  return fetch(emu.graphqlUrl(SHOP), {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query: "query ShopName { shop { name } }" }),
  });
}

async function refresh(refreshToken: string, credentials = APP) {
  const response = await fetch(`${emu.url}/${SHOP}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      refresh_token: refreshToken,
      grant_type: "refresh_token",
    }),
  });
  return { status: response.status, body: (await response.json()) as AccessTokenResponse & { error?: string } };
}

describe("expiring offline access tokens", () => {
  it("an install's token works for 60 minutes; then, and for a token never issued, the Admin API answers 401", async () => {
    const installed = emu.auth.install(SHOP);
    expect(installed).toMatchObject({ expires_in: 3600, refresh_token_expires_in: 90 * 86_400 });
    expect((await admin(installed.access_token)).status).toBe(200);
    expect((await admin("shpat_never_issued")).status).toBe(401);
    expect((await admin("")).status).toBe(401);

    clock.advance(HOUR - 1000);
    expect((await admin(installed.access_token)).status).toBe(200);
    clock.advance(1000);
    const expired = await admin(installed.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
    });
  });

  it("a refresh rotates both tokens; the previous refresh token recovers a lost answer until the new one is used", async () => {
    const installed = emu.auth.install(SHOP);
    const before = emu.auth.refreshes(SHOP);
    clock.advance(2 * HOUR);

    const first = await refresh(installed.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body.access_token).not.toBe(installed.access_token);
    expect(first.body.refresh_token).not.toBe(installed.refresh_token);
    expect(first.body.expires_in).toBe(3600);
    expect((await admin(first.body.access_token)).status).toBe(200);

    // The answer was lost: the app still holds the installed pair, and its refresh token works.
    const recovered = await refresh(installed.refresh_token);
    expect(recovered.status).toBe(200);
    expect(emu.auth.refreshLog.at(-1)).toMatchObject({ shop: SHOP, reusedPrevious: true });

    // Using the replacement retires the token it replaced.
    const next = await refresh(recovered.body.refresh_token);
    expect(next.status).toBe(200);
    expect(await refresh(installed.refresh_token)).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Token has been expired or revoked." },
    });
    expect(emu.auth.refreshes(SHOP) - before).toBe(3);
  });

  it("refuses an unknown refresh token, the wrong client secret, and a refresh token past its time", async () => {
    expect((await refresh("shprt_never_issued")).body.error).toBe("invalid_grant");
    const installed = emu.auth.install(SHOP);
    const wrong = await refresh(installed.refresh_token, { ...APP, clientSecret: "not-the-secret" });
    expect(wrong).toMatchObject({ status: 401, body: { error: "invalid_client" } });

    // A used refresh token is kept for recovery at most 30 days after its first use.
    const used = await refresh(installed.refresh_token);
    expect(used.status).toBe(200);
    clock.advance(30 * DAY);
    expect((await refresh(installed.refresh_token)).body.error).toBe("invalid_grant");

    // An unused refresh token lasts 90 days.
    clock.advance(60 * DAY - 1000);
    expect((await refresh(used.body.refresh_token)).status).toBe(200);
    const last = emu.auth.install(SHOP);
    clock.advance(90 * DAY);
    expect((await refresh(last.refresh_token)).body.error).toBe("invalid_grant");
  });

  it("a revoked token is refused before its hour is up", async () => {
    const installed = emu.auth.install(SHOP);
    emu.auth.revoke(installed.access_token);
    expect((await admin(installed.access_token)).status).toBe(401);
  });
});
