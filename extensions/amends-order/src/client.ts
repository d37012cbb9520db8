// Calls to the app's endpoint (see api-contract.ts), with a fresh session token each time:
// Shopify's sessionToken.get() caches and renews tokens itself, so asking per request is the
// documented use ("call this method every time you need to make a request to your backend").
import {
  customerApiPaths,
  type FieldErrorsResponse,
  type OrderCasesResponse,
  type ReportCreatedResponse,
  type ReportRequest,
} from "./api-contract";

/** Why a call gave no data, in terms the screens can explain to the customer. */
export type Failure =
  | { ok: false; reason: "not_found" | "unavailable" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number | null };

export type LoadResult = { ok: true; data: OrderCasesResponse } | Failure;
export type SubmitResult =
  | { ok: true; data: ReportCreatedResponse }
  | { ok: false; reason: "invalid"; errors: FieldErrorsResponse["errors"] }
  | Failure;

interface TokenSource {
  get(): Promise<string>;
}

/** The number at the end of an order's GID, as a string: it does not fit a JavaScript number. */
export function orderNumericId(orderGid: string): string | null {
  const id = orderGid.split("/").pop() ?? "";
  return /^\d+$/.test(id) ? id : null;
}

export function customerApi(appUrl: string, sessionToken: TokenSource) {
  async function call(path: string, init: RequestInit = {}): Promise<Response | null> {
    try {
      const token = await sessionToken.get();
      return await fetch(new URL(path, appUrl).toString(), {
        ...init,
        headers: { ...init.headers, Authorization: `Bearer ${token}` },
      });
    } catch {
      // Offline, the app down, or a CORS refusal: all the customer can do is try again later.
      return null;
    }
  }

  function failure(response: Response | null): Failure {
    if (response?.status === 404) return { ok: false, reason: "not_found" };
    if (response?.status === 429) {
      const seconds = Number(response.headers.get("Retry-After"));
      return { ok: false, reason: "rate_limited", retryAfterSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : null };
    }
    return { ok: false, reason: "unavailable" };
  }

  return {
    async load(orderId: string): Promise<LoadResult> {
      const response = await call(customerApiPaths.order(orderId));
      if (response?.status !== 200) return failure(response);
      return { ok: true, data: (await response.json()) as OrderCasesResponse };
    },

    async report(orderId: string, report: ReportRequest): Promise<SubmitResult> {
      const response = await call(customerApiPaths.reports(orderId), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(report),
      });
      if (response?.status === 201) return { ok: true, data: (await response.json()) as ReportCreatedResponse };
      if (response?.status === 422) {
        const body = (await response.json()) as FieldErrorsResponse;
        return { ok: false, reason: "invalid", errors: body.errors ?? {} };
      }
      return failure(response);
    },
  };
}
