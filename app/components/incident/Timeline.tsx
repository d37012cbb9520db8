// The incident's timeline in the merchant's words: who (a person, "Your remediation policy",
// "The customer"), what kind of step, and what happened, dates in the shop's time zone.
import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";

import { actorWords, eventWords } from "../../incidents/words";
import type { ShopClock } from "../shop-time";
import { formatShopTime } from "../shop-time";

export interface TimelineEvent {
  id: string;
  at: string | Date;
  type: string;
  actor: string;
  message: string;
}

export function Timeline({ events, clock }: { events: TimelineEvent[]; clock: ShopClock }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Timeline
        </Text>
        <ol style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "var(--p-space-300)" }} data-testid="timeline">
          {events.map((event) => (
            <li key={event.id}>
              <BlockStack gap="050">
                <InlineStack gap="200" wrap>
                  <Text as="span" fontWeight="semibold">
                    {eventWords(event.type)}
                  </Text>
                  <Text as="span" tone="subdued">
                    {actorWords(event.actor)} · {formatShopTime(event.at, clock)}
                  </Text>
                </InlineStack>
                <Text as="p" breakWord>
                  {event.message}
                </Text>
              </BlockStack>
            </li>
          ))}
        </ol>
      </BlockStack>
    </Card>
  );
}
