// Errors on the app's pages, as Polaris pages with a way back: a missing incident or page is a
// 404 page, anything else says it went wrong without showing code. Exported as each page's
// ErrorBoundary, so the navigation stays around it.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { BlockStack, Button, Card, InlineStack, Page, Text } from "@shopify/polaris";

export function ErrorPage({ status, detail }: { status: number; detail?: string }) {
  const notFound = status === 404;
  return (
    <Page title={notFound ? "Page not found" : "Something went wrong"}>
      <Card>
        <BlockStack gap="300">
          <Text as="p">
            {notFound
              ? (detail ?? "This page does not exist in Amends.")
              : "Amends could not show this page. Nothing was changed; try again in a moment."}
          </Text>
          {notFound ? (
            <Text as="p" tone="subdued">
              It may have been removed, or the link is mistyped.
            </Text>
          ) : null}
          <InlineStack gap="200">
            <Button url="/app" variant="primary">
              Back to incidents
            </Button>
            <Button url="/app/settings">Settings</Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Page>
  );
}

/** What an error says to the merchant: the 404's own words when a page threw one. */
export function errorStatus(error: unknown): { status: number; detail?: string } {
  if (isRouteErrorResponse(error)) {
    const detail = typeof error.data === "string" && error.data.length < 200 ? `${error.data}.` : undefined;
    return { status: error.status, ...(detail ? { detail } : {}) };
  }
  return { status: 500 };
}

export function AppErrorBoundary() {
  const { status, detail } = errorStatus(useRouteError());
  return <ErrorPage status={status} {...(detail ? { detail } : {})} />;
}
