// Settings: caps (above them Amends asks for approval instead of acting alone) and the abuse
// checks that make a customer's claims wait for the merchant.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { BlockStack, Card, FormLayout, Layout, Text, TextField } from "@shopify/polaris";

import { AppErrorBoundary } from "../components/AppErrorBoundary";
import { useFields } from "../components/settings/fields";
import { SettingsForm } from "../components/settings/SettingsForm";
import type { SettingsPageProps } from "../components/settings/settings-page";
import { settingsPage } from "../components/settings/settings-page";
import { abuseField, capField } from "../remediation/policy/form";
import { settingsPageAction, settingsPageData } from "../settings-page.server";

const owns = (field: string) => field.startsWith("caps.") || field.startsWith("abuse.");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { settings, values } = await settingsPageData(request);
  return { values, currencyCode: settings.currencyCode, policyProblem: settings.policyProblem };
};

export const action = async ({ request }: ActionFunctionArgs) => settingsPageAction(request, owns);

export default settingsPage<typeof loader>(LimitsForm);

function LimitsForm({ values, currencyCode, errors, saved }: SettingsPageProps<typeof loader>) {
  const fields = useFields(values, errors);
  const { number } = fields;
  return (
    <SettingsForm title="Caps and abuse checks" fields={fields} saved={saved} ownField={owns}>
      <Layout.Section>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Caps
            </Text>
            <Text as="p" tone="subdued">
              Above a cap, Amends asks for your approval instead of acting alone. Leave a cap empty for no cap.
            </Text>
            <FormLayout>
              <FormLayout.Group>
                <TextField label="Per incident" suffix={currencyCode} placeholder="No cap" {...number(capField("maxPerIncident"))} />
                <TextField label="Per customer, over 12 months" suffix={currencyCode} placeholder="No cap" {...number(capField("maxPerCustomer12Months"))} />
                <TextField label="Per day, store-wide" suffix={currencyCode} placeholder="No cap" {...number(capField("maxPerDayStoreWide"))} />
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
              A customer whose history crosses one of these waits for your approval before money moves.
            </Text>
            <FormLayout>
              <FormLayout.Group>
                <TextField label="Earlier incidents in 12 months, at least" {...number(abuseField("incidentsLast12Months"))} />
                <TextField label="Refunded in 12 months, above" suffix={currencyCode} {...number(abuseField("refundedLast12Months"))} />
              </FormLayout.Group>
              <FormLayout.Group>
                <TextField label="Refunds as a share of spend, above" suffix="%" {...number(abuseField("refundRatePercent"))} />
                <TextField label="Once refunds reach" suffix={currencyCode} helpText="One small refund is not a pattern." {...number(abuseField("refundRateMinRefunded"))} />
              </FormLayout.Group>
              <TextField label="A claim on a first order worth more than" suffix={currencyCode} {...number(abuseField("firstOrderClaimValue"))} />
            </FormLayout>
          </BlockStack>
        </Card>
      </Layout.Section>
    </SettingsForm>
  );
}

export const ErrorBoundary = AppErrorBoundary;
