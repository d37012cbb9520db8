// Settings, one incident kind: what Amends offers for it, whether it may act alone, and the
// apology. The page posts only this kind's fields; the rest of the policy is kept as stored.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Banner, BlockStack, Card, Checkbox, FormLayout, InlineError, Layout, Select, Text, TextField } from "@shopify/polaris";

import { AppErrorBoundary } from "../components/AppErrorBoundary";
import { EmailPreview } from "../components/settings/EmailPreview";
import { useFields } from "../components/settings/fields";
import { SettingsForm } from "../components/settings/SettingsForm";
import type { SettingsPageProps } from "../components/settings/settings-page";
import { settingsPage } from "../components/settings/settings-page";
import { db } from "../db.server";
import { env } from "../env.server";
import type { IncidentKind } from "../incidents/model";
import { INCIDENT_KINDS } from "../incidents/model";
import { customerFacingShop } from "../models/shop.server";
import { returnAllowed } from "../remediation/policy/allowed";
import { kindTitle } from "../remediation/policy/decide";
import { PLACEHOLDER_HELP, emailLanguage, previewEmail } from "../remediation/policy/emails";
import type { KindField } from "../remediation/policy/form";
import { CHECKED, KINDS_WITH_DAYS_LATE, kindField } from "../remediation/policy/form";
import { DEFAULT_MESSAGE_TEMPLATES } from "../remediation/policy/messages";
import type { RemedyTemplate } from "../remediation/policy/schema";
import { settingsPageAction, settingsPageData } from "../settings-page.server";

