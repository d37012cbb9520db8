// New incident: a complaint that came by e-mail, phone, chat, social media, a marketplace or in
// person. The merchant finds the order in Shopify (by its name, or the customer's e-mail or
// name), says how the customer got in touch, what went wrong, which items, and the customer's
// own words; the incident then takes the same path as a customer's report from the order page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

import { requireAdmin } from "../admin-auth.server";
import { AppErrorBoundary } from "../components/AppErrorBoundary";
import { formatShopTime } from "../components/shop-time";
import { db } from "../db.server";
import { CHANNEL_LABELS } from "../incidents/inbox";
import type { MerchantReportErrors } from "../incidents/merchant-reports";
import { KINDS_ABOUT_ITEMS, RECORDED_CHANNELS, checkMerchantReport } from "../incidents/merchant-reports";
import { REPORTED_KINDS } from "../incidents/model";
import { logger } from "../logger.server";
import { shopClock } from "../models/shop.server";
import { takeMerchantReport } from "../remediation/merchant-report.server";
import { kindTitle } from "../remediation/policy";
import { adminClientFor } from "../shopify/admin.server";
import type { CustomerOrder } from "../shopify/customer-orders.server";
import { orderForCustomer } from "../shopify/customer-orders.server";
import type { FoundOrder } from "../shopify/order-search.server";
import { findOrders } from "../shopify/order-search.server";

const ORDER_GID = /^gid:\/\/shopify\/Order\/\d+$/;

/** The order read directly (not through search, which lags), through this shop's client: an
 * order of another shop is not found. */
async function readOrder(shop: string, orderId: string): Promise<CustomerOrder | null> {
  if (!ORDER_GID.test(orderId)) return null;
  return orderForCustomer(await adminClientFor(shop), orderId);
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim();
  const picked = url.searchParams.get("order") ?? "";
  const clock = await shopClock(db(), shop);
  let found: FoundOrder[] = [];
  let notice: string | null = null;
  if (q) {
    try {
      found = await findOrders(await adminClientFor(shop), q);
      if (found.length === 0) {
        notice = `No order matches “${q}”. Shopify may take a few seconds to find a new order; try again.`;
      }
    } catch (error) {
      logger.warn({ err: error, shop }, "order search failed");
      notice = "Shopify did not answer the search. Nothing was recorded; try again in a moment.";
    }
  }
  const chosen = picked || (found.length === 1 ? (found[0]?.id ?? "") : "");
  const order = chosen ? await readOrder(shop, chosen) : null;
  if (picked && !order) notice = "That order is not in your store. Search for it again.";
  return { q, found, order, notice, clock };
};

export type NewIncidentResult = { errors: MerchantReportErrors; values: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const values: Record<string, string> = {};
  for (const [name, value] of form) if (typeof value === "string") values[name] = value;
  const order = values.orderId ? await readOrder(shop, values.orderId) : null;
  const refuse = (errors: MerchantReportErrors) => Response.json({ errors, values } satisfies NewIncidentResult, { status: 422 });
  if (values.orderId && !order) return refuse({ orderId: "That order is not in your store. Search for it again." });
  const checked = checkMerchantReport(values, order?.lines ?? []);
  if (!checked.ok) return refuse(checked.errors);
  if (!order) return refuse({ orderId: "Find the order first" });
  const taken = await takeMerchantReport({ db: db(), clientFor: adminClientFor }, { shop, actor, order, report: checked.value });
  return redirect(`/app/incidents/${taken.incidentId}${taken.joined ? "?joined=1" : ""}`);
};

