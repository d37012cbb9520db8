// The remedy, as proposed or changed by the merchant, and the confirmation that shows exactly
// what will happen (amounts, items, the code and its last day, the customer's e-mails) before
// it happens. The server works the preview out and checks every field; approving sends the
// same fields again, and the server checks them again.
import { Banner, BlockStack, Box, Button, Card, Checkbox, ChoiceList, InlineStack, Modal, Select, Text, TextField } from "@shopify/polaris";
import { useFetcher, useSubmit } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

import type { MerchantRemedy } from "../../remediation/policy/choice";

export interface RemedyDefaults {
  refund: boolean;
  refundAmount: string;
  refundShipping: boolean;
  replacement: boolean;
  return: boolean;
  cancel: boolean;
  discount: boolean;
  discountType: "percentage" | "fixedAmount";
  discountValue: string;
  discountExpiresInDays: string;
  message: boolean;
}

export interface PreviewAnswer {
  errors: Record<string, string>;
  preview: {
    lines: string[];
    estimatedCost: string | null;
    reasons: string[];
    messages: { subject: string; text: string; to: string | null }[];
  } | null;
}

const LABELS: Record<MerchantRemedy, string> = {
  refund: "Refund",
  replacement: "Send a replacement",
  return: "Ask for the item back (Shopify return)",
  cancel: "Cancel the items",
  discount_code: "Discount code",
  message: "Apology e-mail",
};

