// The merchant's settings: what Amends offers for each kind of incident and when it may act
// alone, the apology messages, the caps and abuse checks, and when an order counts as late.
// The page posts named fields; app/remediation/policy/form.ts turns them into a policy that
// the policy's own schema checks, and nothing is saved unless everything is valid.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineError,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";

import { requireAdmin } from "../admin-auth.server";
import { db } from "../db.server";
import { env } from "../env.server";
import type { IncidentKind } from "../incidents/model";
import { INCIDENT_KINDS } from "../incidents/model";
import { loadSettings, saveSettings, validateDetectionSettings, validateResolutionPolicy } from "../models/settings.server";
import { customerFacingShop } from "../models/shop.server";
import type { EmailLanguage } from "../remediation/policy/emails";
import { SHOP_WIDE_MESSAGE_KINDS, defaultShopWideTemplate, emailLanguage, previewEmail } from "../remediation/policy/emails";
import { kindTitle } from "../remediation/policy/decide";
import type { FieldErrors, FormValues, KindField } from "../remediation/policy/form";
import {
  CHECKED,
  KINDS_WITH_DAYS_LATE,
  abuseField,
  capField,
  detectionField,
  detectionFromForm,
  detectionToFormValues,
  kindField,
  messageField,
  policyFromForm,
  policyToFormValues,
} from "../remediation/policy/form";
import { DEFAULT_MESSAGE_TEMPLATES, PLACEHOLDERS } from "../remediation/policy/messages";
import { RESOLUTION_POLICY_FIELD } from "../remediation/policy/resolution";
import type { RemedyTemplate } from "../remediation/policy/schema";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [{ policy, policyProblem, detection, currencyCode, resolutionPolicy, defaultResolutionPolicy }, profile] = await Promise.all([
    loadSettings(db(), shop),
    customerFacingShop(db(), shop),
  ]);
  const alternatives = Object.fromEntries(
    INCIDENT_KINDS.map((kind) => [
      kind,
      (policy.kinds[kind]?.alternatives ?? []).map((plan) =>
        plan.map((remedy) => remedyName(remedy, currencyCode)).join(" + "),
      ),
    ]),
  );
  return {
    values: {
      ...policyToFormValues(policy),
      ...detectionToFormValues(detection),
      [RESOLUTION_POLICY_FIELD]: resolutionPolicy ?? "",
    } as FormValues,
    defaultResolutionPolicy,
    currencyCode,
    policyProblem,
    alternatives,
    email: {
      // Without SMTP_URL no e-mail leaves: the page says so rather than let the merchant assume.
      on: Boolean(env().SMTP_URL),
      language: emailLanguage(profile.primaryLocale),
      shopName: profile.name,
    },
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  // The stored policy supplies what the page does not edit (currency, alternatives).
  const current = await loadSettings(db(), shop);
  const form = await request.formData();
  // Amounts are typed in the shop's currency, whatever the stored policy's was.
  const policy = policyFromForm(form, { ...current.policy, currencyCode: current.currencyCode });
  const detection = validateDetectionSettings(detectionFromForm(form));
  const resolutionPolicy = validateResolutionPolicy(form.get(RESOLUTION_POLICY_FIELD));
  if (!policy.ok || !detection.ok || !resolutionPolicy.ok) {
    const errors: FieldErrors = {
      ...(policy.ok ? {} : policy.errors),
      ...(detection.ok ? {} : detection.errors),
      ...(resolutionPolicy.ok ? {} : resolutionPolicy.errors),
    };
    return Response.json({ errors, saved: false }, { status: 422 });
  }
  await saveSettings(db(), shop, { policy: policy.value, detection: detection.value, resolutionPolicy: resolutionPolicy.value });
  return { errors: {} as FieldErrors, saved: true };
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
    case "cancel":
      return "cancellation";
    case "discount_code":
      return "percentage" in remedy.value
        ? `${remedy.value.percentage} % discount code`
        : `${remedy.value.fixedAmount} ${currencyCode} discount code`;
  }
}

const SECTION_TITLES: Record<string, string> = {
  caps: "Caps",
  abuse: "Abuse checks",
  detection: "Detection",
  customers: "What customers can expect",
  messages: "Other e-mails to customers",
};

