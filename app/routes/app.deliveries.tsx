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
import { deliveriesBeingRetried, failedDeliveries, replayDelivery } from "../models/delivery.server";
import { shopClock } from "../models/shop.server";
import { wakeWebhookProcessor } from "../webhooks/runtime.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [deliveries, retrying, clock] = await Promise.all([
    failedDeliveries(db(), shop),
    deliveriesBeingRetried(db(), shop),
    shopClock(db(), shop),
  ]);
  // Decided here, once: the page renders the same on the server and in the browser.
  const now = Date.now();
  return {
    deliveries,
    retrying: retrying.map(({ nextAttemptAt, ...delivery }) => ({
      ...delivery,
      nextTry: nextAttemptAt && nextAttemptAt.getTime() > now ? nextAttemptAt : null,
    })),
    clock,
  };
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
  const { deliveries, retrying, clock } = useLoaderData<typeof loader>();
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
              <EmptyState heading="No webhook has failed for good" image="">
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
        {retrying.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Not acted on yet: being tried again
                </Text>
                {retrying.map((delivery) => (
                  <Text as="p" key={delivery.id}>
                    {delivery.topic}, received {formatShopTime(delivery.receivedAt, clock)}:{" "}
                    {delivery.nextTry ? `next try ${formatShopTime(delivery.nextTry, clock)}` : "being tried now"}
                    . Last time: {delivery.error}
                  </Text>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
