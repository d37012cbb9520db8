// The merchant's responsible parties and their response times. The generic parties (your
// store, any warehouse, carrier, supplier, creator) are always listed; a stored row with the
// same key gives one its own response time. Named parties are the merchant's own.
import { z } from "zod";

import type { Database } from "../db.server";
import type { Party, PartyType } from "../incidents/parties";
import { ACTIVE_STATUSES } from "../incidents/model";
import { GENERIC_PARTIES, PARTY_TYPES, hoursField, movedDeadlines, partyKey } from "../incidents/parties";
import type { FieldErrors, FormResult } from "../remediation/policy/form";
import { detectionSettings } from "./shop.server";
import { queryRows, sql } from "./sql.server";

function isPartyType(value: string): value is PartyType {
  return (PARTY_TYPES as readonly string[]).includes(value);
}

export async function responsibleParties(db: Database, shop: string): Promise<Party[]> {
  const rows = await db.responsibleParty.findMany({ where: { shop }, orderBy: [{ type: "asc" }, { name: "asc" }] });
  const stored = new Map(rows.map((row) => [row.key, row]));
  const generic = GENERIC_PARTIES.map((party) => ({ ...party, responseHours: stored.get(party.key)?.responseHours ?? null }));
  const named = rows
    .filter((row) => !GENERIC_PARTIES.some((party) => party.key === row.key) && isPartyType(row.type))
    .map((row): Party => ({ key: row.key, name: row.name, type: row.type as PartyType, responseHours: row.responseHours, generic: false }));
  return [...generic, ...named];
}

/** The party's own response time; null when it has none (or the key is not the shop's). */
export async function partyResponseHours(db: Database, shop: string, key: string): Promise<number | null> {
  // Plain SQL (sql.server.ts): asked for every incident the processor opens.
  const [row] = await queryRows(
    db,
    sql`SELECT "responseHours" FROM "ResponsibleParty" WHERE "shop" = ${shop} AND "key" = ${key}`,
    { responseHours: "int" },
  );
  return row?.responseHours ?? null;
}

const hours = z.coerce
  .number({ message: "Enter a number of hours" })
  .int("Enter whole hours")
  .min(1, "Enter 1 hour or more")
  .max(24 * 30, "Enter 720 hours (30 days) or less");

export const partyInputSchema = z.object({
  name: z.string().trim().min(1, "Enter the party's name").max(80, "Keep the name under 80 characters"),
  type: z.enum(PARTY_TYPES as [PartyType, ...PartyType[]], { message: "Pick what kind of party it is" }),
  responseHours: z.preprocess((value) => (value === "" || value === null ? undefined : value), hours.optional()),
});

/** Adds a named party; field errors when its input is invalid or the name is taken. */
export async function addResponsibleParty(db: Database, shop: string, input: unknown): Promise<FormResult<Party>> {
  const parsed = partyInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: partyErrors(parsed.error.issues) };
  const { name, type, responseHours } = parsed.data;
  if (responseHours === undefined) return { ok: false, errors: { responseHours: "Enter how many hours this party has to respond" } };
  const key = partyKey(type, name);
  const taken = await db.responsibleParty.findUnique({ where: { shop_key: { shop, key } } });
  if (taken) return { ok: false, errors: { name: `${taken.name} is already on your list` } };
  await db.responsibleParty.create({ data: { shop, key, name, type, responseHours } });
  return { ok: true, value: { key, name, type, responseHours, generic: false } };
}

/** Sets the listed parties' response times at once, all or nothing (empty: the shop's default,
 * for generic parties only). `posted` maps party key → hours as typed; errors by hoursField.
 * A party's open incidents move to its new deadline (counted from when each opened), with a
 * line on their timelines saying who changed it; closed ones keep theirs. */
export async function setResponseTimes(db: Database, shop: string, posted: Record<string, string>, actor: string): Promise<FormResult<null>> {
  const parties = await responsibleParties(db, shop);
  const errors: FieldErrors = {};
  const next: { party: Party; hours: number | null }[] = [];
  for (const [key, value] of Object.entries(posted)) {
    const party = parties.find((p) => p.key === key);
    if (!party) {
      errors.form = "A party on this page is no longer on your list: reload the page";
      continue;
    }
    if (value.trim() === "") {
      if (party.generic) next.push({ party, hours: null });
      else errors[hoursField(key)] = "Enter how many hours this party has to respond";
      continue;
    }
    const parsed = hours.safeParse(value.trim());
    if (parsed.success) next.push({ party, hours: parsed.data });
    else errors[hoursField(key)] = parsed.error.issues[0]?.message ?? "Check the hours";
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const moves = await deadlinesToMove(db, shop, next.filter(({ party, hours }) => party.responseHours !== hours));
  await db.$transaction([
    ...next.map(({ party, hours: responseHours }) =>
      db.responsibleParty.upsert({
        where: { shop_key: { shop, key: party.key } },
        create: { shop, key: party.key, name: party.name, type: party.type, responseHours },
        update: { responseHours },
      }),
    ),
    ...moves.map(({ id, from, to, party, hours, within }) =>
      db.incident.update({
        where: { id },
        data: {
          responseDeadline: to,
          events: {
            create: {
              type: "deadline_moved",
              actor,
              message:
                hours === null
                  ? `${party.name} now uses the shop's default response time: respond within ${within} hours of opening.`
                  : `${party.name}'s response time is now ${hours} hours: respond within ${hours} hours of opening.`,
              data: { party: party.key, responseHours: hours, responseDeadline: { from: from.toISOString(), to: to.toISOString() } },
            },
          },
        },
      }),
    ),
  ]);
  return { ok: true, value: null };
}

/** The open incidents of the parties whose response time changes, and where each deadline goes. */
async function deadlinesToMove(db: Database, shop: string, changed: { party: Party; hours: number | null }[]) {
  if (changed.length === 0) return [];
  const [{ responseHours: defaultHours }, open] = await Promise.all([
    detectionSettings(db, shop),
    db.incident.findMany({
      where: { shop, responsibleParty: { in: changed.map(({ party }) => party.key) }, status: { in: [...ACTIVE_STATUSES] } },
      select: { id: true, createdAt: true, responseDeadline: true, responsibleParty: true },
    }),
  ]);
  return changed.flatMap(({ party, hours }) =>
    movedDeadlines(
      open.filter((incident) => incident.responsibleParty === party.key),
      hours,
      defaultHours,
    ).map((move) => ({ ...move, party, hours, within: hours ?? defaultHours })),
  );
}

/** Sets one listed party's response time. */
export async function setPartyResponseHours(db: Database, shop: string, key: string, value: string, actor: string): Promise<FormResult<null>> {
  const result = await setResponseTimes(db, shop, { [key]: value }, actor);
  if (result.ok) return result;
  const message = result.errors[hoursField(key)];
  return { ok: false, errors: message ? { responseHours: message } : { form: "This party is no longer on your list" } };
}

/** Removes a named party. Incidents already blamed on it keep its key (and their deadline). */
export async function removeResponsibleParty(db: Database, shop: string, key: string): Promise<boolean> {
  if (GENERIC_PARTIES.some((party) => party.key === key)) return false;
  const { count } = await db.responsibleParty.deleteMany({ where: { shop, key } });
  return count > 0;
}

function partyErrors(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
  return errors;
}