/** "Late delivery and Caps": on a long page, where to look. */
function sectionsWithErrors(errors: FieldErrors): string {
  const titles = Object.keys(errors).map((field) => {
    const [section = "", kind] = field.split(".");
    const known = INCIDENT_KINDS.find((k) => k === kind);
    return section === "kinds" && known
      ? kindTitle(known)
      : (SECTION_TITLES[section] ?? section);
  });
  return new Intl.ListFormat("en", { type: "conjunction" }).format([...new Set(titles)]);
}

const PLACEHOLDER_HELP = [
  "Leave empty to send the default message shown.",
  `Placeholders: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}.`,
  "Text between {{#code}} and {{/code}} is sent only when there is a code; the same works for every placeholder.",
].join(" ");

export default function SettingsPage() {
  const { values, currencyCode, policyProblem, alternatives, defaultResolutionPolicy, email } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // A new key after a save shows the values as stored, not as typed ("20.0" comes back "20").
  return (
    <SettingsForm
      key={JSON.stringify(values)}
      initial={values}
      currencyCode={currencyCode}
      policyProblem={policyProblem}
      alternatives={alternatives}
      defaultResolutionPolicy={defaultResolutionPolicy}
      email={email}
      errors={actionData?.errors ?? {}}
      saved={actionData?.saved ?? false}
    />
  );
}

interface FormProps {
  initial: FormValues;
  currencyCode: string;
  policyProblem: string | null;
  alternatives: Record<string, string[]>;
  defaultResolutionPolicy: string;
  email: EmailSettings;
  errors: FieldErrors;
  saved: boolean;
}

interface EmailSettings {
  on: boolean;
  language: EmailLanguage;
  shopName: string;
}

/** Controlled Polaris inputs that still post their value under `name`, like plain inputs. */
function useFields(initial: FormValues, errors: FieldErrors) {
  const [values, setValues] = useState(initial);
  const set = (name: string) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const choice = (name: string) => ({
    name,
    value: values[name] ?? "",
    onChange: set(name),
    error: errors[name],
  });
  const text = (name: string) => ({ ...choice(name), autoComplete: "off" });
  // Text, not type="number": the browser would block decimals and say why in its own words.
  const number = (name: string) => ({ ...text(name), inputMode: "decimal" as const });
  const tick = (name: string) => ({
    name,
    value: CHECKED,
    checked: values[name] === CHECKED,
    onChange: (on: boolean) => set(name)(on ? CHECKED : ""),
  });
  return { values, errors, set, choice, text, number, tick };
}
type Fields = ReturnType<typeof useFields>;

