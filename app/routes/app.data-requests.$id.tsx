// A customer's data request (customers/data_request) as a JSON file for the merchant to send
// to the customer: their incidents, timelines and remedies in Amends.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireAdmin } from "../admin-auth.server";
import { db } from "../db.server";
import { dataRequest } from "../models/compliance.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const found = await dataRequest(db(), shop, params.id ?? "");
  if (!found) throw new Response("Data request not found", { status: 404 });
  const body = {
    requestedAt: found.createdAt.toISOString(),
    shop,
    ordersRequested: found.ordersAsked,
    ...(found.report as object),
  };
  return new Response(JSON.stringify(body, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="amends-data-request-${found.id}.json"`,
      "Cache-Control": "no-store",
    },
  });
};
