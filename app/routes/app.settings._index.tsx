// Settings, the index: one page per topic, so a merchant finds a setting in seconds instead of
// scrolling one long form. Each kind of incident has its own remedies page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineGrid, Layout, Link, Page, Text } from "@shopify/polaris";

import { AppErrorBoundary } from "../components/AppErrorBoundary";
import { INCIDENT_KINDS } from "../incidents/model";
import { kindTitle } from "../remediation/policy/decide";
import { settingsPageData } from "../settings-page.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { settings } = await settingsPageData(request);
  const kinds = INCIDENT_KINDS.map((kind) => {
    const policy = settings.policy.kinds[kind];
    const remedies = policy?.remedies.length ?? 0;
    return {
      kind,
      title: kindTitle(kind),
      summary: !policy || remedies === 0 ? "Nothing offered" : policy.mode === "automatic" ? "Automatic" : "After your approval",
    };
  });
  return { kinds, policyProblem: settings.policyProblem };
};

const TOPICS = [
  { url: "/app/settings/limits", title: "Caps and abuse checks", text: "When Amends asks for your approval instead of acting alone." },
  { url: "/app/settings/messages", title: "Customer messages", text: "Your resolution policy and the e-mails sent for every kind of incident." },
  { url: "/app/settings/detection", title: "Detection and response times", text: "When an order is late or lost, and how fast to answer." },
  { url: "/app/settings/staff", title: "Staff and approvals", text: "Who may approve refunds, replacements and codes, and up to how much." },
  { url: "/app/settings/parties", title: "Responsible parties", text: "Your store, warehouses, carriers, suppliers and creators, with their response times." },
];

export default function SettingsIndex() {
  const { kinds, policyProblem } = useLoaderData<typeof loader>();
  return (
    <Page title="Settings">
      <Layout>
        {policyProblem ? (
          <Layout.Section>
            <Banner tone="warning" title="The stored policy could not be used">
              Amends is using the default policy until you save a remedies page. ({policyProblem})
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            {TOPICS.map((topic) => (
              <Card key={topic.url}>
                <BlockStack gap="100">
                  <Link url={topic.url} removeUnderline>
                    <Text as="h2" variant="headingMd">
                      {topic.title}
                    </Text>
                  </Link>
                  <Text as="p" tone="subdued">
                    {topic.text}
                  </Text>
                </BlockStack>
              </Card>
            ))}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Remedies by kind of incident
              </Text>
              <Text as="p" tone="subdued">
                What Amends offers for each kind, whether it may act alone, and the apology.
              </Text>
              <InlineGrid columns={{ xs: 1, sm: 2, lg: 3 }} gap="200">
                {kinds.map(({ kind, title, summary }) => (
                  <BlockStack gap="0" key={kind}>
                    <Link url={`/app/settings/remedies/${kind}`}>{title}</Link>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {summary}
                    </Text>
                  </BlockStack>
                ))}
              </InlineGrid>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const ErrorBoundary = AppErrorBoundary;