export default function NewIncidentPage() {
  const { q, found, order, notice, clock } = useLoaderData<typeof loader>();
  const result = useActionData<NewIncidentResult>();
  const errors = result?.errors ?? {};
  return (
    <Page title="New incident" subtitle="A complaint that came by e-mail, phone, chat, social media, a marketplace or in person" backAction={{ content: "Incidents", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <Form method="get">
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Find the order
                </Text>
                <SearchField initial={q} />
                {notice ? <Banner tone="warning">{notice}</Banner> : null}
                {errors.orderId ? <Banner tone="critical">{errors.orderId}</Banner> : null}
                {found.length > 1 ? (
                  <BlockStack gap="200">
                    {found.map((candidate) => (
                      <InlineStack key={candidate.id} gap="300" align="space-between" blockAlign="center">
                        <Text as="span">
                          {candidate.name} · {candidate.customer?.name ?? candidate.customer?.email ?? "No customer"} · {formatShopTime(candidate.createdAt, clock)}
                        </Text>
                        <Button url={`/app/incidents/new?q=${encodeURIComponent(q)}&order=${encodeURIComponent(candidate.id)}`}>Choose</Button>
                      </InlineStack>
                    ))}
                  </BlockStack>
                ) : null}
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
        {order ? (
          <Layout.Section>
            <ReportForm key={order.id} order={order} errors={errors} values={result?.values ?? {}} />
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}

function SearchField({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  return (
    <InlineStack gap="200" blockAlign="end" wrap={false}>
      <div style={{ flex: 1 }}>
        <TextField label="Order number, or the customer's e-mail or name" name="q" value={text} onChange={setText} autoComplete="off" placeholder="#1001" />
      </div>
      <Button submit>Find</Button>
    </InlineStack>
  );
}

function ReportForm({ order, errors, values }: { order: CustomerOrder; errors: MerchantReportErrors; values: Record<string, string> }) {
  const navigation = useNavigation();
  const [channel, setChannel] = useState(values.channel ?? "");
  const [kind, setKind] = useState(values.kind ?? "");
  const [words, setWords] = useState(values.words ?? "");
  const [quantities, setQuantities] = useState<Record<string, string>>(() =>
    Object.fromEntries(order.lines.map((line) => [line.lineItemId, values[`quantity.${line.lineItemId}`] ?? ""])),
  );
  const aboutItems = (KINDS_ABOUT_ITEMS as readonly string[]).includes(kind);
  return (
    <Form method="post">
      <input type="hidden" name="orderId" value={order.id} />
      <Card>
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            {order.name}
            {order.customer?.name || order.customer?.email ? ` · ${order.customer.name ?? order.customer.email}` : ""}
          </Text>
          <FormLayout>
            <FormLayout.Group>
              <Select
                label="How the customer got in touch"
                name="channel"
                placeholder="Choose"
                options={RECORDED_CHANNELS.map((value) => ({ value, label: CHANNEL_LABELS[value] }))}
                value={channel}
                onChange={setChannel}
                error={errors.channel}
              />
              <Select
                label="What went wrong"
                name="kind"
                placeholder="Choose"
                options={REPORTED_KINDS.map((value) => ({ value, label: kindTitle(value) }))}
                value={kind}
                onChange={setKind}
                error={errors.kind}
              />
            </FormLayout.Group>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                Items affected{aboutItems ? "" : " (if any)"}
              </Text>
              {errors.lines ? (
                <Text as="p" tone="critical">
                  {errors.lines}
                </Text>
              ) : null}
              {order.lines.map((line) => (
                <TextField
                  key={line.lineItemId}
                  label={`${line.title}${line.variantTitle ? ` – ${line.variantTitle}` : ""} (${line.quantity} ordered)`}
                  type="number"
                  min={0}
                  max={line.quantity}
                  name={`quantity.${line.lineItemId}`}
                  value={quantities[line.lineItemId] ?? ""}
                  onChange={(value) => setQuantities((current) => ({ ...current, [line.lineItemId]: value }))}
                  autoComplete="off"
                  error={errors[`quantity.${line.lineItemId}`]}
                />
              ))}
            </BlockStack>
            <TextField
              label="What the customer said, in their words"
              name="words"
              value={words}
              onChange={setWords}
              multiline={4}
              autoComplete="off"
              error={errors.words}
            />
          </FormLayout>
          <InlineStack align="end">
            <Button submit variant="primary" loading={navigation.state === "submitting"}>
              Create incident
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Form>
  );
}

export const ErrorBoundary = AppErrorBoundary;
