// What the errors teach: incidents over time by kind, what each root cause and responsible
// party cost, what remedies cost over time, how fast the team acts, what is overdue and which
// customers keep having problems. Figures come from the database's own aggregations
// (app/models/analytics.server.ts); the charts (polaris-viz) draw in the browser only, in
// boxes of a fixed height so nothing moves when they appear, with the same figures in tables.
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
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import type { MouseEvent } from "react";
import { startTransition, useEffect, useRef, useState } from "react";
import { z } from "zod";

import { requireAdmin } from "../admin-auth.server";
import { db } from "../db.server";
import type { LocalDay } from "../incidents/analytics";
import {
  addDays,
  daysBetween,
  denseSeries,
  formatDuration,
  localDay,
} from "../incidents/analytics";
import type { CostKind, CostRow, DateRange, GroupRow } from "../models/analytics.server";
import { shopAnalytics } from "../models/analytics.server";
import { storedShopProfile, UnknownShopProfile } from "../models/shop.server";
import { kindTitle } from "../remediation/policy";
import { formatMoney } from "../remediation/policy/money";

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const MAX_DAYS = 366;

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
  const data = await shopAnalytics(db(), shop, range, profile.timeZone, now);
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
  const byKind: DataSeries[] = denseSeries(days, data.incidentsByDay).map((series) => ({
    name: kindTitle(series.key),
    data: series.points.map((point) => ({ key: label(point.day), value: point.value })),
  }));
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
  const groupTable = (rows: GroupRow[]) =>
    rows.map((row) => [
      words(row.key),
      row.count,
      costText(row.costs, "refund"),
      costText(row.costs, "replacement"),
      costText(row.costs, "discount_code"),
    ]);
  const bars = (name: string, rows: GroupRow[]): DataSeries[] => [
    { name, data: rows.map((row) => ({ key: words(row.key), value: row.count })) },
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
    costSeries,
    costs: (["refund", "replacement", "discount_code"] as const).map((kind) => [
      COST_TITLES[kind],
      costText(data.costs, kind),
    ]),
    causes: { chart: bars("Incidents", data.byRootCause), table: groupTable(data.byRootCause) },
    parties: {
      chart: bars("Incidents", data.byResponsibleParty),
      table: groupTable(data.byResponsibleParty),
    },
    repeatCustomers: data.repeatCustomers.map((c) => [
      c.name ?? c.email ?? c.customerId,
      c.email ?? "",
      c.incidents,
    ]),
  };
};

/**
 * Charts measure their box, so they draw after the page has loaded; the box keeps its size.
 * Each draws when it scrolls into view, as a transition React may interrupt: drawing thirteen
 * lines must never keep a merchant's click waiting (it did: INP 360 ms, bench/RESULTS.md).
 */
function Chart({ height, label, children }: { height: number; label: string; children: () => JSX.Element }) {
  const [mounted, setMounted] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        startTransition(() => setMounted(true));
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} style={{ height }} role="img" aria-label={label}>
      {mounted ? <PolarisVizProvider>{children()}</PolarisVizProvider> : null}
    </div>
  );
}

const GROUP_HEADINGS = ["", "Incidents", "Refunds", "Replacements (retail)", "Codes issued"];

type AppBridgeGlobal = { toast: { show(message: string, options?: { isError?: boolean }): void } };

/**
 * Inside Shopify admin a plain link carries no session token, so the export would meet the
 * login instead of the file; App Bridge's fetch adds the token (shopify.dev, "Authenticate
 * requests from the frontend"). The file is then handed to the browser as a download. Outside
 * admin (demo mode) the link works as it is.
 */
async function downloadInAdmin(event: MouseEvent<HTMLAnchorElement>) {
  const shopify = (window as unknown as { shopify?: AppBridgeGlobal }).shopify;
  if (!shopify) return;
  event.preventDefault();
  const response = await fetch(event.currentTarget.href).catch(() => null);
  if (!response?.ok) {
    shopify.toast.show("The export could not be made; try again in a moment.", { isError: true });
    return;
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "amends-incidents.csv";
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

export default function Analytics() {
  const data = useLoaderData<typeof loader>();
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
                <Chart height={280} label="Incidents per day by kind">
                  {() => <LineChart data={data.byKind} isAnimated={false} showLegend />}
                </Chart>
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
                <Chart height={240} label="Remedy cost per day">
                  {() => <LineChart data={data.costSeries} isAnimated={false} showLegend />}
                </Chart>
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
}

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
            <Chart
              height={Math.max(120, 36 * (chart[0]?.data.length ?? 1) + 40)}
              label={`${title}: incidents`}
            >
              {() => (
                <BarChart
                  data={chart}
                  direction="horizontal"
                  isAnimated={false}
                  showLegend={false}
                />
              )}
            </Chart>
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
