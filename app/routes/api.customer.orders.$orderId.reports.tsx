// POST /api/customer/orders/:orderId/reports — the logged-in customer reports a problem with
// their order from the order page (extensions/amends-order). Checked against what they bought
// (422 with field codes), then taken like every other finding: an incident put to the
// merchant's policy, or the open one's timeline. Contract: api-contract.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { customerApi, limitReports, methodNotAllowed, notFound } from "../customer-api.server";
import { db } from "../db.server";
import { checkReport } from "../incidents/customer-reports";
import { gid } from "../incidents/model";
import { takeCustomerReport } from "../remediation/customer-report.server";
import { adminClientFor } from "../shopify/admin.server";
import { customersOrder } from "../shopify/customer-orders.server";

export const action = ({ request, params }: ActionFunctionArgs) =>
  customerApi(request, async (customer) => {
    if (request.method !== "POST") return methodNotAllowed("POST, OPTIONS");
    const { shop, customerId } = customer;
    const orderId = /^\d+$/.test(params.orderId ?? "") ? gid("Order", params.orderId ?? "") : null;
    const order = orderId ? await customersOrder(adminClientFor, shop, customerId, orderId) : null;
    if (!order) return notFound();
    const checked = checkReport(await request.json().catch(() => null), order);
    if (!checked.ok) return Response.json({ errors: checked.errors }, { status: 422 });
    const limited = limitReports(customer);
    if (limited) return limited;
    const created = await takeCustomerReport({ db: db(), clientFor: adminClientFor }, { shop, customerId, order, report: checked.value });
    return Response.json(created, { status: 201 });
  });

export const loader = ({ request }: LoaderFunctionArgs) => customerApi(request, async () => methodNotAllowed("POST, OPTIONS"));
