// An incident: what went wrong, on which items, what the customer said, the order as Shopify
// has it, the remedy (as proposed or changed by the merchant, confirmed before it happens),
// escalation and its facts, ownership, and the timeline — all in the merchant's words.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BlockStack, Box, Button, Card, InlineStack, Layout, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";

import { requireAdmin } from "../admin-auth.server";
import { IncidentStatusBadge } from "../components/IncidentStatusBadge";
import { NeedsAttentionCard, refusalOf } from "../components/NeedsAttentionCard";
import { OrderActivityCard } from "../components/OrderActivityCard";
import { CustomerCard } from "../components/incident/CustomerCard";
import { ownerOptions, partyOptions } from "../components/incident/assignment-options";
import { EscalationCard } from "../components/incident/EscalationCard";
import { RemedyEditor } from "../components/incident/RemedyEditor";
import type { PreviewAnswer } from "../components/incident/RemedyEditor";
import { ResultToast } from "../components/incident/ResultToast";
import { Timeline } from "../components/incident/Timeline";
import { formatShopTime } from "../components/shop-time";
import { db } from "../db.server";
import { ROOT_CAUSES } from "../incidents/model";
import { remedyStateWords, sentence } from "../incidents/words";
import { setEscalation } from "../models/escalation.server";
import { assignIncident } from "../models/incident.server";
import { incidentPage } from "../models/incident-page.server";
import { responsibleParties } from "../models/parties.server";
import { staffNames } from "../models/staff.server";
import { dismissIncident } from "../models/remediation.server";
import { previewApproval, remediate } from "../remediation/engine/index.server";
import type { RemediateRequest } from "../remediation/engine/index.server";
import { choiceFormSchema, choiceFromForm, kindTitle } from "../remediation/policy";
import { adminClientFor, ShopifyError } from "../shopify/admin.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireAdmin(request);
  const page = await incidentPage(db(), shop, params.id ?? "", !demo);
  if (!page) throw new Response("Incident not found", { status: 404 });
  const [parties, staff] = await Promise.all([responsibleParties(db(), shop), staffNames(db(), shop)]);
  return { ...page, parties, staff };
};

// "policy" alone: the plan the policy proposed.
const plan = z.string().regex(/^(policy(:\d+)?|custom|resume)$/, "Pick a plan").default("policy");
const note = z.string().trim().max(500, "Keep it under 500 characters");

const actionInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("preview"), plan }).passthrough(),
  z.object({ intent: z.literal("approve"), plan }).passthrough(),
  // After Shopify refused part of the plan (needs attention): the same plan, built afresh.
  z.object({ intent: z.literal("retry") }),
  z.object({ intent: z.literal("dismiss"), reason: z.string().trim().min(3, "Say why, in a few words").max(500, "Keep it under 500 characters") }),
  z.object({ intent: z.literal("escalate"), note: note.min(3, "Say why it is escalated, in a few words") }),
  z.object({ intent: z.literal("deescalate"), note: note.default("") }),
  z.object({
    intent: z.literal("assign"),
    // A staff member's name from the shop's list (checked below), or empty: nobody.
    owner: z
      .string()
      .trim()
      .transform((owner) => owner || null),
    rootCause: z.enum([...ROOT_CAUSES, ""], { message: "Pick a root cause from the list" }).transform((cause) => cause || null),
    // One of the shop's own parties (checked against its list below).
    responsibleParty: z.string().trim().min(1, "Pick who was responsible from the list"),
  }),
]);

type ActionResult = { errors: Record<string, string>; result: string | null };

const fieldErrors = (issues: z.ZodIssue[]) => Object.fromEntries(issues.map((issue) => [issue.path.join(".") || "intent", issue.message]));

