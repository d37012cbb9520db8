// What the merchant can do when Shopify refused part of a remedy for good: read Shopify's
// reason, then retry the plan (its requests are built afresh), choose another plan (the refused
// one is set aside, never sent again), or dismiss the incident.
import { Form } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, ChoiceList, InlineStack, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

export interface NeedsAttentionPlan {
  option: number;
  description: string;
  estimatedCost: string;
}

/** Shopify's refusal as the engine wrote it on the timeline: the latest move to needs_attention. */
export function refusalOf(events: { type: string; message: string; data: unknown }[]): string | null {
  const moved = [...events].reverse().find((e) => e.type === "status" && (e.data as { to?: unknown } | null)?.to === "needs_attention");
  return moved ? moved.message.replace(/^Needs your attention: /, "").replace(/ Retry it, choose another plan, or dismiss the incident\.$/, "") : null;
}

export function NeedsAttentionCard(props: {
  refusal: string | null;
  plans: NeedsAttentionPlan[];
  chosen: number;
  submitting: string | null;
  errors: Record<string, string>;
}) {
  const others = props.plans.filter((plan) => plan.option !== props.chosen);
  const [option, setOption] = useState([String(others[0]?.option ?? props.chosen)]);
  const [reason, setReason] = useState("");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Needs your attention
        </Text>
        <Banner tone="critical">
          <Text as="p">{props.refusal ?? "Shopify refused part of the remedy."}</Text>
          <Text as="p">What was done before the refusal stays done; nothing is sent to Shopify again until you choose.</Text>
        </Banner>
        <Form method="post">
          <input type="hidden" name="intent" value="retry" />
          <InlineStack gap="200" blockAlign="center">
            <Button submit variant="primary" loading={props.submitting === "retry"}>
              Retry
            </Button>
            <Text as="span" tone="subdued">
              Try the same plan again, with the order as it is now.
            </Text>
          </InlineStack>
        </Form>
        {others.length > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="approve" />
            <input type="hidden" name="option" value={option[0]} />
            <BlockStack gap="200">
              <ChoiceList
                title="Choose another plan"
                choices={others.map((plan) => ({ label: `${plan.description} (about ${plan.estimatedCost})`, value: String(plan.option) }))}
                selected={option}
                onChange={setOption}
              />
              {props.errors.option ? (
                <Text as="p" tone="critical">
                  {props.errors.option}
                </Text>
              ) : null}
              <InlineStack>
                <Button submit loading={props.submitting === "approve"}>
                  Use this plan instead
                </Button>
              </InlineStack>
            </BlockStack>
          </Form>
        ) : null}
        <Form method="post">
          <input type="hidden" name="intent" value="dismiss" />
          <InlineStack gap="200" blockAlign="end">
            <Box minWidth="320px">
              <TextField label="Reason to dismiss" name="reason" value={reason} onChange={setReason} autoComplete="off" error={props.errors.reason} />
            </Box>
            <Button submit loading={props.submitting === "dismiss"}>
              Dismiss
            </Button>
          </InlineStack>
        </Form>
      </BlockStack>
    </Card>
  );
}
