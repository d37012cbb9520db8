// Installs Amends on an emulator shop the way Shopify's install leaves it: an expiring offline
// token pair (60 minutes, with a 90-day refresh token), stored by the Shopify library's own
// session storage as the app's token exchange stores it (expiries from Date.now, as the
// library computes them).
import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";

import type { Database } from "../../app/db.server";
import type { Emulator } from "../shopify-emulator";
import type { AccessTokenResponse } from "../shopify-emulator/auth";

export async function installApp(db: Database, emu: Pick<Emulator, "auth">, shop: string, scope?: string): Promise<AccessTokenResponse> {
  const answer = emu.auth.install(shop, scope);
  const now = Date.now();
  const session = new Session({
    id: `offline_${shop}`,
    shop,
    state: "",
    isOnline: false,
    accessToken: answer.access_token,
    scope: answer.scope,
    expires: new Date(now + answer.expires_in * 1000),
    refreshToken: answer.refresh_token,
    refreshTokenExpires: new Date(now + answer.refresh_token_expires_in * 1000),
  });
  await new PrismaSessionStorage(db).storeSession(session);
  return answer;
}
