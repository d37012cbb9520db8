// Settings: who an incident can be blamed on, the merchant's own list, each with the time it
// has to respond. An incident's deadline follows its party. The response times are one form
// (with the save bar); adding and removing a party are actions of their own.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Select, Text, TextField } from "@shopify/polaris";
import type { ReactNode } from "react";
import { useState } from "react";

import { requireAdmin } from "../admin-auth.server";
import { AppErrorBoundary } from "../components/AppErrorBoundary";
import { useFields } from "../components/settings/fields";
import { SettingsForm } from "../components/settings/SettingsForm";
import { db } from "../db.server";
import { PARTY_TYPES, PARTY_TYPE_LABELS, hoursField } from "../incidents/parties";
import { staffActor } from "../incidents/staff";
import { addResponsibleParty, removeResponsibleParty, responsibleParties, setResponseTimes } from "../models/parties.server";
import { detectionSettings } from "../models/shop.server";
import type { FieldErrors, FormValues } from "../remediation/policy/form";

type PartiesResult = { errors: FieldErrors; saved: boolean; intent: string };
const owns = (field: string) => field.startsWith("hours.") || field === "form";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [parties, { responseHours }] = await Promise.all([responsibleParties(db(), shop), detectionSettings(db(), shop)]);
  const values: FormValues = Object.fromEntries(parties.map((party) => [hoursField(party.key), party.responseHours?.toString() ?? ""]));
  return { parties, values, defaultHours: responseHours };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, staff } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  const answer = (result: { ok: true } | { ok: false; errors: FieldErrors }) =>
    result.ok
      ? ({ errors: {}, saved: true, intent } satisfies PartiesResult)
      : Response.json({ errors: result.errors, saved: false, intent } satisfies PartiesResult, { status: 422 });
  if (intent === "add") {
    return answer(await addResponsibleParty(db(), shop, { name: form.get("name"), type: form.get("type"), responseHours: form.get("responseHours") }));
  }
  if (intent === "remove") {
    const removed = await removeResponsibleParty(db(), shop, String(form.get("key") ?? ""));
    return answer(removed ? { ok: true } : { ok: false, errors: { form: "That party cannot be removed, or is already gone." } });
  }
  const posted: Record<string, string> = {};
  for (const [name, value] of form) {
    if (name.startsWith("hours.") && typeof value === "string") posted[name.slice("hours.".length)] = value;
  }
  return answer(await setResponseTimes(db(), shop, posted, staffActor(staff)));
};

export default function PartiesSettingsPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<PartiesResult>();
  const timesResult = actionData?.intent === "save" ? actionData : undefined;
  return (
    <>
      <ResponseTimes key={JSON.stringify(data.values)} {...data} errors={timesResult?.errors ?? {}} saved={timesResult?.saved ?? false} />
      {/* A party added: the list grows, and the form starts empty again. */}
      <AddParty key={data.parties.length} result={actionData?.intent === "add" ? actionData : undefined} />
      <RemoveParty parties={data.parties.filter((party) => !party.generic)} result={actionData?.intent === "remove" ? actionData : undefined} />
    </>
  );
}

function ResponseTimes({ parties, values, defaultHours, errors, saved }: ReturnType<typeof useLoaderData<typeof loader>> & { errors: FieldErrors; saved: boolean }) {
  const fields = useFields(values, errors);
  return (
    <SettingsForm
      title="Responsible parties"
      subtitle="Who an incident can be blamed on, and how long each has to respond. An incident's deadline follows its party: a new response time moves the deadlines of its open incidents too."
      fields={fields}
      saved={saved}
      ownField={owns}
    >
      <Layout.Section>
        <Card>
          <BlockStack gap="400">
            {parties.map((party) => (
              <InlineStack key={party.key} gap="400" align="space-between" blockAlign="end" wrap>
                <BlockStack gap="050">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingSm">
                      {party.name}
                    </Text>
                    {party.generic ? null : <Badge>{PARTY_TYPE_LABELS[party.type]}</Badge>}
                  </InlineStack>
                  {party.generic ? (
                    <Text as="p" variant="bodySm" tone="subdued">
                      Used by Amends&apos; own detection
                    </Text>
                  ) : null}
                </BlockStack>
                <InlineStack gap="200" blockAlign="end">
                  <div style={{ width: "11rem" }}>
                    <TextField
                      label={`${party.name}: respond within`}
                      labelHidden
                      suffix="hours"
                      placeholder={party.generic ? `${defaultHours} (default)` : undefined}
                      {...fields.number(hoursField(party.key))}
                    />
                  </div>
                </InlineStack>
              </InlineStack>
            ))}
          </BlockStack>
        </Card>
      </Layout.Section>
    </SettingsForm>
  );
}

function AddParty({ result }: { result: PartiesResult | undefined }) {
  const navigation = useNavigation();
  const [name, setName] = useState("");
  const [type, setType] = useState<string>("carrier");
  const [hours, setHours] = useState("");
  const errors = result?.errors ?? {};
  const adding = navigation.state === "submitting" && navigation.formData?.get("intent") === "add";
  return (
    <IntentCard intent="add" title="Add a party">
      {result?.saved ? (
        <Text as="p" tone="success">
          Added. It is now on the list above and on every incident.
        </Text>
      ) : null}
      <FormLayout>
        <FormLayout.Group condensed>
          <TextField label="Name" name="name" value={name} onChange={setName} autoComplete="off" placeholder="DHL Express" error={errors.name} />
          <Select
            label="Kind"
            name="type"
            options={PARTY_TYPES.map((value) => ({ value, label: PARTY_TYPE_LABELS[value] }))}
            value={type}
            onChange={setType}
            error={errors.type}
          />
          <TextField label="Respond within" name="responseHours" suffix="hours" value={hours} onChange={setHours} autoComplete="off" inputMode="numeric" error={errors.responseHours} />
        </FormLayout.Group>
      </FormLayout>
      <InlineStack>
        <Button submit loading={adding}>
          Add party
        </Button>
      </InlineStack>
    </IntentCard>
  );
}

/** Removing a named party: incidents already blamed on it keep its name and deadline. */
function RemoveParty({ parties, result }: { parties: { key: string; name: string }[]; result: PartiesResult | undefined }) {
  const [key, setKey] = useState(parties[0]?.key ?? "");
  if (parties.length === 0) return null;
  return (
    <IntentCard intent="remove" title="Remove a party">
      <Text as="p" tone="subdued">
        Incidents already blamed on it keep its name and their deadline.
      </Text>
      <InlineStack gap="200" blockAlign="end">
        <Select
          label="Party"
          name="key"
          options={parties.map((party) => ({ value: party.key, label: party.name }))}
          value={key}
          onChange={setKey}
          error={result?.errors.form}
        />
        <Button submit tone="critical">
          Remove
        </Button>
      </InlineStack>
    </IntentCard>
  );
}

/** A card below the response times with a form of its own, posted with its intent. */
function IntentCard({ intent, title, children }: { intent: "add" | "remove"; title: string; children: ReactNode }) {
  return (
    <div style={{ maxWidth: "62.375rem", margin: "0 auto", padding: "0 var(--p-space-400, 1rem) var(--p-space-800, 2rem)" }}>
      <Form method="post">
        <input type="hidden" name="intent" value={intent} />
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {title}
            </Text>
            {children}
          </BlockStack>
        </Card>
      </Form>
    </div>
  );
}

export const ErrorBoundary = AppErrorBoundary;
