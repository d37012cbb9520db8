// A stand-in for the app's customer endpoint that answers exactly as the contract says
// (extensions/amends-order/src/api-contract.ts), for testing the extension's screens alone:
// the session token must verify (HS256, the app secret, our client id as audience), every
// response carries CORS headers, and each answer is whatever the test scripts.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

import { jwtVerify } from "jose";

import type { OrderCasesResponse, ReportRequest } from "../../extensions/amends-order/src/api-contract";

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface StubEndpoint {
  url: string;
  /** The order the GET answers with, per numeric order id. */
  orders: Map<string, OrderCasesResponse>;
  /** What the next POST of a report answers (201 with the report, or 422, 429 …). */
  onReport: (orderId: string, body: ReportRequest) => ScriptedAnswer;
  /** Each request's method, path, verified token subject and body. */
  calls: { method: string; path: string; sub: string | null; body: unknown }[];
  close(): Promise<void>;
}

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Expose-Headers": "Retry-After",
};

function send(response: ServerResponse, answer: ScriptedAnswer) {
  response.writeHead(answer.status, { ...CORS, "Content-Type": "application/json", ...answer.headers });
  response.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startStubEndpoint(secret: string, clientId: string): Promise<StubEndpoint> {
  const stub: Omit<StubEndpoint, "url" | "close"> = {
    orders: new Map(),
    onReport: () => ({ status: 500 }),
    calls: [],
  };
  const server = createServer((request, response) => {
    void (async () => {
      if (request.method === "OPTIONS") return send(response, { status: 204 });
      const path = new URL(request.url ?? "/", "http://stub").pathname;
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      let sub: string | null = null;
      try {
        if (!token) throw new Error("no token");
        const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"], audience: clientId });
        sub = payload.sub ?? null;
      } catch {
        return send(response, { status: 401 });
      }
      const raw = request.method === "POST" ? await readBody(request) : "";
      const body: unknown = raw ? JSON.parse(raw) : null;
      stub.calls.push({ method: request.method ?? "", path, sub, body });

      const order = /^\/api\/customer\/orders\/(\d+)$/.exec(path);
      const reports = /^\/api\/customer\/orders\/(\d+)\/reports$/.exec(path);
      if (request.method === "GET" && order) {
        const found = stub.orders.get(order[1]!);
        return send(response, found ? { status: 200, body: found } : { status: 404, body: { error: "Not found" } });
      }
      if (request.method === "POST" && reports && stub.orders.has(reports[1]!)) {
        return send(response, stub.onReport(reports[1]!, body as ReportRequest));
      }
      send(response, { status: 404, body: { error: "Not found" } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return Object.assign(stub, {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