function SettingsForm({
  initial,
  currencyCode,
  policyProblem,
  alternatives,
  defaultResolutionPolicy,
  email,
  errors,
  saved,
}: FormProps) {
  const navigation = useNavigation();
  const fields = useFields(initial, errors);
  const { text, number } = fields;
  const failed = Object.keys(errors).length > 0;
  const saving = navigation.state === "submitting";

  return (
    <Form method="post">
      <Page
        title="Settings"
        backAction={{ content: "Incidents", url: "/app" }}
        primaryAction={
          <Button submit variant="primary" loading={saving}>
            Save
          </Button>
        }
      >
        <Layout>
          {saved && !failed ? (
            <Layout.Section>
              <Banner tone="success" title="Settings saved">
                Amends uses them from the next incident on.
              </Banner>
            </Layout.Section>
          ) : null}
          {failed ? (
            <Layout.Section>
              <Banner tone="critical" title="Nothing was saved">
                {errors.form ??
                  `Fix the fields marked in ${sectionsWithErrors(errors)}, then save again.`}
              </Banner>
            </Layout.Section>
          ) : null}
          {policyProblem ? (
            <Layout.Section>
              <Banner tone="warning" title="The stored policy could not be used">
                Amends is using the default policy shown below until you save. ({policyProblem})
              </Banner>
            </Layout.Section>
          ) : null}

          {email.on ? null : (
            <Layout.Section>
              <Banner tone="warning" title="E-mail to customers is off">
                No e-mail reaches your customers until SMTP_URL and SMTP_FROM are set. Apologies, codes
                and updates wait in the outbox meanwhile; each incident&apos;s timeline says the message
                was not sent, and they go out once e-mail is set up.
              </Banner>
            </Layout.Section>
          )}

          <Layout.Section>
            <ShopWideMessages fields={fields} email={email} />
          </Layout.Section>

          {INCIDENT_KINDS.map((kind) => (
            <Layout.Section key={kind}>
              <KindCard
                email={email}
                kind={kind}
                fields={fields}
                currencyCode={currencyCode}
                alternatives={alternatives[kind] ?? []}
              />
            </Layout.Section>
          ))}

          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Caps
                </Text>
                <Text as="p" tone="subdued">
                  Above a cap, Amends asks for your approval instead of acting alone. Leave a cap
                  empty for no cap.
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField
                      label="Per incident"
                      suffix={currencyCode}
                      placeholder="No cap"
                      {...number(capField("maxPerIncident"))}
                    />
                    <TextField
                      label="Per customer, over 12 months"
                      suffix={currencyCode}
                      placeholder="No cap"
                      {...number(capField("maxPerCustomer12Months"))}
                    />
                    <TextField
                      label="Per day, store-wide"
                      suffix={currencyCode}
                      placeholder="No cap"
                      {...number(capField("maxPerDayStoreWide"))}
                    />
                  </FormLayout.Group>
                </FormLayout>
              </BlockStack>
            </Card>
          </Layout.Section>

          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Abuse checks
                </Text>
                <Text as="p" tone="subdued">
                  A customer whose history crosses one of these waits for your approval before money
                  moves.
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField
                      label="Earlier incidents in 12 months, at least"
                      {...number(abuseField("incidentsLast12Months"))}
                    />
                    <TextField
                      label="Refunded in 12 months, above"
                      suffix={currencyCode}
                      {...number(abuseField("refundedLast12Months"))}
                    />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField
                      label="Refunds as a share of spend, above"
                      suffix="%"
                      {...number(abuseField("refundRatePercent"))}
                    />
                    <TextField
                      label="Once refunds reach"
                      suffix={currencyCode}
                      helpText="One small refund is not a pattern."
                      {...number(abuseField("refundRateMinRefunded"))}
                    />
                  </FormLayout.Group>
                  <TextField
                    label="A claim on a first order worth more than"
                    suffix={currencyCode}
                    {...number(abuseField("firstOrderClaimValue"))}
                  />
                </FormLayout>
              </BlockStack>
            </Card>
          </Layout.Section>

          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  What customers can expect
                </Text>
                <TextField
                  label="Your resolution policy"
                  multiline={5}
                  maxLength={2000}
                  showCharacterCount
                  placeholder={defaultResolutionPolicy}
                  helpText="Shown to customers on their order page, before and after they report a problem: who answers, how fast, which remedies you offer. Leave empty to show the text above, in your store's language."
                  {...text(RESOLUTION_POLICY_FIELD)}
                />
              </BlockStack>
            </Card>
          </Layout.Section>

          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Detection
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField
                      label="Orders ship within"
                      suffix="business days"
                      helpText="After payment; later is a late fulfilment."
                      {...number(detectionField("fulfilmentSlaBusinessDays"))}
                    />
                    <TextField
                      label="A parcel is late after its estimated delivery by"
                      suffix="days"
                      {...number(detectionField("deliveryGraceDays"))}
                    />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField
                      label="Tracking silent for"
                      suffix="days"
                      helpText="A parcel in transit with no update for this long may be lost."
                      {...number(detectionField("trackingSilenceDays"))}
                    />
                    <TextField
                      label="Respond to a new incident within"
                      suffix="hours"
                      {...number(detectionField("responseHours"))}
                    />
                  </FormLayout.Group>
                  <TextField
                    label="Holidays"
                    multiline={3}
                    placeholder="2026-12-25"
                    helpText="Days that are not business days, one per line (YYYY-MM-DD)."
                    {...text(detectionField("holidays"))}
                  />
                </FormLayout>
              </BlockStack>
            </Card>
          </Layout.Section>

          <Layout.Section>
            <Button submit variant="primary" loading={saving}>
              Save
            </Button>
          </Layout.Section>
        </Layout>
      </Page>
    </Form>
  );
}

interface KindCardProps {
  email: EmailSettings;
  kind: IncidentKind;
  fields: Fields;
  currencyCode: string;
  alternatives: string[];
}

