// The customer: their own words, how to reach them, their standing with the store, and links
// to them and their order in Shopify admin.
import { BlockStack, Card, Divider, InlineStack, Link, Text } from "@shopify/polaris";

import type { CustomerSummary } from "../../models/order-activity.server";
import type { ShopClock } from "../shop-time";
import { formatShopTime } from "../shop-time";

export interface CustomerWords {
  id: string;
  at: string | Date;
  text: string;
}

export function CustomerCard(props: {
  words: CustomerWords[];
  name: string | null;
  summary: CustomerSummary | null;
  fallbackEmail: string | null;
  customerLink: string | null;
  clock: ShopClock;
  told: { lines: string[]; told: boolean };
}) {
  const { words, summary, clock } = props;
  const email = summary?.email ?? props.fallbackEmail;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          The customer
        </Text>
        {words.length > 0 ? (
          <BlockStack gap="200">
            {words.map((w) => (
              <blockquote key={w.id} style={{ margin: 0, paddingInlineStart: "var(--p-space-300)", borderInlineStart: "3px solid var(--p-color-border)" }}>
                <Text as="p" breakWord>
                  “{w.text}”
                </Text>
                <Text as="p" tone="subdued" variant="bodySm">
                  {formatShopTime(w.at, clock)}
                </Text>
              </blockquote>
            ))}
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">
            The customer has not written about this: Amends found it.
          </Text>
        )}
        <Divider />
        <BlockStack gap="100">
          <InlineStack gap="200" wrap>
            <Text as="p" fontWeight="semibold">
              {summary?.name ?? props.name ?? "Guest checkout"}
            </Text>
            {props.customerLink ? (
              <Link url={props.customerLink} target="_top">
                Open customer in Shopify
              </Link>
            ) : null}
          </InlineStack>
          {email ? <Link url={`mailto:${email}`}>{email}</Link> : <Text as="p" tone="subdued">No e-mail address</Text>}
          {summary?.phone ? <Link url={`tel:${summary.phone.replaceAll(" ", "")}`}>{summary.phone}</Link> : null}
          {summary?.orders !== null && summary?.orders !== undefined ? (
            <Text as="p" tone="subdued">
              {summary.orders} {summary.orders === 1 ? "order" : "orders"}, {summary.totalSpent} spent in total
            </Text>
          ) : null}
        </BlockStack>
        <Divider />
        {props.told.lines.map((line) => (
          <Text as="p" key={line} tone={props.told.told ? undefined : "subdued"}>
            {line}
          </Text>
        ))}
      </BlockStack>
    </Card>
  );
}
