// Settings: what customers read. The resolution policy shown on their order page, and the
// e-mails that are the same for every kind of incident (each kind's apology is on its page).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Banner, BlockStack, Card, Layout, Text, TextField } from "@shopify/polaris";

import { AppErrorBoundary } from "../components/AppErrorBoundary";
import { EmailPreview } from "../components/settings/EmailPreview";
import { useFields } from "../components/settings/fields";
import { SettingsForm } from "../components/settings/SettingsForm";
import type { SettingsPageProps } from "../components/settings/settings-page";
import { settingsPage } from "../components/settings/settings-page";
import { db } from "../db.server";
import { env } from "../env.server";
import { customerFacingShop } from "../models/shop.server";
import { PLACEHOLDER_HELP, SHOP_WIDE_MESSAGE_KINDS, defaultShopWideTemplate, emailLanguage, previewEmail } from "../remediation/policy/emails";
import { messageField } from "../remediation/policy/form";
import { RESOLUTION_POLICY_FIELD } from "../remediation/policy/resolution";
import { settingsPageAction, settingsPageData } from "../settings-page.server";

const owns = (field: string) => field.startsWith("messages.") || field === RESOLUTION_POLICY_FIELD;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, settings, values } = await settingsPageData(request);
  const profile = await customerFacingShop(db(), shop);
  return {
    values,
    defaultResolutionPolicy: settings.defaultResolutionPolicy,
    email: { on: Boolean(env().SMTP_URL), language: emailLanguage(profile.primaryLocale), shopName: profile.name },
  };
};

export const action = async ({ request }: ActionFunctionArgs) => settingsPageAction(request, owns);

const SHOP_WIDE_TITLES: Record<(typeof SHOP_WIDE_MESSAGE_KINDS)[number], { label: string; help: string }> = {
  report_received: { label: "We received your report", help: "Sent when a customer reports a problem from their order page." },
  approved: { label: "Your request is approved", help: "Sent when you approve a remedy for a problem the customer reported." },
  resolved: { label: "Resolved", help: "Sent when a problem the customer reported is resolved and the plan had no apology message of its own." },
};

export default settingsPage<typeof loader>(MessagesForm);

function MessagesForm({ values: initial, defaultResolutionPolicy, email, errors, saved }: SettingsPageProps<typeof loader>) {
  const fields = useFields(initial, errors);
  const { values, text } = fields;
  return (
    <SettingsForm
      title="Customer messages"
      fields={fields}
      saved={saved}
      ownField={owns}
      notices={
        email.on ? null : (
          <Layout.Section>
            <Banner tone="warning" title="E-mail to customers is off">
              No e-mail reaches your customers until SMTP_URL and SMTP_FROM are set. Apologies, codes and updates wait in the outbox meanwhile;
              each incident&apos;s timeline says the message was not sent, and they go out once e-mail is set up.
            </Banner>
          </Layout.Section>
        )
      }
    >
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
              E-mails for every kind of incident
            </Text>
            <Text as="p" tone="subdued">
              Leave a message empty to send the default, in the customer&apos;s language (English or Spanish). What you write here is sent as
              written, whatever the customer&apos;s language. Each kind&apos;s apology is on its own page under Remedies.
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
                    previewEmail({ kind, incidentKind: "wrong_item", template: values[messageField(kind)] ?? "", language: email.language, shopName: email.shopName })
                  }
                />
              </BlockStack>
            ))}
          </BlockStack>
        </Card>
      </Layout.Section>
    </SettingsForm>
  );
}

export const ErrorBoundary = AppErrorBoundary;
