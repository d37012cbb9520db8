// What the errors teach: incidents over time by kind, what each root cause and responsible
// party cost, what remedies cost over time, how fast the team acts, what is overdue and which
// customers keep having problems. Figures come from the database's own aggregations
// (app/models/analytics.server.ts); the charts (polaris-viz) draw in the browser only, in
// boxes of a fixed height so nothing moves when they appear, with the same figures in tables
// (components/analytics/AnalyticsChart.tsx: how they draw without delaying a click).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import type { DataSeries } from "@shopify/polaris-viz";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { memo, useState } from "react";
import { z } from "zod";

import { requireAdmin } from "../admin-auth.server";
import { AnalyticsChart } from "../components/analytics/AnalyticsChart";
import { downloadInAdmin } from "../components/analytics/download-in-admin";
import { db } from "../db.server";
import type { LocalDay } from "../incidents/analytics";
import { partyLabel } from "../incidents/inbox";
import {
  addDays,
  daysBetween,
  denseSeries,
  formatDuration,
  localDay,
  OTHER_SERIES,
  topSeries,
} from "../incidents/analytics";
import type { CostKind, CostRow, DateRange, GroupRow } from "../models/analytics.server";
import { shopAnalytics } from "../models/analytics.server";
import { responsibleParties } from "../models/parties.server";
import { storedShopProfile, UnknownShopProfile } from "../models/shop.server";
import { kindTitle } from "../remediation/policy";
import { formatMoney } from "../remediation/policy/money";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const MAX_DAYS = 366;
/** Kinds drawn as lines of their own; the rest are added up as "Other kinds". */
const KINDS_CHARTED = 5;

/** The dates asked for (?from=&to=, the shop's days), or the last 30 days; with why if refused. */
export function parseRange(
  params: URLSearchParams,
  timeZone: string,
  now: Date,
): { range: DateRange; error: string | null } {
  const today = localDay(now, timeZone);
  const fallback = { from: addDays(today, -29), to: today };
  if (!params.has("from") && !params.has("to")) return { range: fallback, error: null };
  const from = day.safeParse(params.get("from"));
  const to = day.safeParse(params.get("to"));
  if (
    !from.success ||
    !to.success ||
    Number.isNaN(Date.parse(from.data)) ||
    Number.isNaN(Date.parse(to.data))
  )
    return { range: fallback, error: "Those dates were not understood: showing the last 30 days." };
  if (from.data > to.data)
    return {
      range: fallback,
      error: "The start date is after the end date: showing the last 30 days.",
    };
  if (daysBetween(from.data, to.data).length > MAX_DAYS)
    return { range: fallback, error: `Pick at most ${MAX_DAYS} days: showing the last 30 days.` };
  return { range: { from: from.data, to: to.data }, error: null };
}

const COST_TITLES: Record<CostKind, string> = {
  refund: "Refunds",
  replacement: "Replacements (retail value)",
  discount_code: "Apology codes issued",
};

