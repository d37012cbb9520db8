// An incident: what went wrong, on which items, the remedy the policy proposes, the timeline.
// The merchant approves a plan (the remediation engine carries it out on Shopify, exactly once
// however often the button is pressed), dismisses the incident with a reason, or records who
// owns it, its root cause and who was responsible.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, ChoiceList, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";

import { requireAdmin } from "../admin-auth.server";
import { IncidentStatusBadge } from "../components/IncidentStatusBadge";
import { NeedsAttentionCard, refusalOf } from "../components/NeedsAttentionCard";
import { OrderActivityCard } from "../components/OrderActivityCard";
import { formatShopTime } from "../components/shop-time";
import { db } from "../db.server";
import { ROOT_CAUSES } from "../incidents/model";
import { incidentDetail } from "../models/incident-detail.server";
import type { OrderActivityView } from "../models/order-activity.server";
import { orderActivityView } from "../models/order-activity.server";
import { assignIncident } from "../models/incident.server";
import { responsibleParties } from "../models/parties.server";
import { shopClock } from "../models/shop.server";
import { transitionIncident } from "../models/remediation.server";
import { logger } from "../logger.server";
import { remediate } from "../remediation/engine/index.server";
import { kindTitle } from "../remediation/policy";
import { adminClientFor, ShopifyError } from "../shopify/admin.server";
import { orderActivity } from "../shopify/operations/order-activity.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const clock = await shopClock(db(), shop);
  const incident = await incidentDetail(db(), shop, params.id ?? "", clock.locale);
  if (!incident) throw new Response("Incident not found", { status: 404 });
  // Read from Shopify each time: the page must not show money as refunded before it is.
  const order: OrderActivityView = await adminClientFor(shop)
    .then((client) => orderActivity(client, incident.orderId))
    .then(
      (activity) => orderActivityView(activity, clock),
      (error: unknown) => {
        // Shopify's own words go to the log; the page stays usable without the order's activity.
        logger.warn({ shop, incidentId: incident.id, err: error }, "order activity unavailable");
        return { available: false, reason: "Shopify's payments, refunds and fulfilments could not be read just now: reload the page to try again." };
      },
    );
  return { incident, order, clock, parties: await responsibleParties(db(), shop) };
};

const actionInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), option: z.coerce.number().int().min(0).optional() }),
  // After Shopify refused part of the plan (needs attention): the same plan, built afresh.
  z.object({ intent: z.literal("retry") }),
  z.object({ intent: z.literal("dismiss"), reason: z.string().trim().min(3, "Say why, in a few words").max(500, "Keep it under 500 characters") }),
  z.object({
    intent: z.literal("assign"),
    owner: z
      .string()
      .trim()
      .max(100, "Keep the owner's name under 100 characters")
      .transform((owner) => owner || null),
    rootCause: z.enum([...ROOT_CAUSES, ""], { message: "Pick a root cause from the list" }).transform((cause) => cause || null),
    // Checked against the shop's own list below.
    responsibleParty: z.string().trim().min(1, "Pick who was responsible from the list"),
  }),
]);

type ActionResult = { errors: Record<string, string>; result: string | null };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor, staff } = await requireAdmin(request);
  // Only whether the shop has it and where it stands: the page reloads the rest afterwards.
  const incident = await db().incident.findFirst({ where: { id: params.id ?? "", shop }, select: { id: true, status: true } });
  if (!incident) throw new Response("Incident not found", { status: 404 });
  const parsed = actionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const errors = Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join(".") || "intent", issue.message]));
    return Response.json({ errors, result: null } satisfies ActionResult, { status: 422 });
  }
  const input = parsed.data;
  if (input.intent === "assign") {
    const { owner, rootCause, responsibleParty } = input;
    const parties = await responsibleParties(db(), shop);
    if (responsibleParty !== "unknown" && !parties.some((party) => party.key === responsibleParty)) {
      return Response.json({ errors: { responsibleParty: "Pick who was responsible from the list" }, result: null } satisfies ActionResult, { status: 422 });
    }
    const changed = await assignIncident(db(), incident.id, { owner, rootCause, responsibleParty }, actor);
    return { errors: {}, result: changed ? "assigned" : "unchanged" } satisfies ActionResult;
  }
  if (input.intent === "dismiss") {
    // Not while a remedy is being carried out: that would hide money already on its way.
    const dismissed = await transitionIncident(db(), {
      incidentId: incident.id,
      from: ["open", "awaiting_approval", "needs_attention"],
      to: "dismissed",
      actor,
      message: `Dismissed: ${input.reason}`,
      data: { reason: input.reason },
    });
    if (!dismissed) {
      return Response.json(
        { errors: { reason: `This incident is ${incident.status.replace("_", " ")} and can no longer be dismissed.` }, result: null } satisfies ActionResult,
        { status: 409 },
      );
    }
    return { errors: {}, result: "dismissed" } satisfies ActionResult;
  }
  if (input.intent === "retry" && incident.status !== "needs_attention") {
    return Response.json(
      { errors: { intent: "Only a remedy Shopify refused can be retried." }, result: null } satisfies ActionResult,
      { status: 409 },
    );
  }
  try {
    const report = await remediate(
      { db: db(), clientFor: adminClientFor },
      { shop, incidentId: incident.id, trigger: "merchant", actor, staff, ...(input.intent === "approve" && input.option !== undefined ? { option: input.option } : {}) },
    );
    if (report.status === "not_allowed") {
      // Refused by the approval service (not allowed, or above this person's limit).
      return Response.json({ errors: { approval: report.refusal ?? "" }, result: report.status } satisfies ActionResult, { status: 403 });
    }
    return { errors: {}, result: report.status } satisfies ActionResult;
  } catch (error) {
    // Shopify could not be asked at all (not installed, access refused): say so on the page.
    if (!(error instanceof ShopifyError)) throw error;
    return Response.json({ errors: { shopify: error.message }, result: "unreachable" } satisfies ActionResult, { status: 502 });
  }
};

