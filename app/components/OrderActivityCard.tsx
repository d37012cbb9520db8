// The order's payments, refunds and fulfilments on the incident page, as Shopify has them:
// what is pending or failed is badged as such, so the merchant sees money still on its way.
import { Badge, BlockStack, Card, InlineStack, Link, Text } from "@shopify/polaris";

import type {
  ActivityRow,
  ActivityState,
  OrderActivityView,
} from "../models/order-activity.server";

const TONES: Record<ActivityState, "success" | "attention" | "critical"> = {
  done: "success",
  pending: "attention",
  failed: "critical",
};

function Rows({ title, rows, empty }: { title: string; rows: ActivityRow[]; empty: string }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm">
        {title}
      </Text>
      {rows.length === 0 ? (
        <Text as="p" tone="subdued">
          {empty}
        </Text>
      ) : null}
      {rows.map((row) => (
        <InlineStack key={row.id} gap="200" blockAlign="center">
          <Badge tone={TONES[row.state]}>{row.status}</Badge>
          {row.amount ? (
            <Text as="span" fontWeight="semibold">
              {row.amount}
            </Text>
          ) : null}
          <Text as="span" breakWord>
            {row.what}
          </Text>
          {row.trackingUrl ? (
            <Link url={row.trackingUrl} target="_blank">
              Track
            </Link>
          ) : null}
          {row.when ? (
            <Text as="span" tone="subdued">
              {row.when}
            </Text>
          ) : null}
        </InlineStack>
      ))}
    </BlockStack>
  );
}

export function OrderActivityCard({ activity, orderLink = null }: { activity: OrderActivityView; orderLink?: string | null }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            The order: items, payments, refunds and fulfilments
          </Text>
          {orderLink ? (
            <Link url={orderLink} target="_top">
              Open in Shopify
            </Link>
          ) : null}
        </InlineStack>
        {activity.available ? (
          <>
            <BlockStack gap="100">
              <Text as="h3" variant="headingSm">
                Items
              </Text>
              {activity.items.map((item) => (
                <InlineStack key={item.id} gap="200" wrap>
                  <Text as="span">
                    {item.quantity} × {item.title}
                    {item.sku ? ` (${item.sku})` : ""}
                  </Text>
                  <Text as="span" tone="subdued">
                    {item.unitPrice} each{item.standing ? ` · ${item.standing}` : ""}
                  </Text>
                </InlineStack>
              ))}
            </BlockStack>
            <Text as="p">
              {activity.financialStatus ? `${activity.financialStatus}: ` : ""}
              {activity.received} paid, {activity.refunded} refunded
            </Text>
            <Rows title="Payments" rows={activity.payments} empty="No payment recorded." />
            <Rows title="Refunds" rows={activity.refunds} empty="Nothing refunded." />
            <Rows title="Fulfilments" rows={activity.fulfilments} empty="Nothing shipped yet." />
          </>
        ) : (
          <Text as="p" tone="subdued">
            {activity.reason}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
