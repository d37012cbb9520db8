import { PassThrough } from "node:stream";

import type { ActionFunctionArgs, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";

import { logger } from "./logger.server";
import { addDocumentResponseHeaders } from "./shopify.server";

export const streamTimeout = 5000;

/** Remix reports a request's errors here. A page or incident that does not exist is an
 * ordinary 404: one info line, not a stack trace; an aborted request is nobody's error. */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  const path = new URL(request.url).pathname;
  if (isRouteErrorResponse(error) && error.status === 404) {
    logger.info({ path, status: 404 }, "not found");
    return;
  }
  // Remix wraps some errors in a response; the inner error has the stack worth logging.
  const inner = isRouteErrorResponse(error) ? (error as { error?: unknown }).error : undefined;
  logger.error({ path, err: inner ?? error }, "request failed");
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} />,
      {
        [callbackName]: () => {
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          console.error(error);
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}

// The lean server (scripts/server.mjs) reaches these through the build's entry module, so the
// webhook hot path, health and metrics share this process's database and registry with Remix.
export { serverLimits, startWebhookWorker, webhookRuntime } from "./webhooks/runtime.server";
export { readBodyWithin } from "./webhooks/body.server";
export { startBackgroundWorker, usesJobQueue } from "./jobs/worker.server";
export { healthCheck, metricsSnapshot, metricsText } from "./health.server";
export { metricsAccess } from "./metrics.server";
export { logger } from "./logger.server";
