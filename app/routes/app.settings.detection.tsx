// Settings: when an order counts as late or lost, and how fast a new incident needs an answer
// (the shop's default response time; a responsible party may have its own).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Card, FormLayout, Layout, TextField } from "@shopify/polaris";

import { AppErrorBoundary } from "../components/AppErrorBoundary";
import { useFields } from "../components/settings/fields";
import { SettingsForm } from "../components/settings/SettingsForm";
import type { SettingsPageProps } from "../components/settings/settings-page";
import { settingsPage } from "../components/settings/settings-page";
import { detectionField } from "../remediation/policy/form";
import { settingsPageAction, settingsPageData } from "../settings-page.server";

const owns = (field: string) => field.startsWith("detection.");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { settings, values } = await settingsPageData(request);
  return { values, timeZone: settings.detection.timeZone };
};

export const action = async ({ request }: ActionFunctionArgs) => settingsPageAction(request, owns);

export default settingsPage<typeof loader>(DetectionForm);

function DetectionForm({ values, timeZone, errors, saved }: SettingsPageProps<typeof loader>) {
  const fields = useFields(values, errors);
  const { number, text } = fields;
  return (
    <SettingsForm
      title="Detection and response times"
      subtitle={`Business days and deadlines are counted in your store's time zone (${timeZone}).`}
      fields={fields}
      saved={saved}
      ownField={owns}
    >
      <Layout.Section>
        <Card>
          <FormLayout>
            <FormLayout.Group>
              <TextField label="Orders ship within" suffix="business days" helpText="After payment; later is a late fulfilment." {...number(detectionField("fulfilmentSlaBusinessDays"))} />
              <TextField label="A parcel is late after its estimated delivery by" suffix="days" {...number(detectionField("deliveryGraceDays"))} />
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
                helpText="Unless its responsible party has its own response time."
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
        </Card>
      </Layout.Section>
    </SettingsForm>
  );
}

export const ErrorBoundary = AppErrorBoundary;
