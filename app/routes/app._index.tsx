import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Page, Text } from "@shopify/polaris";

import { requireAdmin } from "../admin-auth.server";
import { db } from "../db.server";
import { countOpenIncidents } from "../models/incident.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { shop, openIncidents: await countOpenIncidents(db(), shop) };
};

export default function IncidentsIndex() {
  const { shop, openIncidents } = useLoaderData<typeof loader>();
  return (
    <Page title="Incidents">
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {openIncidents === 0 ? "No open incidents" : `${openIncidents} open incidents`}
          </Text>
          <Text as="p" tone="subdued">
            Amends watches {shop}&apos;s orders, fulfilments and inventory and opens an incident
            when an order goes wrong.
          </Text>
        </BlockStack>
      </Card>
    </Page>
  );
}
