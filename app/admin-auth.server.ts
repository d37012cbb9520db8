// Who is looking at the admin pages, and which staff member acts. In Shopify admin: the
// embedded session, online (shopify.server.ts sets useOnlineTokens), so Shopify names the
// signed-in user. In demo mode (AMENDS_DEMO, refused in production by env.server.ts): the demo
// shop, no login, and one of two demo staff members, chosen with ?staff= (kept in a cookie).
import { db } from "./db.server";
import { env } from "./env.server";
import type { ApprovalRight, StaffIdentity } from "./incidents/staff";
import { staffActor } from "./incidents/staff";
import { ensureShop } from "./models/shop.server";
import { recordStaffMember } from "./models/staff.server";
import { readShopProfile } from "./shopify/shop.server";
import { authenticate } from "./shopify.server";

/** The staff member acting on this request, with the actor string the timeline records. */
export interface ActingStaff extends StaffIdentity {
  actor: string;
}

export interface AdminContext {
  shop: string;
  /** Who acts, for the incident timeline: staffActor(staff). */
  actor: string;
  staff: ActingStaff;
  demo: boolean;
}

/** The demo's staff: the owner (no limit) and a support agent who may approve up to 50 in the
 * shop's currency, so the demo shows both sides of an approval limit. */
export const DEMO_STAFF = {
  owner: {
    identity: { id: "demo-owner", name: "Alex Morgan", email: "alex@amends-demo.example", accountOwner: true },
    initial: { canApprove: true, approvalLimit: null },
  },
  support: {
    identity: { id: "demo-support", name: "Sam Rivera", email: "sam@amends-demo.example", accountOwner: false },
    initial: { canApprove: true, approvalLimit: "50.00" },
  },
} as const satisfies Record<string, { identity: StaffIdentity; initial: ApprovalRight }>;
export type DemoStaffKey = keyof typeof DEMO_STAFF;
export const DEMO_STAFF_COOKIE = "amends_demo_staff";

/** The demo staff member a request asks for: ?staff=, else the cookie, else the owner. */
export function demoStaffKey(request: Request): DemoStaffKey {
  const isKey = (value: string | null | undefined): value is DemoStaffKey => value === "owner" || value === "support";
  const asked = new URL(request.url).searchParams.get("staff");
  if (isKey(asked)) return asked;
  const cookie = /(?:^|;\s*)amends_demo_staff=([a-z]+)/.exec(request.headers.get("Cookie") ?? "")?.[1];
  return isKey(cookie) ? cookie : "owner";
}

export async function requireAdmin(request: Request): Promise<AdminContext> {
  const config = env();
  if (config.AMENDS_DEMO) {
    const shop = config.AMENDS_DEMO_SHOP;
    // Both demo staff members are the demo shop's staff from the start (owners are chosen from
    // the staff list); the one acting is recorded last, as Shopify would name them now.
    const acting = demoStaffKey(request);
    for (const key of Object.keys(DEMO_STAFF) as DemoStaffKey[]) {
      if (key !== acting) await recordStaffMember(db(), shop, DEMO_STAFF[key].identity, DEMO_STAFF[key].initial);
    }
    const { identity, initial } = DEMO_STAFF[acting];
    await recordStaffMember(db(), shop, identity, initial);
    const staff = { ...identity, actor: staffActor(identity) };
    return { shop, actor: staff.actor, staff, demo: true };
  }
  const { session, admin, sessionToken } = await authenticate.admin(request);
  // Installed before Amends read shop profiles: read it once, so no page assumes USD or UTC.
  await ensureShop(db(), session.shop, () => readShopProfile(admin.graphql));
  const user = session.onlineAccessInfo?.associated_user;
  // The online session names the user; without one (an offline session left from before
  // useOnlineTokens), the session token's sub is still the signed-in user's id.
  const identity: StaffIdentity = user
    ? {
        id: String(user.id),
        name: [user.first_name, user.last_name].filter(Boolean).join(" ") || user.email,
        email: user.email || null,
        accountOwner: user.account_owner,
      }
    : { id: sessionToken.sub, name: `Staff member ${sessionToken.sub}`, email: null, accountOwner: false };
  await recordStaffMember(db(), session.shop, identity);
  const staff = { ...identity, actor: staffActor(identity) };
  return { shop: session.shop, actor: staff.actor, staff, demo: false };
}

/** The staff member acting on this request: every admin action records who took it. */
export async function actingStaff(request: Request): Promise<ActingStaff> {
  return (await requireAdmin(request)).staff;
}