export function RemedyEditor(props: {
  plans: { option: number; description: string; estimatedCost: string }[];
  chosen: number;
  allowed: readonly MerchantRemedy[];
  defaults: RemedyDefaults;
  orderCurrency: string;
  shopCurrency: string;
  reasons: string[];
  resuming: boolean;
  busy: boolean;
  actionErrors: Record<string, string>;
}) {
  const { defaults, allowed } = props;
  const formRef = useRef<HTMLFormElement>(null);
  const preview = useFetcher<PreviewAnswer>();
  const submit = useSubmit();
  const [plan, setPlan] = useState([props.plans.length > 0 ? `policy:${props.chosen}` : "custom"]);
  const [v, setV] = useState(defaults);
  const [open, setOpen] = useState(false);
  const set = <K extends keyof RemedyDefaults>(key: K) => (value: RemedyDefaults[K]) => setV((current) => ({ ...current, [key]: value }));
  const custom = plan[0] === "custom";
  const errors = { ...props.actionErrors, ...(preview.data?.errors ?? {}) };

  useEffect(() => {
    if (preview.state === "idle" && preview.data?.preview) setOpen(true);
  }, [preview.state, preview.data]);

  const fields = () => {
    const data = new FormData(formRef.current ?? undefined);
    return data;
  };
  const review = () => {
    const data = fields();
    data.set("intent", "preview");
    preview.submit(data, { method: "post" });
  };
  const approve = () => {
    const data = fields();
    data.set("intent", "approve");
    setOpen(false);
    submit(data, { method: "post" });
  };
  const shown = preview.data?.preview;

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Remedy
        </Text>
        {props.reasons.length > 0 ? (
          <Banner tone="warning" title="Why it waits for you">
            {props.reasons.map((why) => (
              <Text as="p" key={why}>
                {why}
              </Text>
            ))}
          </Banner>
        ) : null}
        <form ref={formRef} onSubmit={(event) => (event.preventDefault(), review())}>
          <BlockStack gap="300">
            {props.resuming ? (
              <Text as="p">A remedy is under way; approving again finishes it as it was chosen.</Text>
            ) : (
              <ChoiceList
                title="Plan"
                choices={[
                  ...props.plans.map((p) => ({ label: `${p.description} (about ${p.estimatedCost})`, value: `policy:${p.option}` })),
                  { label: "Choose the remedies myself", value: "custom" },
                ]}
                selected={plan}
                onChange={setPlan}
              />
            )}
            <input type="hidden" name="plan" value={props.resuming ? "resume" : (plan[0] ?? "custom")} />
            {custom && !props.resuming ? (
              <Box paddingInlineStart="400">
                <BlockStack gap="200">
                  {allowed.includes("refund") ? (
                    <BlockStack gap="100">
                      <Checkbox value="on" label={LABELS.refund} name="remedy_refund" checked={v.refund} onChange={set("refund")} />
                      {v.refund ? (
                        <InlineStack gap="300" wrap blockAlign="end">
                          <Box minWidth="160px">
                            <TextField label={`Amount (${props.orderCurrency})`} name="refundAmount" value={v.refundAmount} onChange={set("refundAmount")} autoComplete="off" inputMode="decimal" error={errors.refundAmount} />
                          </Box>
                          <Checkbox value="on" label="Refund shipping too" name="refundShipping" checked={v.refundShipping} onChange={set("refundShipping")} />
                        </InlineStack>
                      ) : null}
                    </BlockStack>
                  ) : null}
                  {allowed.includes("replacement") ? <Checkbox value="on" label={LABELS.replacement} name="remedy_replacement" checked={v.replacement} onChange={set("replacement")} /> : null}
                  {allowed.includes("return") ? (
                    <Checkbox value="on" label={LABELS.return} name="remedy_return" checked={v.return} onChange={set("return")} helpText="For items that have shipped; alone or with a replacement or refund." />
                  ) : null}
                  {allowed.includes("cancel") ? <Checkbox value="on" label={LABELS.cancel} name="remedy_cancel" checked={v.cancel} onChange={set("cancel")} /> : null}
                  {allowed.includes("discount_code") ? (
                    <BlockStack gap="100">
                      <Checkbox value="on" label={LABELS.discount_code} name="remedy_discount" checked={v.discount} onChange={set("discount")} />
                      {v.discount ? (
                        <InlineStack gap="300" wrap blockAlign="end">
                          <Select
                            label="Kind"
                            name="discountType"
                            options={[
                              { label: "Percentage", value: "percentage" },
                              { label: `Fixed amount (${props.shopCurrency})`, value: "fixedAmount" },
                            ]}
                            value={v.discountType}
                            onChange={(value) => set("discountType")(value === "fixedAmount" ? "fixedAmount" : "percentage")}
                          />
                          <Box minWidth="120px">
                            <TextField label={v.discountType === "percentage" ? "Percent off" : "Amount off"} name="discountValue" value={v.discountValue} onChange={set("discountValue")} autoComplete="off" inputMode="decimal" error={errors.discountValue} />
                          </Box>
                          <Box minWidth="120px">
                            <TextField label="Valid for (days)" name="discountExpiresInDays" value={v.discountExpiresInDays} onChange={set("discountExpiresInDays")} autoComplete="off" inputMode="numeric" error={errors.discountExpiresInDays} />
                          </Box>
                        </InlineStack>
                      ) : null}
                    </BlockStack>
                  ) : null}
                  <Checkbox value="on" label={LABELS.message} name="remedy_message" checked={v.message} onChange={set("message")} />
                  {errors.remedies ? (
                    <Text as="p" tone="critical">
                      {errors.remedies}
                    </Text>
                  ) : null}
                </BlockStack>
              </Box>
            ) : null}
            {errors.intent ? (
              <Text as="p" tone="critical">
                {errors.intent}
              </Text>
            ) : null}
            <InlineStack>
              <Button submit variant="primary" loading={preview.state !== "idle" || props.busy}>
                {props.resuming ? "Review and resume" : "Review and approve"}
              </Button>
            </InlineStack>
          </BlockStack>
        </form>
      </BlockStack>
      <Modal
        open={open && Boolean(shown)}
        onClose={() => setOpen(false)}
        title="Approve this remedy?"
        primaryAction={{ content: "Approve and carry out", onAction: approve, loading: props.busy }}
        secondaryActions={[{ content: "Go back", onAction: () => setOpen(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="h3" variant="headingSm">
              What Amends will do on Shopify
            </Text>
            <ul data-testid="confirmation-lines" style={{ margin: 0, paddingInlineStart: "1.2em" }}>
              {shown?.lines.map((line) => (
                <li key={line}>
                  <Text as="span">{line}</Text>
                </li>
              ))}
            </ul>
            {shown?.estimatedCost ? <Text as="p">Estimated cost: {shown.estimatedCost}</Text> : null}
            {shown && shown.reasons.length > 0 ? (
              <Banner tone="warning" title="You are overriding">
                {shown.reasons.map((r) => (
                  <Text as="p" key={r}>
                    {r}
                  </Text>
                ))}
              </Banner>
            ) : null}
          </BlockStack>
        </Modal.Section>
        {shown?.messages.map((m) => (
          <Modal.Section key={m.subject}>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                E-mail to the customer{m.to ? ` (${m.to})` : " — no e-mail address, it cannot be sent"}
              </Text>
              <Text as="p" fontWeight="semibold">
                {m.subject}
              </Text>
              <pre data-testid="customer-message" style={{ whiteSpace: "pre-wrap", fontFamily: "inherit", margin: 0 }}>
                {m.text}
              </pre>
            </BlockStack>
          </Modal.Section>
        ))}
      </Modal>
    </Card>
  );
}
