// The app's webhook endpoint over real HTTP, for tests that let the Shopify emulator deliver:
// node:http on 127.0.0.1 (a free port) handing the raw body and headers to a WebhookIntake,
// as app/server/app-server.ts does in production.
import type { IncomingMessage } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import type { WebhookIntake } from "../../app/webhooks/intake.server";

export interface WebhookServer {
  /** e.g. http://127.0.0.1:41234; the endpoint is `${url}/webhooks`. */
  url: string;
  /** Every answer given, in order: what the sender saw. */
  answers: { topic: string; status: number }[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startWebhookServer(intake: WebhookIntake): Promise<WebhookServer> {
  const answers: WebhookServer["answers"] = [];
  const server = createServer((req, res) => {
    if (req.url !== "/webhooks") {
      res.writeHead(404).end();
      return;
    }
    readBody(req)
      .then((body) =>
        intake.receive({
          method: req.method ?? "GET",
          header: (name) => {
            const value = req.headers[name.toLowerCase()];
            return Array.isArray(value) ? value[0] : value;
          },
          body,
        }),
      )
      .then(
        ({ status, body }) => {
          answers.push({ topic: String(req.headers["x-shopify-topic"]), status });
          res.writeHead(status, { "Content-Type": "text/plain" }).end(body);
        },
        () => res.writeHead(503).end("Could not store the delivery; please retry"),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answers,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await intake.drain();
    },
  };
}