function KindCard({ email, kind, fields, currencyCode, alternatives }: KindCardProps) {
  const { values, errors, set, choice, number, text, tick } = fields;
  const name = (field: KindField) => kindField(kind, field);
  const ticked = (field: KindField) => values[name(field)] === CHECKED;
  const fixed = values[name("discountType")] === "fixedAmount";
  const remediesError = errors[name("remedies")];
  const template = name("messageTemplate");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {kindTitle(kind)}
        </Text>
        <Select
          label="Remedies are applied"
          options={[
            {
              label: "Automatically, unless a cap or abuse check asks for my approval",
              value: "automatic",
            },
            { label: "Only after my approval", value: "manual" },
          ]}
          {...choice(name("mode"))}
        />
        <BlockStack gap="100">
          <Text as="h3" variant="headingSm">
            Remedies
          </Text>
          <Checkbox label="Send the apology message below" {...tick(name("message"))} />
          <Checkbox
            label="Refund the affected items"
            id={`${kind}-refund`}
            {...tick(name("refund"))}
          />
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
                  <TextField
                    label={fixed ? "Amount" : "Percentage"}
                    suffix={fixed ? currencyCode : "%"}
                    {...number(name("discountValue"))}
                  />
                  <TextField
                    label="Expires after"
                    suffix="days"
                    {...number(name("discountExpiresInDays"))}
                  />
                </FormLayout.Group>
              </FormLayout>
            </div>
          ) : null}
          {remediesError ? (
            <InlineError message={remediesError} fieldID={`${kind}-refund`} />
          ) : null}
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
        <TextField
          label="Apology message"
          multiline={4}
          placeholder={DEFAULT_MESSAGE_TEMPLATES[kind]}
          helpText={PLACEHOLDER_HELP}
          labelAction={
            values[template]
              ? undefined
              : {
                  content: "Edit the default message",
                  onAction: () => set(template)(DEFAULT_MESSAGE_TEMPLATES[kind]),
                }
          }
          {...text(template)}
        />
        <EmailPreview
          render={() => previewEmail({ kind: "apology", incidentKind: kind, template: values[template] ?? "", language: email.language, shopName: email.shopName })}
        />
      </BlockStack>
    </Card>
  );
}

const SHOP_WIDE_TITLES: Record<(typeof SHOP_WIDE_MESSAGE_KINDS)[number], { label: string; help: string }> = {
  report_received: { label: "We received your report", help: "Sent when a customer reports a problem from their order page." },
  approved: { label: "Your request is approved", help: "Sent when you approve a remedy for a problem the customer reported." },
  resolved: {
    label: "Resolved",
    help: "Sent when a problem the customer reported is resolved and the plan had no apology message of its own.",
  },
};

/** The e-mails that are the same for every kind of incident, with a preview of each. */
function ShopWideMessages({ fields, email }: { fields: Fields; email: EmailSettings }) {
  const { values, text } = fields;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Other e-mails to customers
        </Text>
        <Text as="p" tone="subdued">
          Leave a message empty to send the default, in the customer&apos;s language (English or Spanish). What you
          write here is sent as written, whatever the customer&apos;s language.
        </Text>
        {SHOP_WIDE_MESSAGE_KINDS.map((kind) => (
          <BlockStack gap="100" key={kind}>
            <TextField
              label={SHOP_WIDE_TITLES[kind].label}
              multiline={4}
              placeholder={defaultShopWideTemplate(kind, email.language)}
              helpText={`${SHOP_WIDE_TITLES[kind].help} ${PLACEHOLDER_HELP}`}
              {...text(messageField(kind))}
            />
            <EmailPreview
              render={() =>
                previewEmail({
                  kind,
                  incidentKind: "wrong_item",
                  template: values[messageField(kind)] ?? "",
                  language: email.language,
                  shopName: email.shopName,
                })
              }
            />
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}

/** An e-mail as the customer gets it, with sample values, as the merchant types. Rendered only
 * once opened: fifteen frames loading with the page would slow it for nothing. */
function EmailPreview({ render }: { render: () => ReturnType<typeof previewEmail> }) {
  const [open, setOpen] = useState(false);
  const preview = open ? render() : null;
  return (
    <details onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Preview the e-mail</summary>
      {preview && "problem" in preview ? (
        <Text as="p" tone="critical">
          {preview.problem}
        </Text>
      ) : preview ? (
        <BlockStack gap="100">
          <Text as="p" variant="bodySm" tone="subdued">
            Subject: {preview.subject}
          </Text>
          <iframe
            title="E-mail preview"
            sandbox=""
            srcDoc={preview.html}
            style={{ width: "100%", height: "20rem", border: "1px solid #e1e3e5", borderRadius: 4 }}
          />
        </BlockStack>
      ) : null}
    </details>
  );
}
