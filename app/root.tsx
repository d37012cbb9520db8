import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";

function Document({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        {/* No favicon of our own: Shopify admin shows the app's icon; this stops a 404. */}
        <link rel="icon" href="data:," />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Document>
      <Outlet />
    </Document>
  );
}

// Outside the app's pages (an address that is no route at all): a plain page with a way back,
// never Remix's developer page or a stack trace.
export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Document>
      <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: "36rem", margin: "4rem auto", padding: "0 1rem", color: "#303030" }}>
        <h1 style={{ fontSize: "1.25rem" }}>{notFound ? "Page not found" : "Something went wrong"}</h1>
        <p>{notFound ? "This address is not a page of Amends." : "Amends could not show this page. Nothing was changed; try again in a moment."}</p>
        <p>
          <a href="/app">Back to incidents</a>
        </p>
      </main>
    </Document>
  );
}
