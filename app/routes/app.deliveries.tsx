// Webhooks Amends could not act on after every retry: what Shopify sent, when, and why it failed.
// Replay puts one back in line for the webhook processor, the path every delivery takes, with
// its duplicate and staleness guards: nothing is applied twice, however often it is pressed.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, EmptyState, IndexTable, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";

import { requireAdmin } from "../admin-auth.server";
import { formatShopTime } from "../components/shop-time";
import { db } from "../db.server";
import { logger } from "../logger.server";
import { failedDeliveries, replayDelivery } from "../models/delivery.server";
import { shopClock } from "../models/shop.server";
import { wakeWebhookProcessor } from "../webhooks/runtime.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [deliveries, clock] = await Promise.all([failedDeliveries(db(), shop), shopClock(db(), shop)]);
  return { deliveries, clock };
};

const replayInput = z.object({ intent: z.literal("replay"), id: z.string().min(1) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireAdmin(request);
  const input = replayInput.safeParse(Object.fromEntries(await request.formData()));
  if (!input.success) return Response.json({ replayed: false, message: "Choose a webhook to replay." }, { status: 422 });
  const replayed = await replayDelivery(db(), shop, input.data.id);
  if (!replayed) {
    return Response.json(
      { replayed: false, message: "That webhook is no longer waiting for a replay: it was replayed already, or Amends has acted on it." },
      { status: 409 },
    );
  }
  logger.info({ shop, deliveryId: input.data.id, actor }, "failed delivery replayed by the merchant");
  wakeWebhookProcessor();
  return { replayed: true, message: "Amends is trying this webhook again. It leaves this list once it is acted on." };
};

export default function FailedDeliveries() {
  const { deliveries, clock } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" ? navigation.formData?.get("id") : null;
  return (
    <Page title="Webhooks Amends could not act on" backAction={{ content: "Incidents", url: "/app" }}>
      <Layout>
        {outcome ? (
          <Layout.Section>
            <Banner tone={outcome.replayed ? "info" : "warning"}>{outcome.message}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            {deliveries.length === 0 ? (
              <EmptyState heading="Every webhook was acted on" image="">
                <p>When Shopify tells Amends about an order and Amends cannot act on it after several tries, it is listed here with the reason.</p>
              </EmptyState>
            ) : (
              <IndexTable
                itemCount={deliveries.length}
                selectable={false}
                headings={[{ title: "What Shopify sent" }, { title: "Received" }, { title: "Why it failed" }, { title: "" }]}
              >
                {deliveries.map((delivery, index) => (
                  <IndexTable.Row id={delivery.id} key={delivery.id} position={index}>
                    <IndexTable.Cell>
                      <Text as="span" fontWeight="semibold">
                        {delivery.topic}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{formatShopTime(delivery.receivedAt, clock)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <BlockStack gap="100">
                        <Text as="span" tone="critical">
                          {delivery.error ?? "No reason was recorded."}
                        </Text>
                        <Text as="span" tone="subdued">
                          Tried {delivery.attempts} {delivery.attempts === 1 ? "time" : "times"}
                        </Text>
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Form method="post">
                        <input type="hidden" name="intent" value="replay" />
                        <input type="hidden" name="id" value={delivery.id} />
                        <Button submit loading={busy === delivery.id}>
                          Replay
                        </Button>
                      </Form>
                    </IndexTable.Cell>
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
