// The CSV export inside Shopify admin. A plain link carries no session token there, so the
// export would meet the login instead of the file: the file is fetched with App Bridge's
// session token (`shopify.idToken()`, shopify.dev "Authenticate requests from the frontend":
// `Authorization: Bearer <token>`), then handed to the browser as a download. Outside admin
// (demo mode, no App Bridge) the link works as it is.
import type { MouseEvent } from "react";

/** The part of App Bridge's global `shopify` the download needs. */
export interface AppBridgeForDownload {
  idToken(): Promise<string>;
  toast: { show(message: string, options?: { isError?: boolean }): void };
}

function appBridge(): AppBridgeForDownload | null {
  const shopify = (window as unknown as { shopify?: Partial<AppBridgeForDownload> }).shopify;
  return shopify && typeof shopify.idToken === "function" && shopify.toast ? (shopify as AppBridgeForDownload) : null;
}

/** Fetches the file with the session token and saves it; says so in a toast when it cannot. */
export async function downloadWithSessionToken(shopify: AppBridgeForDownload, href: string, fallbackName: string): Promise<boolean> {
  const token = await shopify.idToken().catch(() => null);
  const response = token ? await fetch(href, { headers: { Authorization: `Bearer ${token}` } }).catch(() => null) : null;
  if (!response?.ok) {
    shopify.toast.show("The export could not be made; try again in a moment.", { isError: true });
    return false;
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // After the browser has taken the file.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return true;
}

/** The export link's click handler: inside admin, the download above; elsewhere, the link. */
export function downloadInAdmin(event: MouseEvent<HTMLAnchorElement>): void {
  const shopify = appBridge();
  if (!shopify) return;
  event.preventDefault();
  void downloadWithSessionToken(shopify, event.currentTarget.href, "amends-incidents.csv");
}
