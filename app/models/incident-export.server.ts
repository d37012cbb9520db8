// Incidents with their remedies as CSV, streamed: pages of 1,000 rows read by cursor (the
// primary key) as the browser takes them, so 100,000 incidents never sit in memory at once.
import type { Database } from "../db.server";
import { csvRow, localDateTime } from "../incidents/analytics";
import type { DateRange } from "./analytics.server";
import { rangeInstants } from "./analytics.server";

export const EXPORT_PAGE_SIZE = 1000;

const HEADER = [
  "Incident",
  "Created",
  "Order",
  "Kind",
  "Status",
  "Channel",
  "Responsible party",
  "Root cause",
  "Owner",
  "Customer",
  "Customer e-mail",
  "Respond by",
  "Escalated",
  "Resolved",
  "Refunded",
  "Replacement value (retail)",
  "Discount code value",
  "Currency",
  "Remedies",
];

type Page = Awaited<ReturnType<typeof readPage>>;

function readPage(db: Database, shop: string, range: { start: Date; end: Date } | null, after: string | null, take: number) {
  return db.incident.findMany({
    where: { shop, ...(range ? { createdAt: { gte: range.start, lt: range.end } } : {}), ...(after ? { id: { gt: after } } : {}) },
    orderBy: { id: "asc" },
    take,
    select: {
      id: true,
      createdAt: true,
      orderName: true,
      kind: true,
      status: true,
      source: true,
      responsibleParty: true,
      rootCause: true,
      owner: true,
      customerName: true,
      customerEmail: true,
      responseDeadline: true,
      escalatedAt: true,
      resolvedAt: true,
      remediations: { select: { action: true, status: true, amount: true, currencyCode: true }, orderBy: { createdAt: "asc" } },
    },
  });
}

function sum(remedies: Page[number]["remediations"], actions: string[]): string {
  const picked = remedies.filter((r) => r.status === "succeeded" && r.amount !== null && actions.includes(r.action));
  if (picked.length === 0) return "";
  // Decimal strings summed in thousandths: exact for every currency (ISO 4217 has up to 3 decimals).
  const thousandths = picked.reduce((total, r) => total + Math.round(Number(r.amount) * 1000), 0);
  const decimals = Math.max(...picked.map((r) => r.amount?.split(".")[1]?.length ?? 0));
  return (thousandths / 1000).toFixed(decimals);
}

function toRow(incident: Page[number], timeZone: string): string {
  const when = (date: Date | null) => (date ? localDateTime(date, timeZone) : "");
  const remedies = incident.remediations;
  const currency = remedies.find((r) => r.currencyCode)?.currencyCode ?? "";
  const open = incident.status !== "resolved" && incident.status !== "dismissed";
  return csvRow([
    incident.id,
    when(incident.createdAt),
    incident.orderName,
    incident.kind,
    incident.status,
    incident.source,
    incident.responsibleParty,
    incident.rootCause,
    incident.owner,
    incident.customerName,
    incident.customerEmail,
    open ? when(incident.responseDeadline) : "",
    when(incident.escalatedAt),
    when(incident.resolvedAt),
    sum(remedies, ["refund", "cancel"]),
    sum(remedies, ["replacement"]),
    sum(remedies, ["discount_code"]),
    currency,
    remedies.map((r) => `${r.action} (${r.status}${r.amount ? ` ${r.amount} ${r.currencyCode ?? ""}`.trimEnd() : ""})`).join("; "),
  ]);
}

/**
 * The CSV as a stream. Dates are in the shop's zone (named in the header). A page is read only
 * when the consumer asks for more (pull), so a slow download holds one page, not the table.
 */
export function incidentsCsv(db: Database, shop: string, timeZone: string, range: DateRange | null, pageSize = EXPORT_PAGE_SIZE): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const instants = range ? rangeInstants(range, timeZone) : null;
  let after: string | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          // A BOM so spreadsheet apps read accents and non-Latin names as UTF-8.
          controller.enqueue(encoder.encode(`\uFEFF${csvRow(HEADER.map((title) => (title === "Created" ? `Created (${timeZone})` : title)))}`));
          return;
        }
        const page = await readPage(db, shop, instants, after, pageSize);
        if (page.length > 0) {
          controller.enqueue(encoder.encode(page.map((incident) => toRow(incident, timeZone)).join("")));
          after = page[page.length - 1]?.id ?? after;
        }
        if (page.length < pageSize) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}
