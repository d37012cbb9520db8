import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BlockStack, Card, EmptyState, IndexTable, Layout, Page, Text } from "@shopify/polaris";

import { requireAdmin } from "../admin-auth.server";
import { IncidentStatusBadge } from "../components/IncidentStatusBadge";
import { formatShopTime } from "../components/shop-time";
import { db } from "../db.server";
import { deliveriesNeedingAttention } from "../models/delivery.server";
import { recentDataRequests } from "../models/compliance.server";
import { countOpenIncidents, listIncidents } from "../models/incident.server";
import { shopClock } from "../models/shop.server";
import { kindTitle } from "../remediation/policy";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [incidents, open, deliveries, dataRequests, clock] = await Promise.all([
    listIncidents(db(), shop),
    countOpenIncidents(db(), shop),
    deliveriesNeedingAttention(db(), shop),
    recentDataRequests(db(), shop),
    shopClock(db(), shop),
  ]);
  return { shop, open, incidents, deliveries, dataRequests, clock };
};

export default function IncidentsIndex() {
  const { shop, open, incidents, deliveries, dataRequests, clock } = useLoaderData<typeof loader>();
  return (
    <Page title="Incidents" subtitle={`${open} open · ${shop}`} secondaryActions={[{ content: "Settings", url: "/app/settings" }]}>
      <Layout>
        {deliveries.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Webhooks Amends could not act on
                </Text>
                {deliveries.map((d) => (
                  <Text as="p" key={d.id} tone="critical">
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
                  <Text as="p" key={request.id}>
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
        <Layout.Section>
          <Card padding="0">
            {incidents.length === 0 ? (
              <EmptyState heading="No incidents yet" image="">
                <p>Amends watches orders, fulfilments and inventory and opens an incident when an order goes wrong.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "incident", plural: "incidents" }}
                itemCount={incidents.length}
                selectable={false}
                headings={[
                  { title: "Order" },
                  { title: "Incident" },
                  { title: "Status" },
                  { title: "Customer" },
                  { title: "Responsible" },
                  { title: "Respond by" },
                ]}
              >
                {incidents.map((incident, index) => (
                  <IndexTable.Row id={incident.id} key={incident.id} position={index}>
                    <IndexTable.Cell>
                      <Link to={`/app/incidents/${incident.id}`}>
                        <Text as="span" fontWeight="semibold">
                          {incident.orderName}
                        </Text>
                      </Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{kindTitle(incident.kind)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <IncidentStatusBadge status={incident.status} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>{incident.customerName ?? "—"}</IndexTable.Cell>
                    <IndexTable.Cell>{incident.responsibleParty}</IndexTable.Cell>
                    <IndexTable.Cell>{formatShopTime(incident.responseDeadline, clock)}</IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
