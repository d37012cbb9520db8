// Any /app/... address that is no page of Amends: the app's own 404 page, inside the app's
// navigation, instead of Remix's.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireAdmin } from "../admin-auth.server";
import { AppErrorBoundary } from "../components/AppErrorBoundary";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireAdmin(request);
  throw new Response("This page does not exist in Amends", { status: 404 });
};

export default function NotFound() {
  return null;
}

export const ErrorBoundary = AppErrorBoundary;
