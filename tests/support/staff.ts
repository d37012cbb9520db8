// Staff members for tests that approve: Shopify's identity for a signed-in user (the online
// session's associated user), recorded as Amends records it when they open the app.
import type { Database } from "../../app/db.server";
import type { ApprovalRight, StaffIdentity } from "../../app/incidents/staff";
import { staffActor } from "../../app/incidents/staff";
import { recordStaffMember } from "../../app/models/staff.server";

export const OWNER: StaffIdentity = { id: "7001", name: "Ada Store-Owner", email: "ada@store.example", accountOwner: true };
export const SUPPORT: StaffIdentity = { id: "7002", name: "Sam Support", email: "sam@store.example", accountOwner: false };

/** Records the staff member in the shop (the owner may approve anything; others what `right`
 * says) and returns what an approval by them carries. */
export async function staffOf(db: Database, shop: string, staff: StaffIdentity = OWNER, right?: ApprovalRight) {
  await recordStaffMember(db, shop, staff, right);
  return { trigger: "merchant" as const, staff: { id: staff.id, name: staff.name }, actor: staffActor(staff) };
}

/** An approval by the owner, for a shop where staffOf(db, shop) ran (tests/remediation/support's
 * setUp records the owner). */
export const byOwner = { trigger: "merchant" as const, staff: { id: OWNER.id, name: OWNER.name }, actor: staffActor(OWNER) };
