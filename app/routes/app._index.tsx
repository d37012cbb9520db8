import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, EmptyState, IndexTable, Layout, Page, Text } from "@shopify/polaris";

import { requireAdmin } from "../admin-auth.server";
import { db } from "../db.server";
import { deliveriesNeedingAttention } from "../models/delivery.server";
import { countOpenIncidents, listIncidents } from "../models/incident.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [incidents, open, deliveries] = await Promise.all([
    listIncidents(db(), shop),
    countOpenIncidents(db(), shop),
    deliveriesNeedingAttention(db(), shop),
  ]);
  return { shop, open, incidents, deliveries };
};

const KIND_LABELS: Record<string, string> = {
  stock_out_cancellation: "Stock-out cancellation",
  oversell_risk: "Oversell risk",
  late_fulfilment: "Late fulfilment",
  late_delivery: "Late delivery",
  possibly_lost: "Possibly lost",
  carrier_exception: "Carrier exception",
  wrong_item: "Wrong item",
  wrong_quantity: "Wrong quantity",
  missing_item: "Missing item",
  damaged: "Damaged",
  lost: "Lost",
  wrong_address: "Wrong address",
};

const STATUS_TONES: Record<string, "attention" | "warning" | "info" | "success" | undefined> = {
  open: "attention",
  awaiting_approval: "warning",
  remediating: "info",
  resolved: "success",
};

export default function IncidentsIndex() {
  const { shop, open, incidents, deliveries } = useLoaderData<typeof loader>();
  return (
    <Page title="Incidents" subtitle={`${open} open · ${shop}`}>
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
                    {d.topic} ({d.status}, {new Date(d.receivedAt).toLocaleString()}): {d.error}
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
                    <IndexTable.Cell>{KIND_LABELS[incident.kind] ?? incident.kind}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Badge tone={STATUS_TONES[incident.status]}>{incident.status.replace("_", " ")}</Badge>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{incident.customerName ?? "—"}</IndexTable.Cell>
                    <IndexTable.Cell>{incident.responsibleParty}</IndexTable.Cell>
                    <IndexTable.Cell>{new Date(incident.responseDeadline).toLocaleString()}</IndexTable.Cell>
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
