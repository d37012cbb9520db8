// Remix hands each request's errors to entry.server's handleError: a page that does not exist
// is one info line (no stack trace); a real failure is an error with its stack.
import { afterEach, describe, expect, it, vi } from "vitest";

import { handleError } from "../app/entry.server";
import { logger } from "../app/logger.server";

afterEach(() => {
  vi.restoreAllMocks();
});

/** What Remix passes for an address no route matches (an ErrorResponse wrapping an Error). */
function noRoute(path: string) {
  const error = new Error(`No route matches URL "${path}"`);
  return { status: 404, statusText: "Not Found", internal: true, data: `Error: ${error.message}`, error };
}

const args = (path: string, init?: RequestInit) => ({ request: new Request(`http://127.0.0.1${path}`, init), params: {}, context: {} });

describe("handleError", () => {
  it("logs a 404 as one info line with the path, without the stack", () => {
    const info = vi.spyOn(logger, "info").mockImplementation(() => undefined);
    const error = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    handleError(noRoute("/nowhere"), args("/nowhere"));
    expect(error).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledWith({ path: "/nowhere", status: 404 }, "not found");
    expect(JSON.stringify(info.mock.calls)).not.toMatch(/at .*:\d+/);
  });

  it("logs a failure as an error with the error itself, and nothing for an aborted request", () => {
    const error = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    const failure = new Error("database is locked");
    handleError(failure, args("/app"));
    expect(error).toHaveBeenCalledWith({ path: "/app", err: failure }, "request failed");
    const controller = new AbortController();
    controller.abort();
    handleError(failure, args("/app", { signal: controller.signal }));
    expect(error).toHaveBeenCalledTimes(1);
  });
});
