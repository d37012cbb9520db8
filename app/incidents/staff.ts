// Who acts in the admin, and who may move money. Pure: the staff member comes from Shopify's
// identity for the signed-in user (admin-auth.server.ts), their rights from the merchant's
// settings (models/staff.server.ts); the approval service asks mayApprove
// (remediation/policy/approval.ts) before any money moves.
/** The staff member signed in to the admin, as Shopify identifies them. */
export interface StaffIdentity {
  /** Shopify's user id (the online session's associated user, the session token's sub). */
  id: string;
  name: string;
  email: string | null;
  accountOwner: boolean;
}

/** What the merchant allows a staff member to approve. */
export interface ApprovalRight {
  canApprove: boolean;
  /** The most a plan they approve may cost, in the shop's currency ("50.00"); null: no limit. */
  approvalLimit: string | null;
}

/** Remedies that move money or goods; an apology alone needs no one's permission. */
export const MONEY_MOVES = ["refund", "replacement", "cancel", "discount_code"] as const;

const ACTOR_PREFIX = "staff:";

/** The timeline's actor for a staff member: "staff:<user id>:<name>", so it says who without a
 * lookup and still names the account when the name later changes. */
export function staffActor(staff: Pick<StaffIdentity, "id" | "name">): string {
  return `${ACTOR_PREFIX}${staff.id}:${staff.name}`;
}

/** The staff member's user id in an actor string; null for anyone else. */
export function staffIdOf(actor: string): string | null {
  if (!actor.startsWith(ACTOR_PREFIX)) return null;
  const rest = actor.slice(ACTOR_PREFIX.length);
  const colon = rest.indexOf(":");
  return colon === -1 ? rest : rest.slice(0, colon);
}

/** An actor in the merchant's words: the staff member's name, "Automatic rule", "Customer". */
export function describeActor(actor: string): string {
  if (actor.startsWith(ACTOR_PREFIX)) {
    const rest = actor.slice(ACTOR_PREFIX.length);
    const colon = rest.indexOf(":");
    return colon === -1 ? "A staff member" : rest.slice(colon + 1);
  }
  // Recorded before Amends knew staff members apart.
  if (actor.startsWith("merchant:")) return actor.slice("merchant:".length) || "A staff member";
  if (actor === "merchant") return "A staff member";
  if (actor.startsWith("rule:")) return "Automatic rule";
  if (actor === "customer") return "Customer";
  if (actor === "amends") return "Amends";
  return actor;
}

/** The Staff & approvals page's fields for one staff member. */
export const staffField = (userId: string, field: "canApprove" | "approvalLimit") => `staff.${userId}.${field}`;
