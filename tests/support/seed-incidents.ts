// Many incidents written straight into a SQLite file (better-sqlite3, one transaction), for
// the export test and the speed benchmark: the setup is not what they measure. Deterministic:
// incident n is the same in every run. Every 3rd has a refund, every 5th a replacement, every
// 7th an apology code; every 2nd a staff member's first action 90 minutes after it opened.
import Database from "better-sqlite3";

import { INCIDENT_KINDS, RESPONSIBLE_PARTIES, ROOT_CAUSES } from "../../app/incidents/model";

const iso = (d: Date) => d.toISOString().replace("Z", "+00:00"); // Prisma's SQLite format
const CHANNELS = ["detected", "order_page", "email", "phone", "chat"];
const STATUSES = ["open", "awaiting_approval", "resolved", "resolved", "dismissed"];

export interface SeedOptions {
  shop: string;
  count: number;
  /** The newest incident's time; the others go back one every `spacingMinutes`. */
  newest: Date;
  spacingMinutes?: number;
  currencyCode?: string;
}

export function incidentId(n: number): string {
  return `seed${String(n).padStart(9, "0")}`;
}

export async function seedIncidents(file: string, options: SeedOptions): Promise<void> {
  const { shop, count, newest, spacingMinutes = 2, currencyCode = "EUR" } = options;
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const incident = sqlite.prepare(`INSERT INTO "Incident" ("id","shop","kind","status","orderId","orderName","customerId","customerEmail",
    "customerName","lines","evidence","responsibleParty","rootCause","owner","responseDeadline","source","createdAt","updatedAt","resolvedAt")
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  const event = sqlite.prepare(`INSERT INTO "IncidentEvent" ("id","incidentId","at","type","actor","message") VALUES (?,?,?,?,?,?)`);
  const remedy = sqlite.prepare(`INSERT INTO "Remediation" ("id","shop","incidentId","action","idempotencyKey","status","request","result",
    "amount","currencyCode","actor","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  // In transactions of 5,000, yielding between them so a test worker stays responsive.
  const write = sqlite.transaction((first: number, last: number) => {
    for (let n = first; n < last; n++) {
      const id = incidentId(n);
      const created = new Date(newest.getTime() - (count - 1 - n) * spacingMinutes * 60_000);
      const status = STATUSES[n % STATUSES.length] as string;
      const customer = n % 4000;
      const lines = JSON.stringify([{ lineItemId: `gid://shopify/LineItem/${n}`, quantity: 1 }]);
      incident.run(
        id, shop, INCIDENT_KINDS[n % INCIDENT_KINDS.length], status, `gid://shopify/Order/${7_000_000 + n}`, `#${10_000 + n}`,
        `gid://shopify/Customer/${customer}`, `customer${customer}@example.com`, n % 11 === 0 ? `=cmd|' /C calc'!A0` : `Customer ${customer}`,
        lines, "{}", RESPONSIBLE_PARTIES[n % RESPONSIBLE_PARTIES.length], n % 3 === 0 ? null : ROOT_CAUSES[n % ROOT_CAUSES.length],
        n % 2 ? "Sam" : null, iso(new Date(created.getTime() + 24 * 3_600_000)), CHANNELS[n % CHANNELS.length], iso(created), iso(created),
        status === "resolved" ? iso(new Date(created.getTime() + 6 * 3_600_000)) : null,
      );
      event.run(`${id}-opened`, id, iso(created), "opened", "amends", "Opened");
      if (n % 2 === 0) event.run(`${id}-note`, id, iso(new Date(created.getTime() + 90 * 60_000)), "assigned", "merchant:demo", "Assigned to Sam");
      const add = (action: string, amount: string, result: object) =>
        remedy.run(`${id}-${action}`, shop, id, action, `${id}:${action}`, "succeeded", "{}", JSON.stringify(result), amount, currencyCode,
          "merchant:demo", iso(created), iso(created));
      if (n % 3 === 0) add("refund", "12.50", { refundId: `gid://shopify/Refund/${n}` });
      if (n % 5 === 0) add("replacement", "30.00", { orderId: `gid://shopify/Order/${9_000_000 + n}` });
      if (n % 7 === 0) add("discount_code", "5.00", { code: `SORRY${n}` });
    }
  });
  for (let first = 0; first < count; first += 5000) {
    write(first, Math.min(count, first + 5000));
    await new Promise((resolve) => setImmediate(resolve));
  }
  sqlite.close();
}
