// What every answer to the customer-account extension goes through (app/routes/api.customer.*):
// the session token verified by the Shopify library, the customer and shop it names, the rate
// limits, and CORS headers on every response — the preflight, 401, 404, 422, 429 and 500
// included, since the extension runs on Shopify's origin and cannot read an answer without them.
import { env } from "./env.server";
import { logger } from "./logger.server";
import { RateLimiter } from "./rate-limit.server";
import { authenticate } from "./shopify.server";

export interface CustomerRequest {
  /** The shop's myshopify domain, from the token's `dest`. */
  shop: string;
  /** The logged-in customer's GID, from the token's `sub`. */
  customerId: string;
}

/**
 * Limits a real store can live with. A customer's order page asks once per view of the status
 * block and once when the report form opens: 30 at once and one every 2 s is far above a person
 * and far below a loop. Reports are rarer: 5 at once, then one every 2 minutes. A shop's
 * customers together: 600 at once and 20 a second, a busy sale's order pages.
 */
export const limits = {
  customer: new RateLimiter({ burst: 30, perSecond: 0.5 }),
  reports: new RateLimiter({ burst: 5, perSecond: 1 / 120 }),
  shop: new RateLimiter({ burst: 600, perSecond: 20 }),
};

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/\d+$/;

/** The same body for every order a customer may not see, so none can be told apart. */
export function notFound(): Response {
  return Response.json({ error: "not_found" }, { status: 404 });
}

export function methodNotAllowed(allow: string): Response {
  return Response.json({ error: "method_not_allowed" }, { status: 405, headers: { Allow: allow } });
}

function tooMany(seconds: number): Response {
  return Response.json({ error: "rate_limited" }, { status: 429, headers: { "Retry-After": String(seconds) } });
}

/** The reports limit, charged only for a report about to be taken: a customer correcting the
 * form's errors is not held back by their own attempts (the customer limit still counts them). */
export function limitReports(customer: CustomerRequest): Response | null {
  const wait = limits.reports.take(`${customer.shop} ${customer.customerId}`);
  return wait > 0 ? tooMany(wait) : null;
}

/** Runs `handle` for an authenticated customer and answers with CORS headers whatever happens. */
export async function customerApi(
  request: Request,
  handle: (customer: CustomerRequest) => Promise<Response>,
): Promise<Response> {
  let cors: ((response: Response) => Response) | null = null;
  try {
    // Throws the preflight's 204 (with CORS headers) for OPTIONS, and 401 for a missing,
    // forged, expired or not-yet-valid token.
    const context = await authenticate.public.customerAccount(request);
    cors = context.cors;
    const { dest, sub, aud } = context.sessionToken;
    // The library skips the audience check for extension tokens; a token must still have been
    // issued to this app (its client id), and name a shop and a logged-in customer.
    const shop = shopOf(dest);
    if (aud !== env().SHOPIFY_API_KEY || !shop || !sub || !CUSTOMER_GID.test(sub)) {
      return withCors(request, new Response(undefined, { status: 401, statusText: "Unauthorized" }), cors);
    }
    // The shop's limit is charged only when the customer's lets the request through.
    const wait = limits.customer.take(`${shop} ${sub}`) || limits.shop.take(shop);
    if (wait > 0) return withCors(request, tooMany(wait), cors);
    return withCors(request, await handle({ shop, customerId: sub }), cors);
  } catch (thrown) {
    if (thrown instanceof Response) return withCors(request, thrown, cors);
    logger.error({ err: thrown, path: new URL(request.url).pathname }, "customer endpoint failed");
    return withCors(request, Response.json({ error: "unavailable" }, { status: 500 }), cors);
  }
}

function shopOf(dest: string | undefined): string | null {
  try {
    const url = new URL(dest ?? "");
    return url.protocol === "https:" && url.hostname ? url.hostname : null;
  } catch {
    return null;
  }
}

/**
 * The library's CORS headers once the token is verified (`cors`); before that (the library's
 * own 401, a bot's 410) the same headers, set here as its ensureCORSHeaders sets them: a
 * cross-origin request from the extension gets `Access-Control-Allow-Origin: *`. Retry-After
 * is exposed so the extension can read how long to wait.
 */
function withCors(request: Request, response: Response, cors: ((response: Response) => Response) | null): Response {
  // A thrown Response may have immutable headers (Response.redirect): copy it to set them.
  const answer = new Response(response.body, response);
  const origin = request.headers.get("Origin");
  if (cors) cors(answer);
  if (origin && origin !== env().SHOPIFY_APP_URL) {
    if (!answer.headers.has("Access-Control-Allow-Origin")) {
      answer.headers.set("Access-Control-Allow-Origin", "*");
      answer.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
    }
    const exposed = answer.headers.get("Access-Control-Expose-Headers");
    answer.headers.set("Access-Control-Expose-Headers", exposed ? `${exposed}, Retry-After` : "Retry-After");
    answer.headers.set("Vary", "Origin");
  }
  return answer;
}
