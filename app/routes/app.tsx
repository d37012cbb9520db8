import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, Outlet, isRouteErrorResponse, useLoaderData, useLocation, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { AppProvider as PolarisProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import type { ReactNode } from "react";

import { DEMO_STAFF, DEMO_STAFF_COOKIE, demoStaffKey, requireAdmin } from "../admin-auth.server";
import { ErrorPage, errorStatus } from "../components/AppErrorBoundary";
import { PageScrollbarStyle } from "../components/PageScrollbarStyle";
import { env } from "../env.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

/** The app's navigation: App Bridge's menu in Shopify admin, the same links in demo mode. */
const NAV = [
  { to: "/app", label: "Incidents" },
  { to: "/app/analytics", label: "Analytics" },
  { to: "/app/settings", label: "Settings" },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { demo, shop, staff } = await requireAdmin(request);
  const base = { apiKey: env().SHOPIFY_API_KEY, demo, shop, staff: { name: staff.name, accountOwner: staff.accountOwner } };
  if (!demo) return { ...base, switchTo: null };
  // Demo: ?staff=owner|support switches who acts, and stays chosen for the next pages.
  const key = demoStaffKey(request);
  const switchTo = key === "owner" ? "support" : "owner";
  return data(
    { ...base, switchTo: { key: switchTo, name: DEMO_STAFF[switchTo].identity.name } },
    { headers: { "Set-Cookie": `${DEMO_STAFF_COOKIE}=${key}; Path=/; SameSite=Lax; HttpOnly` } },
  );
};

export default function App() {
  return (
    <Frame data={useLoaderData<typeof loader>()}>
      <Outlet />
    </Frame>
  );
}

type AppData = ReturnType<typeof useLoaderData<typeof loader>>;

/** Polaris, App Bridge and the navigation around a page (or an error page). */
function Frame({ data, children }: { data: AppData; children: ReactNode }) {
  const { apiKey, demo, staff, switchTo } = data;
  // Demo mode renders Polaris without App Bridge: it runs outside Shopify admin, offline.
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      <PageScrollbarStyle />
      {demo ? (
        <DemoNav staff={staff} switchTo={switchTo} />
      ) : (
        <NavMenu>
          <Link to="/app" rel="home">
            Incidents
          </Link>
          <Link to="/app/deliveries">Failed webhooks</Link>
          <Link to="/app/analytics">Analytics</Link>
          <Link to="/app/settings">Settings</Link>
        </NavMenu>
      )}
      {children}
    </AppProvider>
  );
}

/** What Shopify admin's sidebar shows for the app, drawn in the page for the plain browser;
 * and who is acting, with a switch between the demo's owner and support agent. */
function DemoNav({ staff, switchTo }: { staff: { name: string; accountOwner: boolean }; switchTo: { key: string; name: string } | null }) {
  const { pathname } = useLocation();
  const current = (to: string) => (to === "/app" ? pathname === "/app" || pathname.startsWith("/app/incidents") : pathname.startsWith(to));
  return (
    <nav
      aria-label="Amends"
      style={{ display: "flex", flexWrap: "wrap", alignItems: "center", gap: "0.25rem 1rem", padding: "0.5rem 1rem", background: "#ebebeb", borderBottom: "1px solid #d4d4d4", fontSize: "0.875rem" }}
    >
      {NAV.map((item) => (
        <Link
          key={item.to}
          to={item.to}
          aria-current={current(item.to) ? "page" : undefined}
          style={{ color: "#303030", fontWeight: current(item.to) ? 650 : 450, textDecoration: current(item.to) ? "underline" : "none", padding: "0.25rem 0" }}
        >
          {item.label}
        </Link>
      ))}
      <span style={{ marginInlineStart: "auto", color: "#616161" }}>
        Demo: acting as {staff.name}
        {staff.accountOwner ? " (store owner)" : ""}
        {switchTo ? (
          <>
            {" · "}
            <Link to={`?staff=${switchTo.key}`} style={{ color: "#005bd3" }}>
              Switch to {switchTo.name}
            </Link>
          </>
        ) : null}
      </span>
    </nav>
  );
}

// Shopify needs Remix to catch some thrown responses (re-authentication, App Bridge redirects)
// so their headers reach the browser: those go to boundary.error. Anything else, a missing
// page or a failure, is shown as a Polaris page with a way back.
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("routes/app");
  if (isRouteErrorResponse(error) && error.status !== 404 && error.status < 500) return boundary.error(error);
  const { status, detail } = errorStatus(error);
  const page = <ErrorPage status={status} {...(detail ? { detail } : {})} />;
  // A page's own loader failed: the app's frame loaded, so the error page keeps the navigation.
  return data ? <Frame data={data}>{page}</Frame> : <PolarisProvider i18n={en}>{page}</PolarisProvider>;
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