/** The plan as the approval form posts it: one of the policy's, the merchant's own, or resuming. */
function planRequest(input: { plan: string } & Record<string, unknown>): Pick<RemediateRequest, "option" | "choice"> | { errors: Record<string, string> } {
  if (input.plan === "resume") return {};
  if (input.plan === "policy") {
    const option = z.coerce.number().int().min(0).optional().safeParse(input.option);
    if (!option.success) return { errors: { option: "Pick one of the plans" } };
    return option.data === undefined ? {} : { option: option.data };
  }
  if (input.plan.startsWith("policy:")) return { option: Number(input.plan.slice("policy:".length)) };
  const form = choiceFormSchema.safeParse(input);
  if (!form.success) return { errors: fieldErrors(form.error.issues) };
  return { choice: choiceFromForm(form.data) };
}

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor, staff } = await requireAdmin(request);
  // Only whether the shop has it and where it stands: the page reloads the rest afterwards.
  const incident = await db().incident.findFirst({ where: { id: params.id ?? "", shop }, select: { id: true, status: true, owner: true, responsibleParty: true } });
  if (!incident) throw new Response("Incident not found", { status: 404 });
  const parsed = actionInput.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return Response.json({ errors: fieldErrors(parsed.error.issues), result: null } satisfies ActionResult, { status: 422 });
  }
  const input = parsed.data;
  const deps = { db: db(), clientFor: adminClientFor };
  switch (input.intent) {
    case "assign": {
      const { owner, rootCause, responsibleParty } = input;
      const [parties, staffList] = await Promise.all([responsibleParties(db(), shop), staffNames(db(), shop)]);
      // Off the list is refused, except what the incident already has (a party since removed,
      // an owner named before owners came from the staff list): saving other fields keeps it.
      const errors: Record<string, string> = {};
      if (responsibleParty !== "unknown" && responsibleParty !== incident.responsibleParty && !parties.some((party) => party.key === responsibleParty)) {
        errors.responsibleParty = "Pick who was responsible from the list";
      }
      if (owner !== null && owner !== incident.owner && !staffList.includes(owner)) errors.owner = "Pick the owner from your staff list";
      if (Object.keys(errors).length > 0) return Response.json({ errors, result: null } satisfies ActionResult, { status: 422 });
      const changed = await assignIncident(db(), incident.id, { owner, rootCause, responsibleParty }, actor);
      return { errors: {}, result: changed ? "assigned" : "unchanged" } satisfies ActionResult;
    }
    case "escalate":
    case "deescalate": {
      const escalated = input.intent === "escalate";
      const changed = await setEscalation(db(), incident.id, { escalated, note: input.note || null }, actor);
      return { errors: {}, result: changed ? (escalated ? "escalated" : "deescalated") : "unchanged" } satisfies ActionResult;
    }
    case "dismiss": {
      // Not while a remedy is being carried out: that would hide money already on its way.
      const dismissed = await dismissIncident(db(), { incidentId: incident.id, reason: input.reason, actor });
      if (!dismissed) {
        return Response.json(
          { errors: { reason: `This incident is ${incident.status.replace("_", " ")} and can no longer be dismissed.` }, result: null } satisfies ActionResult,
          { status: 409 },
        );
      }
      return { errors: {}, result: "dismissed" } satisfies ActionResult;
    }
    case "retry": {
      if (incident.status !== "needs_attention") {
        return Response.json({ errors: { intent: "Only a remedy Shopify refused can be retried." }, result: null } satisfies ActionResult, { status: 409 });
      }
      return approved(await remediate(deps, { shop, incidentId: incident.id, trigger: "merchant", actor, staff }));
    }
    case "preview":
    case "approve": {
      const chosen = planRequest(input);
      if ("errors" in chosen) return Response.json({ errors: chosen.errors, result: null, preview: null }, { status: 422 });
      const remedyRequest: RemediateRequest = { shop, incidentId: incident.id, trigger: "merchant", actor, staff, ...chosen };
      try {
        if (input.intent === "preview") {
          const preview = await previewApproval(deps, remedyRequest);
          const refused = Object.keys(preview.errors).length > 0;
          return Response.json({ errors: preview.errors, preview: refused ? null : preview } satisfies PreviewAnswer, { status: refused ? 422 : 200 });
        }
        return approved(await remediate(deps, remedyRequest));
      } catch (error) {
        // Shopify could not be asked at all (not installed, access refused): say so on the page.
        if (!(error instanceof ShopifyError)) throw error;
        return Response.json({ errors: { shopify: error.message }, result: "unreachable", preview: null }, { status: 502 });
      }
    }
  }
};

