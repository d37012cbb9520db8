import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";

import { requireAdmin } from "../admin-auth.server";
import { env } from "../env.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { demo, shop } = await requireAdmin(request);
  return { apiKey: env().SHOPIFY_API_KEY, demo, shop };
};

export default function App() {
  const { apiKey, demo } = useLoaderData<typeof loader>();
  // Demo mode renders Polaris without App Bridge: it runs outside Shopify admin, offline.
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      {demo ? null : (
        <NavMenu>
          <Link to="/app" rel="home">
            Incidents
          </Link>
          <Link to="/app/deliveries">Failed webhooks</Link>
          <Link to="/app/settings">Settings</Link>
        </NavMenu>
      )}
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so their headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
