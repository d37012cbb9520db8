// The triage inbox, the app's home: incidents by tab (Needs approval, Open, Overdue,
// Escalated, Resolved, All), filtered, searched, sorted and paged in the database, with bulk
// actions that say per incident what happened. Above it, what else needs the merchant.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";

import { requireAdmin } from "../admin-auth.server";
import { InboxTable } from "../components/inbox/InboxTable";
import { formatShopTime } from "../components/shop-time";
import { db } from "../db.server";
import type { RowOutcome } from "../incidents/inbox";
import { readInboxParams, summariseBulk } from "../incidents/inbox";
import { ROOT_CAUSES } from "../incidents/model";
import { recentDataRequests } from "../models/compliance.server";
import { deliveriesNeedingAttention } from "../models/delivery.server";
import { inboxCounts, inboxOwners, inboxPage } from "../models/inbox.server";
import { responsibleParties } from "../models/parties.server";
import { shopClock } from "../models/shop.server";
import { staffNames } from "../models/staff.server";
import type { BulkAction } from "../remediation/bulk.server";
import { BULK_LIMIT, BULK_VERBS, bulkAct } from "../remediation/bulk.server";
import { adminClientFor } from "../shopify/admin.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const state = readInboxParams(new URL(request.url).searchParams);
  const clock = await shopClock(db(), shop);
  const now = new Date();
  const [page, counts, owners, staff, parties, deliveries, dataRequests] = await Promise.all([
    inboxPage(db(), shop, { ...state, now, timeZone: clock.timeZone }),
    inboxCounts(db(), shop, now),
    inboxOwners(db(), shop),
    staffNames(db(), shop),
    responsibleParties(db(), shop),
    deliveriesNeedingAttention(db(), shop),
    recentDataRequests(db(), shop),
  ]);
  return { state, page, counts, owners, staff, parties: parties.map(({ key, name }) => ({ key, name })), deliveries, dataRequests, clock, now };
};

const ids = z.array(z.string().min(1)).min(1, "Select at least one incident").max(BULK_LIMIT, `Select at most ${BULK_LIMIT} incidents`);
const bulkInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), ids }),
  z.object({ intent: z.literal("dismiss"), ids, reason: z.string().trim().min(3, "Say why, in a few words").max(500, "Keep it under 500 characters") }),
  z.object({
    intent: z.literal("assign_owner"),
    ids,
    // A staff member's name from the shop's list (checked in the action), or empty: nobody.
    owner: z
      .string()
      .trim()
      .transform((owner) => owner || null),
  }),
  z.object({
    intent: z.literal("set_root_cause"),
    ids,
    rootCause: z.enum([...ROOT_CAUSES, ""], { message: "Pick a root cause from the list" }).transform((cause) => cause || null),
  }),
]);

const OWNER_OFF_THE_LIST = "Pick the owner from your staff list";

export type BulkResult = { error: string; summary: null; outcomes: [] } | { error: null; summary: string; outcomes: RowOutcome[] };

export const action = async ({ request }: ActionFunctionArgs) => {
  // Who acts comes from the admin's authentication, here only, and is passed down as is.
  const { shop, actor, staff } = await requireAdmin(request);
  const form = await request.formData();
  const parsed = bulkInput.safeParse({ ...Object.fromEntries(form), ids: form.getAll("ids") });
  if (!parsed.success) {
    const error = parsed.error.issues.map((issue) => issue.message).join("; ");
    return Response.json({ error, summary: null, outcomes: [] } satisfies BulkResult, { status: 422 });
  }
  const input = parsed.data;
  if (input.intent === "assign_owner" && input.owner !== null && !(await staffNames(db(), shop)).includes(input.owner)) {
    return Response.json({ error: OWNER_OFF_THE_LIST, summary: null, outcomes: [] } satisfies BulkResult, { status: 422 });
  }
  const outcomes = await bulkAct({ db: db(), clientFor: adminClientFor }, shop, { actor, staff }, input.ids, bulkActionOf(input));
  return { error: null, summary: summariseBulk(BULK_VERBS[input.intent], outcomes), outcomes } satisfies BulkResult;
};

function bulkActionOf(input: z.infer<typeof bulkInput>): BulkAction {
  switch (input.intent) {
    case "approve":
      return { action: "approve" };
    case "dismiss":
      return { action: "dismiss", reason: input.reason };
    case "assign_owner":
      return { action: "assign_owner", owner: input.owner };
    case "set_root_cause":
      return { action: "set_root_cause", rootCause: input.rootCause };
  }
}

export default function Inbox() {
  const { state, page, counts, owners, staff, parties, deliveries, dataRequests, clock, now } = useLoaderData<typeof loader>();
  const result = useActionData<BulkResult>();
  return (
    <Page title="Incidents" primaryAction={{ content: "New incident", url: "/app/incidents/new" }} secondaryActions={[{ content: "Settings", url: "/app/settings" }]}>
      <Layout>
        {deliveries.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Webhooks Amends could not act on
                </Text>
                {deliveries.map((d) => (
                  <Text as="p" key={d.id} tone="critical" breakWord>
                    {d.topic} ({d.status}, {formatShopTime(d.receivedAt, clock)}): {d.error}
                  </Text>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        {dataRequests.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Customer data requests
                </Text>
                <Text as="p" tone="subdued">
                  Shopify asks you to send each customer their data within 30 days.
                </Text>
                {dataRequests.map((request) => (
                  <Text as="p" key={request.id} breakWord>
                    {formatShopTime(request.createdAt, clock)} · {request.email ?? request.customerId ?? "unknown customer"} ·{" "}
                    <a href={`/app/data-requests/${request.id}`} download>
                      Download their data
                    </a>
                  </Text>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        {result ? (
          <Layout.Section>
            <Banner tone={result.error ? "critical" : result.outcomes.every((o) => o.done) ? "success" : "warning"}>
              <Text as="p" breakWord>
                {result.error ?? result.summary}
              </Text>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InboxTable state={state} page={page} counts={counts} owners={owners} staff={staff} parties={parties} clock={clock} now={now} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
