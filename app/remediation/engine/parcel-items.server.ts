// A carrier can report trouble with a parcel before Amends has heard of the parcel itself:
// Shopify does not promise webhooks in order, and several workers take them side by side, so
// fulfillment_events/create can be processed before the fulfillments/create that lists the
// parcel's items. The incident then opens without items, and a plan decided on it would refund
// or replace nothing. Shopify knows what the parcel carries: it is read before deciding.
import type { Database } from "../../db.server";
import { isParcelKind, parcelOf } from "../../incidents/detection";
import type { AdminClient } from "../../shopify/admin.server";
import { parcelItems } from "../../shopify/operations/order.server";
import type { IncidentRow } from "./context.server";

function hasLines(lines: unknown): boolean {
  return Array.isArray(lines) && lines.length > 0;
}

/**
 * The incident with its parcel's items filled in from Shopify when it has none. `keep` stores
 * them on the incident, so its page and later runs see them; a preview leaves it unchanged.
 */
export async function withParcelItems(
  db: Database,
  client: AdminClient,
  incident: IncidentRow,
  keep: boolean,
): Promise<IncidentRow> {
  if (!isParcelKind(incident.kind) || hasLines(incident.lines)) return incident;
  const parcel = parcelOf(incident.kind, incident.evidence);
  if (!parcel) return incident;
  const lines = await parcelItems(client, parcel);
  if (lines.length === 0) return incident;
  if (keep) await db.incident.update({ where: { id: incident.id }, data: { lines } });
  return { ...incident, lines };
}