const RESULT_BANNERS: Record<string, { tone: "success" | "critical" | "info"; text: string }> = {
  // What the customer heard is said next to it, from the outbox (see contact below).
  resolved: { tone: "success", text: "Done: the remedy was carried out." },
  failed: { tone: "critical", text: "Shopify could not be reached for part of the remedy: see the timeline. Amends tries again shortly; resuming it now does the same." },
  needs_attention: { tone: "critical", text: "Shopify refused part of the remedy: see its reason below, then retry, choose another plan, or dismiss." },
  in_progress: { tone: "info", text: "Another approval is carrying this out; refresh in a moment." },
  nothing_to_do: { tone: "info", text: "The policy has no remedy for this incident." },
  closed: { tone: "info", text: "This incident is already closed." },
  dismissed: { tone: "info", text: "Dismissed." },
  unreachable: { tone: "critical", text: "Amends could not reach Shopify for this shop, so nothing was done." },
  not_allowed: { tone: "critical", text: "Not approved, nothing was done: it waits for a staff member who may approve it." },
  assigned: { tone: "success", text: "Saved." },
  unchanged: { tone: "info", text: "Nothing changed." },
};

const label = (value: string) => value.replaceAll("_", " ");

export default function IncidentPage() {
  const { incident, order, clock, parties } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionResult>();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const [reason, setReason] = useState("");
  const [option, setOption] = useState([String(incident.proposal?.chosen ?? 0)]);
  const [owner, setOwner] = useState(incident.owner ?? "");
  const [rootCause, setRootCause] = useState(incident.rootCause ?? "");
  const [responsibleParty, setResponsibleParty] = useState(incident.responsibleParty);
  const errors = actionData?.errors ?? {};
  const banner = actionData?.result ? RESULT_BANNERS[actionData.result] : undefined;
  const canAct = ["open", "awaiting_approval", "remediating"].includes(incident.status);
  const canDismiss = ["open", "awaiting_approval"].includes(incident.status);
  const plans = incident.proposal?.plans ?? [];
  return (
    <Page
      title={`${incident.orderName}: ${kindTitle(incident.kind)}`}
      titleMetadata={<IncidentStatusBadge status={incident.status} />}
      backAction={{ content: "Incidents", url: "/app" }}
    >
      <Layout>
        {banner ? (
          <Layout.Section>
            <Banner tone={banner.tone}>
              {banner.text}
              {errors.shopify ? ` ${errors.shopify}` : null}
              {errors.approval ? ` ${errors.approval}` : null}
              {actionData?.result === "resolved" ? ` ${incident.contact.lines.join(" ")}` : ""}
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              {incident.summary ? <Text as="p" variant="headingSm">{incident.summary}</Text> : null}
              <Text as="p">Customer: {incident.customerName ?? incident.customerEmail ?? "—"}</Text>
              <Text as="p">Respond by: {formatShopTime(incident.responseDeadline, clock)}</Text>
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  Items affected
                </Text>
                {incident.items.length === 0 ? <Text as="p">The whole order</Text> : null}
                {incident.items.map((item) => (
                  <Text as="p" key={item.lineItemId}>
                    {item.quantity} × {item.title}
                    {item.sku ? ` (${item.sku})` : ""}
                  </Text>
                ))}
              </BlockStack>
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <OrderActivityCard activity={order} />
        </Layout.Section>

        {incident.status === "needs_attention" ? (
          <Layout.Section>
            <NeedsAttentionCard
              refusal={refusalOf(incident.events)}
              plans={plans}
              chosen={incident.proposal?.chosen ?? 0}
              submitting={typeof submitting === "string" ? submitting : null}
              errors={errors}
            />
          </Layout.Section>
        ) : null}

        {canAct ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Remedy
                </Text>
                {incident.proposal && incident.proposal.reasons.length > 0 ? (
                  <Banner tone="warning">
                    {incident.proposal.reasons.map((why) => (
                      <Text as="p" key={why}>
                        {why}
                      </Text>
                    ))}
                  </Banner>
                ) : null}
                <Form method="post">
                  <input type="hidden" name="intent" value="approve" />
                  <BlockStack gap="200">
                    {plans.length > 1 ? (
                      <>
                        <ChoiceList
                          title="Plan"
                          choices={plans.map((plan) => ({ label: `${plan.description} (about ${plan.estimatedCost})`, value: String(plan.option) }))}
                          selected={option}
                          onChange={setOption}
                        />
                        <input type="hidden" name="option" value={option[0]} />
                      </>
                    ) : plans.length === 1 ? (
                      <Text as="p">
                        Proposed: {plans[0]?.description} (about {plans[0]?.estimatedCost})
                      </Text>
                    ) : (
                      <Text as="p">Amends applies the remedy your policy sets for this kind of incident.</Text>
                    )}
                    {errors.option ? <Text as="p" tone="critical">{errors.option}</Text> : null}
                    <InlineStack>
                      <Button submit variant="primary" loading={submitting === "approve"}>
                        {incident.status === "remediating" ? "Resume remedy" : "Approve remedy"}
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
                {canDismiss ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="dismiss" />
                    <InlineStack gap="200" blockAlign="end">
                      <Box minWidth="320px">
                        <TextField label="Reason to dismiss" name="reason" value={reason} onChange={setReason} autoComplete="off" error={errors.reason} />
                      </Box>
                      <Button submit loading={submitting === "dismiss"}>
                        Dismiss
                      </Button>
                    </InlineStack>
                  </Form>
                ) : null}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}

        <Layout.Section variant="oneThird">
          <Card>
            <Form method="post">
              <input type="hidden" name="intent" value="assign" />
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Ownership
                </Text>
                <TextField label="Owner" name="owner" value={owner} onChange={setOwner} autoComplete="off" error={errors.owner} />
                <Select
                  label="Root cause"
                  name="rootCause"
                  options={[{ label: "Not known yet", value: "" }, ...ROOT_CAUSES.map((cause) => ({ label: label(cause), value: cause }))]}
                  value={rootCause}
                  onChange={setRootCause}
                  error={errors.rootCause}
                />
                <Select
                  label="Responsible"
                  name="responsibleParty"
                  options={[...parties.map((party) => ({ label: party.name, value: party.key })), { label: "Unknown", value: "unknown" }]}
                  value={responsibleParty}
                  onChange={setResponsibleParty}
                  error={errors.responsibleParty}
                />
                <InlineStack>
                  <Button submit loading={submitting === "assign"}>
                    Save
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                The customer
              </Text>
              {incident.contact.lines.map((line) => (
                <Text as="p" key={line} tone={incident.contact.told ? undefined : "subdued"}>
                  {line}
                </Text>
              ))}
              {incident.messages.map((m) => (
                <Text as="p" key={m.id} tone="subdued">
                  {m.subject} — {m.status}
                  {m.to ? ` — to ${m.to}` : ""}
                  {m.sentAt ? ` — ${new Date(m.sentAt).toUTCString()}` : ""}
                  {m.status !== "sent" && m.attempts > 0 ? ` — ${m.attempts} attempt${m.attempts === 1 ? "" : "s"}` : ""}
                </Text>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Timeline
              </Text>
              {incident.events.map((event) => (
                <Text as="p" key={event.id}>
                  <Text as="span" tone="subdued">
                    {formatShopTime(event.at, clock)} · {event.actor} ·{" "}
                  </Text>
                  {event.message}
                </Text>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>

        {incident.remediations.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Remedies carried out
                </Text>
                {incident.remediations.map((r) => (
                  <Text as="p" key={r.id}>
                    {label(r.action)} — {r.status}
                    {r.amount ? ` — ${r.amount} ${r.currencyCode ?? ""}` : ""}
                    {r.shopifyId ? ` — ${r.shopifyId}` : ""}
                    {r.error ? ` — ${r.error}` : ""}
                  </Text>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
