import { ACTIVE_STATUSES } from "../incidents/model";
import { db } from "../db.server";

export async function countOpenIncidents(shop: string): Promise<number> {
  return db().incident.count({ where: { shop, status: { in: [...ACTIVE_STATUSES] } } });
}