function kindOf(param: string | undefined): IncidentKind {
  const kind = INCIDENT_KINDS.find((k) => k === param);
  if (!kind) throw new Response("No such kind of incident", { status: 404 });
  return kind;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const kind = kindOf(params.kind);
  const { shop, settings, values } = await settingsPageData(request);
  const profile = await customerFacingShop(db(), shop);
  const alternatives = (settings.policy.kinds[kind]?.alternatives ?? []).map((plan) =>
    plan.map((remedy) => remedyName(remedy, settings.currencyCode)).join(" + "),
  );
  return {
    kind,
    values,
    currencyCode: settings.currencyCode,
    policyProblem: settings.policyProblem,
    alternatives,
    // Without SMTP_URL no e-mail leaves: the page says so rather than let the merchant assume.
    email: { on: Boolean(env().SMTP_URL), language: emailLanguage(profile.primaryLocale), shopName: profile.name },
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const kind = kindOf(params.kind);
  return settingsPageAction(request, (field) => field.startsWith(`kinds.${kind}.`));
};

function remedyName(remedy: RemedyTemplate, currencyCode: string): string {
  switch (remedy.type) {
    case "message":
      return "apology message";
    case "refund":
      return remedy.includeShipping === "always"
        ? "refund with shipping"
        : remedy.includeShipping === "whole_order"
          ? "refund (with shipping when it is the whole order)"
          : "refund";
    case "replacement":
      return "replacement";
    case "return":
      return "asking for the item back";
    case "cancel":
      return "cancellation";
    case "discount_code":
      return "percentage" in remedy.value ? `${remedy.value.percentage} % discount code` : `${remedy.value.fixedAmount} ${currencyCode} discount code`;
  }
}

export default settingsPage<typeof loader>(KindForm);

function KindForm({ kind, values: initial, currencyCode, policyProblem, alternatives, email, errors, saved }: SettingsPageProps<typeof loader>) {
  const fields = useFields(initial, errors);
  const { values, set, choice, number, text, tick } = fields;
  const name = (field: KindField) => kindField(kind, field);
  const ticked = (field: KindField) => values[name(field)] === CHECKED;
  const fixed = values[name("discountType")] === "fixedAmount";
  const remediesError = errors[name("remedies")];
  const template = name("messageTemplate");
  return (
    <SettingsForm
      title={kindTitle(kind)}
      subtitle="What Amends offers for this kind of incident, and when it may act alone."
      fields={fields}
      saved={saved}
      ownField={(field) => field.startsWith(`kinds.${kind}.`)}
      notices={
        policyProblem ? (
          <Layout.Section>
            <Banner tone="warning" title="The stored policy could not be used">
              Amends is using the default policy shown until you save. ({policyProblem})
            </Banner>
          </Layout.Section>
        ) : null
      }
    >
      <Layout.Section>
        <Card>
          <BlockStack gap="300">
            <Select
              label="Remedies are applied"
              options={[
                { label: "Automatically, unless a cap or abuse check asks for my approval", value: "automatic" },
                { label: "Only after my approval", value: "manual" },
              ]}
              {...choice(name("mode"))}
            />
            <BlockStack gap="100">
              <Text as="h2" variant="headingSm">
                Remedies
              </Text>
              <Checkbox label="Send the apology message below" {...tick(name("message"))} />
              <Checkbox label="Refund the affected items" id={`${kind}-refund`} {...tick(name("refund"))} />
              {ticked("refund") ? (
                <div style={{ paddingInlineStart: "1.75rem" }}>
                  <Select
                    label="Refund shipping"
                    options={[
                      { label: "When the whole order is refunded", value: "whole_order" },
                      { label: "Always", value: "always" },
                      { label: "Never", value: "never" },
                    ]}
                    {...choice(name("refundShipping"))}
                  />
                </div>
              ) : null}
              <Checkbox label="Send a replacement" {...tick(name("replacement"))} />
              {returnAllowed(kind) ? (
                <Checkbox
                  label="Ask for the item back"
                  helpText="Opens a return in Shopify for the affected items that have shipped. On its own, or with a replacement or refund."
                  {...tick(name("return"))}
                />
              ) : null}
              <Checkbox label="Cancel the affected items" {...tick(name("cancel"))} />
              <Checkbox label="Discount code" {...tick(name("discount"))} />
              {ticked("discount") ? (
                <div style={{ paddingInlineStart: "1.75rem" }}>
                  <FormLayout>
                    <FormLayout.Group condensed>
                      <Select
                        label="Discount"
                        options={[
                          { label: "Percentage off", value: "percentage" },
                          { label: `Fixed amount (${currencyCode})`, value: "fixedAmount" },
                        ]}
                        {...choice(name("discountType"))}
                      />
                      <TextField label={fixed ? "Amount" : "Percentage"} suffix={fixed ? currencyCode : "%"} {...number(name("discountValue"))} />
                      <TextField label="Expires after" suffix="days" {...number(name("discountExpiresInDays"))} />
                    </FormLayout.Group>
                  </FormLayout>
                </div>
              ) : null}
              {remediesError ? <InlineError message={remediesError} fieldID={`${kind}-refund`} /> : null}
              {alternatives.length > 0 ? (
                <Text as="p" tone="subdued">
                  When you approve, you can also choose: {alternatives.join("; ")}.
                </Text>
              ) : null}
            </BlockStack>
            {KINDS_WITH_DAYS_LATE.includes(kind) ? (
              <TextField
                label="Act once the parcel is at least"
                suffix="days late"
                placeholder="Any delay"
                helpText="Leave empty to act on every late delivery."
                {...number(name("minDaysLate"))}
              />
            ) : null}
          </BlockStack>
        </Card>
      </Layout.Section>
      <Layout.Section>
        <Card>
          <BlockStack gap="300">
            <TextField
              label="Apology message"
              multiline={4}
              placeholder={DEFAULT_MESSAGE_TEMPLATES[kind]}
              helpText={PLACEHOLDER_HELP}
              labelAction={
                values[template] ? undefined : { content: "Edit the default message", onAction: () => set(template)(DEFAULT_MESSAGE_TEMPLATES[kind]) }
              }
              {...text(template)}
            />
            {email.on ? null : (
              <Text as="p" tone="caution">
                E-mail to customers is off until SMTP_URL and SMTP_FROM are set; messages wait in the outbox meanwhile.
              </Text>
            )}
            <EmailPreview
              render={() => previewEmail({ kind: "apology", incidentKind: kind, template: values[template] ?? "", language: email.language, shopName: email.shopName })}
            />
          </BlockStack>
        </Card>
      </Layout.Section>
    </SettingsForm>
  );
}

export const ErrorBoundary = AppErrorBoundary;
