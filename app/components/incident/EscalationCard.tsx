// Escalation: mark or unmark it with a note; when escalated, the facts a calm team checks
// before answering, side by side.
import { Badge, BlockStack, Box, Button, Card, InlineStack, Link, List, Text, TextField } from "@shopify/polaris";
import { Form } from "@remix-run/react";
import { useState } from "react";

import type { ShopClock } from "../shop-time";
import { formatShopTime } from "../shop-time";

export interface EscalationView {
  escalatedAt: string | Date | null;
  note: string | null;
  facts: {
    ourError: string;
    offeredBefore: { at: string | Date; text: string }[];
    previousIncidents: { id: string; orderName: string; kind: string; status: string; remedies: string[]; at: string | Date }[];
    claimRate: string | null;
  } | null;
  orders: number | null;
  totalSpent: string | null;
  policyWouldDo: string | null;
}

export function EscalationCard({ view, clock, error, busy }: { view: EscalationView; clock: ShopClock; error?: string | undefined; busy: boolean }) {
  const [note, setNote] = useState("");
  const escalated = view.escalatedAt !== null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Escalation
          </Text>
          {escalated ? <Badge tone="critical">Escalated</Badge> : null}
        </InlineStack>
        {escalated ? (
          <Text as="p">
            Escalated {formatShopTime(view.escalatedAt ?? new Date(), clock)}
            {view.note ? `: ${view.note}` : "."}
          </Text>
        ) : (
          <Text as="p" tone="subdued">
            Mark it escalated for a public complaint, a threat to go to social media, or a creator or VIP.
          </Text>
        )}
        {view.facts ? (
          <BlockStack gap="300" data-testid="escalation-facts">
            <Fact title="Was it our error?">
              <Text as="p">{view.facts.ourError}</Text>
            </Fact>
            <Fact title="Offered before it escalated">
              {view.facts.offeredBefore.length === 0 ? (
                <Text as="p">Nothing: no remedy had been offered or made before.</Text>
              ) : (
                <List>
                  {view.facts.offeredBefore.map((o) => (
                    <List.Item key={`${String(o.at)}${o.text}`}>
                      {formatShopTime(o.at, clock)}: {o.text}
                    </List.Item>
                  ))}
                </List>
              )}
            </Fact>
            <Fact title="The customer's history">
              <Text as="p">
                {view.orders === null ? "A guest checkout: no order history in Shopify." : `${view.orders} ${view.orders === 1 ? "order" : "orders"}, ${view.totalSpent ?? ""} spent in total.`}
                {view.facts.claimRate ? ` ${view.facts.claimRate}.` : ""}
              </Text>
              {view.facts.previousIncidents.length === 0 ? (
                <Text as="p">No earlier incidents.</Text>
              ) : (
                <List>
                  {view.facts.previousIncidents.map((p) => (
                    <List.Item key={p.id}>
                      <Link url={`/app/incidents/${p.id}`}>
                        {p.orderName}: {p.kind}
                      </Link>{" "}
                      ({p.status}, {formatShopTime(p.at, clock)}){p.remedies.length ? ` — ${p.remedies.join("; ")}` : ""}
                    </List.Item>
                  ))}
                </List>
              )}
            </Fact>
            <Fact title="What the policy would do">
              <Text as="p">{view.policyWouldDo ?? "The policy has not decided on this incident yet."}</Text>
            </Fact>
          </BlockStack>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value={escalated ? "deescalate" : "escalate"} />
          <BlockStack gap="200">
            <TextField
              label={escalated ? "Why it is no longer escalated (optional)" : "Why it is escalated"}
              name="note"
              value={note}
              onChange={setNote}
              autoComplete="off"
              multiline={2}
              error={error}
            />
            <InlineStack>
              <Button submit loading={busy} tone={escalated ? undefined : "critical"}>
                {escalated ? "Remove escalation" : "Mark escalated"}
              </Button>
            </InlineStack>
          </BlockStack>
        </Form>
      </BlockStack>
    </Card>
  );
}

function Fact({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Box>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        {children}
      </BlockStack>
    </Box>
  );
}