/** The approval's answer; refused by the approval service (not allowed, or above this person's
 * limit) is a 403 that says why. */
function approved(report: Awaited<ReturnType<typeof remediate>>) {
  if (report.status === "not_allowed") {
    return Response.json({ errors: { approval: report.refusal ?? "" }, result: report.status } satisfies ActionResult, { status: 403 });
  }
  return { errors: {}, result: report.status } satisfies ActionResult;
}

const RESULTS: Record<string, { error: boolean; text: string }> = {
  resolved: { error: false, text: "Done: the remedy was carried out." },
  failed: { error: true, text: "Shopify refused or failed part of the remedy: see the timeline. Approving again resumes it." },
  in_progress: { error: false, text: "Another approval is carrying this out; refresh in a moment." },
  nothing_to_do: { error: true, text: "Nothing was done: the plan cannot be carried out as it stands (see the timeline)." },
  closed: { error: false, text: "This incident is already closed." },
  dismissed: { error: false, text: "Dismissed." },
  unreachable: { error: true, text: "Amends could not reach Shopify for this shop, so nothing was done." },
  needs_attention: { error: true, text: "Shopify refused part of the remedy: see its reason below, then retry, choose another plan, or dismiss." },
  not_allowed: { error: true, text: "Not approved, nothing was done: it waits for a staff member who may approve it." },
  assigned: { error: false, text: "Saved." },
  escalated: { error: false, text: "Marked escalated." },
  deescalated: { error: false, text: "No longer escalated." },
  unchanged: { error: false, text: "Nothing changed." },
};

