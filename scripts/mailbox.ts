// The demo's mailbox: a page listing every e-mail the demo's SMTP server received (newest
// first), each with its HTML as the customer would see it and its plain text. `/messages.json`
// gives the same as data, for scripts and browser tests.
import { createServer } from "node:http";
import type { Server } from "node:http";

import type { ReceivedMail } from "../tests/support/mail-server";

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

function summary(mail: ReceivedMail) {
  return {
    receivedAt: mail.receivedAt.toISOString(),
    from: mail.parsed.from?.text ?? "",
    to: mail.envelopeTo,
    subject: mail.parsed.subject ?? "",
    text: mail.parsed.text ?? "",
    html: typeof mail.parsed.html === "string" ? mail.parsed.html : "",
    messageId: mail.parsed.messageId ?? null,
  };
}

function page(received: ReceivedMail[]): string {
  const items = [...received]
    .reverse()
    .map(summary)
    .map(
      (mail) => `<article>
  <h2>${escape(mail.subject)}</h2>
  <p class="meta">To ${escape(mail.to.join(", "))} · from ${escape(mail.from)} · ${escape(mail.receivedAt)}</p>
  <iframe title="${escape(mail.subject)}" sandbox srcdoc="${escape(mail.html)}"></iframe>
  <details><summary>Plain text</summary><pre>${escape(mail.text)}</pre></details>
</article>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Mailbox · Amends demo</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #202223; }
  article { border: 1px solid #e1e3e5; border-radius: 8px; padding: 1rem; margin: 1rem 0; }
  h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
  .meta { color: #6d7175; margin: 0 0 .75rem; }
  iframe { width: 100%; height: 22rem; border: 1px solid #e1e3e5; border-radius: 4px; }
  pre { white-space: pre-wrap; }
</style>
</head>
<body>
<h1>Mailbox</h1>
<p>Every e-mail the demo store sent its customers (${received.length}). Reload to see new ones.</p>
${items || "<p>No e-mail yet.</p>"}
</body>
</html>
`;
}

export async function startMailbox(received: ReceivedMail[], port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === "/messages.json") {
      response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      response.end(JSON.stringify(received.map(summary)));
      return;
    }
    if (url.pathname === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(page(received));
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("Not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`Port ${port} is in use: run MAILBOX_PORT=8026 npm run demo`) : error),
    );
    server.listen(port, "127.0.0.1", resolve);
  });
  return server;
}
