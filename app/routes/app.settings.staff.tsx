// Settings: who may approve money moves (refunds, replacements, cancellations, codes), and up
// to how much each, in the shop's currency. Staff members appear once they have opened Amends.
// Only the store's owner may change these rights: a staff member must not raise their own limit.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Badge, Banner, BlockStack, Card, Checkbox, InlineStack, Layout, Text, TextField } from "@shopify/polaris";

import { requireAdmin } from "../admin-auth.server";
import { AppErrorBoundary } from "../components/AppErrorBoundary";
import { useFields } from "../components/settings/fields";
import { SettingsForm } from "../components/settings/SettingsForm";
import type { SettingsPageProps } from "../components/settings/settings-page";
import { settingsPage } from "../components/settings/settings-page";
import { db } from "../db.server";
import { shopSettings } from "../models/shop.server";
import { staffField } from "../incidents/staff";
import { approvalRightsFromForm, listStaff, saveApprovalRights } from "../models/staff.server";
import type { FormValues } from "../remediation/policy/form";
import { CHECKED } from "../remediation/policy/form";
import type { SettingsActionResult } from "../settings-page.server";

const owns = (field: string) => field.startsWith("staff.") || field === "form";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, staff } = await requireAdmin(request);
  const [members, { currencyCode }] = await Promise.all([listStaff(db(), shop), shopSettings(db(), shop)]);
  const values: FormValues = {};
  for (const member of members) {
    values[staffField(member.id, "canApprove")] = member.canApprove ? CHECKED : "";
    values[staffField(member.id, "approvalLimit")] = member.approvalLimit ?? "";
  }
  return { members, values, currencyCode, you: { id: staff.id, name: staff.name, accountOwner: staff.accountOwner } };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, staff } = await requireAdmin(request);
  if (!staff.accountOwner) {
    return Response.json(
      { errors: { form: "Only the store owner can change who may approve, and up to how much." }, saved: false } satisfies SettingsActionResult,
      { status: 403 },
    );
  }
  const [members, { currencyCode }] = await Promise.all([listStaff(db(), shop), shopSettings(db(), shop)]);
  const rights = approvalRightsFromForm(await request.formData(), members, currencyCode);
  if (!rights.ok) return Response.json({ errors: rights.errors, saved: false } satisfies SettingsActionResult, { status: 422 });
  await saveApprovalRights(db(), shop, rights.value);
  return { errors: {}, saved: true } satisfies SettingsActionResult;
};

export default settingsPage<typeof loader>(StaffForm);

function StaffForm({ members, values, currencyCode, you, errors, saved }: SettingsPageProps<typeof loader>) {
  const fields = useFields(values, errors);
  const { tick, number } = fields;
  return (
    <SettingsForm
      title="Staff and approvals"
      subtitle="Refunds, replacements, cancellations and discount codes need a staff member you allow, within their limit."
      fields={fields}
      saved={saved}
      ownField={owns}
      notices={
        you.accountOwner ? null : (
          <Layout.Section>
            <Banner tone="info" title={`You are signed in as ${you.name}`}>
              Only the store owner can change these rights.
            </Banner>
          </Layout.Section>
        )
      }
    >
      <Layout.Section>
        <Card>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              Staff members appear here once they have opened Amends. Above their limit, an approval is refused and the incident waits
              for someone who may approve it; the timeline says who tried and who approved.
            </Text>
            {members.map((member) => (
              <BlockStack gap="200" key={member.id}>
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingSm">
                    {member.name}
                  </Text>
                  {member.accountOwner ? <Badge tone="info">Store owner</Badge> : null}
                  {member.id === you.id ? <Badge>You</Badge> : null}
                </InlineStack>
                {member.email ? (
                  <Text as="p" tone="subdued">
                    {member.email}
                  </Text>
                ) : null}
                <InlineStack gap="400" blockAlign="end" wrap>
                  <Checkbox
                    label="May approve refunds, replacements, cancellations and codes"
                    disabled={member.accountOwner || !you.accountOwner}
                    helpText={member.accountOwner ? "The store owner always may." : undefined}
                    {...tick(staffField(member.id, "canApprove"))}
                  />
                  <div style={{ minWidth: "12rem" }}>
                    <TextField
                      label="Up to, per incident"
                      suffix={currencyCode}
                      placeholder="No limit"
                      disabled={!you.accountOwner}
                      {...number(staffField(member.id, "approvalLimit"))}
                    />
                  </div>
                </InlineStack>
              </BlockStack>
            ))}
          </BlockStack>
        </Card>
      </Layout.Section>
    </SettingsForm>
  );
}

export const ErrorBoundary = AppErrorBoundary;