export default function IncidentPage() {
  const { incident, order, clock, links, escalation, allowed, defaults, shopCurrency, parties, staff } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionResult>();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" ? navigation.formData?.get("intent") : null;
  const [reason, setReason] = useState("");
  const [owner, setOwner] = useState(incident.owner ?? "");
  const [rootCause, setRootCause] = useState(incident.rootCause ?? "");
  const [responsibleParty, setResponsibleParty] = useState(incident.responsibleParty);
  const errors = actionData?.errors ?? {};
  const outcome = actionData?.result ? RESULTS[actionData.result] : undefined;
  const canAct = ["open", "awaiting_approval", "remediating"].includes(incident.status);
  const canDismiss = ["open", "awaiting_approval"].includes(incident.status);
  const orderCurrency = incident.remediations.find((r) => r.currencyCode)?.currencyCode ?? shopCurrency;
  return (
    <Page
      title={`${incident.orderName}: ${kindTitle(incident.kind)}`}
      titleMetadata={<IncidentStatusBadge status={incident.status} />}
      backAction={{ content: "Incidents", url: "/app" }}
      secondaryActions={links.order ? [{ content: "Open order in Shopify", url: links.order, target: "_top" }] : []}
    >
      <ResultToast message={outcome ? `${outcome.text}${errors.shopify ? ` ${errors.shopify}` : ""}${errors.approval ? ` ${errors.approval}` : ""}` : null} error={outcome?.error ?? false} stamp={actionData} />
      <Layout>
        {incident.status === "needs_attention" ? (
          <Layout.Section>
            <NeedsAttentionCard
              refusal={refusalOf(incident.events)}
              plans={incident.proposal?.plans ?? []}
              chosen={incident.proposal?.chosen ?? 0}
              submitting={typeof submitting === "string" ? submitting : null}
              errors={errors}
            />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              {incident.summary ? (
                <Text as="p" variant="headingSm">
                  {incident.summary}
                </Text>
              ) : null}
              {["open", "awaiting_approval", "remediating"].includes(incident.status) ? (
                <Text as="p">Respond by {formatShopTime(incident.responseDeadline, clock)}</Text>
              ) : null}
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
              {links.replacement || links.discount || links.return ? (
                <InlineStack gap="400" wrap>
                  {links.replacement?.url ? (
                    <Link url={links.replacement.url} target="_top">
                      Replacement order {links.replacement.name}
                    </Link>
                  ) : null}
                  {links.discount?.url ? (
                    <Link url={links.discount.url} target="_top">
                      Discount {links.discount.code}
                    </Link>
                  ) : null}
                  {links.return?.url ? (
                    <Link url={links.return.url} target="_top">
                      Return {links.return.name}
                    </Link>
                  ) : null}
                </InlineStack>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>

        {canAct ? (
          <Layout.Section>
            <BlockStack gap="400">
              <RemedyEditor
                plans={incident.proposal?.plans ?? []}
                chosen={incident.proposal?.chosen ?? 0}
                allowed={allowed}
                defaults={defaults}
                orderCurrency={orderCurrency}
                shopCurrency={shopCurrency}
                reasons={incident.proposal?.reasons ?? []}
                resuming={incident.status === "remediating"}
                busy={submitting === "approve"}
                actionErrors={errors}
              />
              {canDismiss ? (
                <Card>
                  <Form method="post">
                    <input type="hidden" name="intent" value="dismiss" />
                    <InlineStack gap="200" blockAlign="end" wrap>
                      <Box minWidth="240px">
                        <TextField label="Reason to dismiss" name="reason" value={reason} onChange={setReason} autoComplete="off" error={errors.reason} />
                      </Box>
                      <Button submit loading={submitting === "dismiss"}>
                        Dismiss
                      </Button>
                    </InlineStack>
                  </Form>
                </Card>
              ) : null}
            </BlockStack>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <CustomerCard
            words={incident.customerWords}
            name={incident.customerName}
            summary={order.available ? order.customer : null}
            fallbackEmail={incident.customerEmail}
            customerLink={links.customer}
            clock={clock}
            told={incident.contact}
          />
        </Layout.Section>

        <Layout.Section>
          <OrderActivityCard activity={order} orderLink={links.order} />
        </Layout.Section>

        <Layout.Section>
          <EscalationCard view={escalation} clock={clock} error={errors.note} busy={submitting === "escalate" || submitting === "deescalate"} />
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <Card>
            <Form method="post">
              <input type="hidden" name="intent" value="assign" />
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Ownership
                </Text>
                <Select label="Owner" name="owner" options={ownerOptions(staff, incident.owner)} value={owner} onChange={setOwner} error={errors.owner} />
                <Select
                  label="Root cause"
                  name="rootCause"
                  options={[{ label: "Not known yet", value: "" }, ...ROOT_CAUSES.map((cause) => ({ label: sentence(cause), value: cause }))]}
                  value={rootCause}
                  onChange={setRootCause}
                  error={errors.rootCause}
                />
                <Select
                  label="Responsible"
                  name="responsibleParty"
                  options={partyOptions(parties, incident.responsibleParty)}
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

        {incident.remediations.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Remedies carried out
                </Text>
                {incident.remediations.map((r) => (
                  <Text as="p" key={r.id} tone={r.status === "failed" ? "critical" : undefined}>
                    {remedyStateWords(r.action, r.status)}
                    {r.amount && r.currencyCode ? ` — ${new Intl.NumberFormat(clock.locale, { style: "currency", currency: r.currencyCode }).format(Number(r.amount))}` : ""}
                    {r.error ? ` — ${r.error}` : ""}
                  </Text>
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <Timeline events={incident.events} clock={clock} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
