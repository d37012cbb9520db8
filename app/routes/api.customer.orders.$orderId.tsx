// GET /api/customer/orders/:orderId — the order page's view of an order for the logged-in
// customer (extensions/amends-order): what they may report on, their reports and the incidents
// Amends opened itself, and the store's resolution policy. Contract: api-contract.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import type { OrderCasesResponse } from "../../extensions/amends-order/src/api-contract";
import { customerApi, methodNotAllowed, notFound } from "../customer-api.server";
import { db } from "../db.server";
import { gid } from "../incidents/model";
import { customerCases } from "../models/customer-cases.server";
import { storedShopProfile, storedResolutionPolicy } from "../models/shop.server";
import { resolutionPolicyText } from "../remediation/policy/resolution";
import { adminClientFor } from "../shopify/admin.server";
import { customersOrder } from "../shopify/customer-orders.server";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  customerApi(request, async ({ shop, customerId }) => {
    const orderId = /^\d+$/.test(params.orderId ?? "") ? gid("Order", params.orderId ?? "") : null;
    const order = orderId ? await customersOrder(adminClientFor, shop, customerId, orderId) : null;
    if (!order) return notFound();
    const [cases, stored, profile] = await Promise.all([
      customerCases(db(), shop, order.id),
      storedResolutionPolicy(db(), shop),
      storedShopProfile(db(), shop),
    ]);
    const body: OrderCasesResponse = {
      order: { id: order.id, name: order.name, lines: order.lines },
      policyText: resolutionPolicyText(stored, profile?.primaryLocale),
      ...cases,
    };
    return Response.json(body);
  });

// OPTIONS (the CORS preflight) is answered inside customerApi; nothing else is posted here.
export const action = ({ request }: ActionFunctionArgs) => customerApi(request, async () => methodNotAllowed("GET, OPTIONS"));
