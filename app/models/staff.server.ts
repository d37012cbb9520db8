// The shop's staff members and what each may approve. A staff member is recorded the first
// time they open Amends (name and e-mail as Shopify gives them); the account owner may approve
// anything from the start, everyone else nothing until the merchant allows them in settings.
import { z } from "zod";

import type { Database } from "../db.server";
import type { ApprovalRight, StaffIdentity } from "../incidents/staff";
import { staffField } from "../incidents/staff";
import type { FieldErrors, FormFields, FormResult } from "../remediation/policy/form";
import { minorDigits } from "../remediation/policy/money";

export interface StaffMemberRow extends StaffIdentity, ApprovalRight {}

/** Records the staff member as Shopify names them now; writes only when something changed.
 * `initial` is the right a newcomer starts with (the demo's support agent has one). */
export async function recordStaffMember(
  db: Database,
  shop: string,
  staff: StaffIdentity,
  initial?: ApprovalRight,
): Promise<void> {
  const where = { shop_userId: { shop, userId: staff.id } };
  const row = await db.staffMember.findUnique({ where });
  const seen = { name: staff.name, email: staff.email, accountOwner: staff.accountOwner };
  if (!row) {
    const right = initial ?? { canApprove: staff.accountOwner, approvalLimit: null };
    // Two first requests at once: the second finds the first's row.
    await db.staffMember.upsert({ where, create: { shop, userId: staff.id, ...seen, ...right }, update: seen });
    return;
  }
  if (row.name !== staff.name || row.email !== staff.email || row.accountOwner !== staff.accountOwner) {
    await db.staffMember.update({ where, data: seen });
  }
}

/** What the merchant allows this staff member; null when Amends has never seen them. */
export async function approvalRight(db: Database, shop: string, userId: string): Promise<ApprovalRight | null> {
  const row = await db.staffMember.findUnique({
    where: { shop_userId: { shop, userId } },
    select: { canApprove: true, approvalLimit: true },
  });
  return row;
}

export async function listStaff(db: Database, shop: string): Promise<StaffMemberRow[]> {
  const rows = await db.staffMember.findMany({ where: { shop }, orderBy: [{ accountOwner: "desc" }, { name: "asc" }] });
  return rows.map((row) => ({
    id: row.userId,
    name: row.name,
    email: row.email,
    accountOwner: row.accountOwner,
    canApprove: row.canApprove,
    approvalLimit: row.approvalLimit,
  }));
}

/** The staff members' names, in the list's order: whom an incident can be assigned to. */
export async function staffNames(db: Database, shop: string): Promise<string[]> {
  return [...new Set((await listStaff(db, shop)).map((member) => member.name))];
}

/** The rights posted by the Staff & approvals page, one pair of fields per listed member; a
 * limit must be an amount in the shop's currency, or empty for no limit. The account owner
 * always may approve (a limit is theirs to set): someone must be able to. */
export function approvalRightsFromForm(
  form: FormFields,
  members: readonly Pick<StaffIdentity, "id" | "accountOwner">[],
  currencyCode: string,
): FormResult<Record<string, ApprovalRight>> {
  const digits = minorDigits(currencyCode);
  const amount = z
    .string()
    .regex(/^\d+(\.\d+)?$/, "Enter an amount such as 50.00, or leave empty for no limit")
    .refine((value) => (value.split(".")[1] ?? "").length <= digits, digits ? `Use at most ${digits} decimals` : "Use whole amounts");
  const errors: FieldErrors = {};
  const rights: Record<string, ApprovalRight> = {};
  for (const { id: userId, accountOwner } of members) {
    const canApprove = accountOwner || form.get(staffField(userId, "canApprove")) === "on";
    const raw = form.get(staffField(userId, "approvalLimit"));
    const text = typeof raw === "string" ? raw.trim() : "";
    const parsed = text === "" ? { success: true as const, data: null } : amount.safeParse(text);
    if (!parsed.success) {
      errors[staffField(userId, "approvalLimit")] = parsed.error.issues[0]?.message ?? "Check this amount";
      continue;
    }
    rights[userId] = { canApprove, approvalLimit: parsed.data };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: rights };
}

/** Stores every member's rights in one transaction: a save is all or nothing. */
export async function saveApprovalRights(db: Database, shop: string, rights: Record<string, ApprovalRight>): Promise<void> {
  await db.$transaction(
    Object.entries(rights).map(([userId, right]) =>
      db.staffMember.update({ where: { shop_userId: { shop, userId } }, data: right }),
    ),
  );
}
