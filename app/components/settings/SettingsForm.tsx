// One settings page's form: the Polaris page, its banners, and the contextual save bar with an
// unsaved-changes guard. Embedded, App Bridge draws the save bar (data-save-bar on the form) and
// asks before leaving (data-discard-confirmation). In demo mode, outside Shopify admin, the
// same bar and question are drawn here, so the page behaves alike in a plain browser.
import { Form, useBlocker, useBeforeUnload, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { useCallback } from "react";

import type { Fields } from "./fields";

interface Props {
  title: string;
  subtitle?: string;
  /** The page's fields (useFields), with the last save's errors by field. */
  fields: Fields;
  saved: boolean;
  /** Field → where it is, for errors on fields of another page (a stored value gone bad). */
  ownField: (field: string) => boolean;
  /** Banners above the form (e.g. e-mail is off). */
  notices?: ReactNode;
  children: ReactNode;
}

export function SettingsForm({ title, subtitle, fields, saved, ownField, notices, children }: Props) {
  const { errors } = fields;
  const navigation = useNavigation();
  const demo = useRouteLoaderData<{ demo: boolean }>("routes/app")?.demo ?? false;
  const saving = navigation.state === "submitting";
  const failed = Object.keys(errors).length > 0;
  const elsewhere = Object.entries(errors).filter(([field]) => !ownField(field));
  const guard = fields.dirty && !saving;
  // Leaving within the app (links, back) asks first; reloading or closing the tab too.
  const blocker = useBlocker(({ currentLocation, nextLocation }) => guard && currentLocation.pathname !== nextLocation.pathname);
  useBeforeUnload(
    useCallback(
      (event: BeforeUnloadEvent) => {
        if (guard) event.preventDefault();
      },
      [guard],
    ),
  );
  return (
    <Form method="post" data-save-bar data-discard-confirmation onReset={fields.reset}>
      <Page
        title={title}
        {...(subtitle ? { subtitle } : {})}
        backAction={{ content: "Settings", url: "/app/settings" }}
        primaryAction={
          <Button submit variant="primary" loading={saving} disabled={!fields.dirty && !failed}>
            Save
          </Button>
        }
      >
        <Layout>
          {demo && fields.dirty ? (
            <Layout.Section>
              <div role="region" aria-label="Unsaved changes" style={{ position: "sticky", top: 0, zIndex: 400 }}>
                <Box background="bg-fill-inverse" padding="300" borderRadius="200">
                  <InlineStack align="space-between" blockAlign="center" gap="200">
                    <Text as="p" tone="text-inverse" fontWeight="semibold">
                      Unsaved changes
                    </Text>
                    <InlineStack gap="200">
                      <Button onClick={fields.reset}>Discard</Button>
                      <Button submit variant="primary" loading={saving}>
                        Save
                      </Button>
                    </InlineStack>
                  </InlineStack>
                </Box>
              </div>
            </Layout.Section>
          ) : null}
          {blocker.state === "blocked" ? (
            <Layout.Section>
              <Banner
                tone="warning"
                title="Leave this page with unsaved changes?"
                action={{ content: "Leave without saving", onAction: () => blocker.proceed() }}
                secondaryAction={{ content: "Stay on this page", onAction: () => blocker.reset() }}
              >
                What you changed here is lost if you leave now.
              </Banner>
            </Layout.Section>
          ) : null}
          {saved && !failed ? (
            <Layout.Section>
              <Banner tone="success" title="Settings saved">
                Amends uses them from the next incident on.
              </Banner>
            </Layout.Section>
          ) : null}
          {failed ? (
            <Layout.Section>
              <Banner tone="critical" title="Nothing was saved">
                <BlockStack gap="100">
                  <Text as="p">{errors.form ?? "Fix the fields marked below, then save again."}</Text>
                  {elsewhere
                    .filter(([field]) => field !== "form")
                    .map(([field, message]) => (
                      <Text as="p" key={field}>
                        Another settings page has a problem ({field}): {message}
                      </Text>
                    ))}
                </BlockStack>
              </Banner>
            </Layout.Section>
          ) : null}
          {notices}
          {children}
        </Layout>
      </Page>
    </Form>
  );
}
