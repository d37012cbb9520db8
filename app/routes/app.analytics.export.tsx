// The CSV of incidents and their remedies for the chosen dates, streamed as it is read.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireAdmin } from "../admin-auth.server";
import { db } from "../db.server";
import { incidentsCsv } from "../models/incident-export.server";
import { shopClock } from "../models/shop.server";
import { parseRange } from "./app.analytics";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const clock = await shopClock(db(), shop);
  const { range } = parseRange(new URL(request.url).searchParams, clock.timeZone, new Date());
  return new Response(incidentsCsv(db(), shop, clock.timeZone, range), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="amends-incidents-${range.from}-to-${range.to}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