function words(key: string): string {
  if (key === "not_set") return "Not set yet";
  const text = key.replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const profile = await storedShopProfile(db(), shop);
  if (!profile) throw new UnknownShopProfile(shop);
  const now = new Date();
  const { range, error } = parseRange(new URL(request.url).searchParams, profile.timeZone, now);
  const [data, parties] = await Promise.all([shopAnalytics(db(), shop, range, profile.timeZone, now), responsibleParties(db(), shop)]);
  const days = daysBetween(range.from, range.to);
  const locale = profile.primaryLocale;
  const dayLabel = new Intl.DateTimeFormat(locale, {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
  const label = (d: LocalDay) => dayLabel.format(new Date(`${d}T12:00:00Z`));
  const money = (amount: number, currencyCode: string) =>
    formatMoney({ amount: amount.toFixed(3), currencyCode }, locale);
  const costText = (costs: CostRow[], kind: CostKind) =>
    costs
      .filter((c) => c.kind === kind)
      .map((c) => money(c.amount, c.currencyCode))
      .join(" + ") || "—";
  // The kinds with the most incidents as lines, the rest as one line, named below the chart.
  const kinds = denseSeries(days, data.incidentsByDay);
  const shownKinds = topSeries(kinds, KINDS_CHARTED);
  const byKind: DataSeries[] = shownKinds.map((series) => ({
    name: series.key === OTHER_SERIES ? "Other kinds" : kindTitle(series.key),
    data: series.points.map((point) => ({ key: label(point.day), value: point.value })),
  }));
  const count = new Intl.NumberFormat(locale);
  const otherKinds = shownKinds.some((series) => series.key === OTHER_SERIES)
    ? topSeries(kinds, kinds.length)
        .slice(KINDS_CHARTED)
        .map((series) => `${kindTitle(series.key)} (${count.format(series.points.reduce((sum, point) => sum + point.value, 0))})`)
        .join(", ")
    : null;
  // One line per kind of cost and currency: amounts in different currencies are never added.
  const costSeries: DataSeries[] = denseSeries(
    days,
    data.costByDay.map((row) => ({
      day: row.day,
      key: `${row.kind}|${row.currencyCode}`,
      value: row.value,
    })),
  ).map((series) => {
    const [kind, currency] = series.key.split("|") as [CostKind, string];
    return {
      name: `${COST_TITLES[kind]} (${currency})`,
      data: series.points.map((p) => ({
        key: label(p.day),
        value: Math.round(p.value * 100) / 100,
      })),
    };
  });
  // Responsible parties by their names on the shop's list (a removed one by its key's words).
  const partyWords = (key: string) => partyLabel(parties, key);
  const groupTable = (rows: GroupRow[], name: (key: string) => string = words) =>
    rows.map((row) => [
      name(row.key),
      row.count,
      costText(row.costs, "refund"),
      costText(row.costs, "replacement"),
      costText(row.costs, "discount_code"),
    ]);
  const bars = (name: string, rows: GroupRow[], keyWords: (key: string) => string = words): DataSeries[] => [
    { name, data: rows.map((row) => ({ key: keyWords(row.key), value: row.count })) },
  ];
  return {
    range,
    error,
    total: data.total,
    overdue: data.overdue,
    firstAction:
      data.medianToFirstAction.seconds === null
        ? null
        : formatDuration(data.medianToFirstAction.seconds),
    firstActionCount: data.medianToFirstAction.count,
    resolution:
      data.medianToResolution.seconds === null
        ? null
        : formatDuration(data.medianToResolution.seconds),
    resolutionCount: data.medianToResolution.count,
    byKind,
    otherKinds,
    costSeries,
    costs: (["refund", "replacement", "discount_code"] as const).map((kind) => [
      COST_TITLES[kind],
      costText(data.costs, kind),
    ]),
    causes: { chart: bars("Incidents", data.byRootCause), table: groupTable(data.byRootCause) },
    parties: {
      chart: bars("Incidents", data.byResponsibleParty, partyWords),
      table: groupTable(data.byResponsibleParty, partyWords),
    },
    repeatCustomers: data.repeatCustomers.map((c) => [
      c.name ?? c.email ?? c.customerId,
      c.email ?? "",
      c.incidents,
    ]),
  };
};

const GROUP_HEADINGS = ["", "Incidents", "Refunds", "Replacements (retail)", "Codes issued"];

export default function Analytics() {
  return <AnalyticsPage data={useLoaderData<typeof loader>()} />;
}

/**
 * The page, rendered again only when its figures change. The route renders again on every
 * change of navigation state (a click on "Show" makes two before the new figures arrive); the
 * figures are the same object until then, so that costs nothing (it cost the click ~100 ms of
 * tables and charts drawn again: bench/admin-speed.ts).
 */
const AnalyticsPage = memo(function AnalyticsPage({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const exportHref = `/app/analytics/export?from=${data.range.from}&to=${data.range.to}`;
  return (
    <Page
      title="Analytics"
      subtitle="What the errors teach: where incidents come from and what they cost"
      
    >
      <Layout>
        <Layout.Section>
          <Card>
            <Form method="get">
              <InlineStack gap="300" blockAlign="end" wrap>
                <DateField name="from" label="From" value={data.range.from} />
                <DateField name="to" label="To" value={data.range.to} />
                <Button submit>Show</Button>
                <a href={exportHref} download onClick={downloadInAdmin}>
                  Download incidents as CSV
                </a>
              </InlineStack>
            </Form>
          </Card>
        </Layout.Section>
        {data.error ? (
          <Layout.Section>
            <Banner tone="warning">{data.error}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
            <Figure title="Incidents" value={String(data.total)} note="opened in these dates" />
            <Figure
              title="Overdue now"
              value={String(data.overdue)}
              note="open past their respond-by time"
            />
            <Figure
              title="Median time to first action"
              value={data.firstAction ?? "—"}
              note={`${data.firstActionCount} incidents a staff member acted on`}
            />
            <Figure
              title="Median time to resolution"
              value={data.resolution ?? "—"}
              note={`${data.resolutionCount} incidents resolved`}
            />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Incidents over time, by kind
              </Text>
              {data.total === 0 ? (
                <Text as="p" tone="subdued">
                  No incidents in these dates.
                </Text>
              ) : (
                <>
                  <AnalyticsChart type="line" data={data.byKind} height={280} label="Incidents per day by kind" />
                  {data.otherKinds ? (
                    <Text as="p" tone="subdued">
                      Other kinds: {data.otherKinds}.
                    </Text>
                  ) : null}
                </>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                What remedies cost
              </Text>
              <DataTable
                columnContentTypes={["text", "numeric"]}
                headings={["", "Total"]}
                rows={data.costs}
              />
              {data.costSeries.length > 0 ? (
                <AnalyticsChart type="line" data={data.costSeries} height={240} label="Remedy cost per day" />
              ) : null}
              <Text as="p" tone="subdued">
                Replacements are counted at the items' selling price: Amends does not know what they
                cost you. Apology codes are counted at their value when issued: whether a customer
                used one is not known to Amends.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <GroupCard title="By root cause" chart={data.causes.chart} rows={data.causes.table} />
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <GroupCard
            title="By responsible party"
            chart={data.parties.chart}
            rows={data.parties.table}
          />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Customers with repeated incidents
              </Text>
              {data.repeatCustomers.length === 0 ? (
                <Text as="p" tone="subdued">
                  No customer had more than one incident in these dates.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "numeric"]}
                  headings={["Customer", "E-mail", "Incidents"]}
                  rows={data.repeatCustomers}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
      <Box paddingBlockEnd="800" />
    </Page>
  );
});

function DateField({ name, label, value }: { name: string; label: string; value: string }) {
  const [text, setText] = useState(value);
  return (
    <TextField
      name={name}
      label={label}
      type="date"
      value={text}
      onChange={setText}
      autoComplete="off"
    />
  );
}

function Figure({ title, value, note }: { title: string; value: string; note: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">
          {title}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
        <Text as="p" tone="subdued" variant="bodySm">
          {note}
        </Text>
      </BlockStack>
    </Card>
  );
}

function GroupCard({
  title,
  chart,
  rows,
}: {
  title: string;
  chart: DataSeries[];
  rows: (string | number)[][];
}) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {rows.length === 0 ? (
          <Text as="p" tone="subdued">
            No incidents in these dates.
          </Text>
        ) : (
          <>
            <AnalyticsChart
              type="bars"
              data={chart}
              height={Math.max(120, 36 * (chart[0]?.data.length ?? 1) + 40)}
              label={`${title}: incidents`}
            />
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
              headings={GROUP_HEADINGS}
              rows={rows}
            />
          </>
        )}
      </BlockStack>
    </Card>
  );
}
