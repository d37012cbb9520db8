// A real SMTP server (smtp-server) in the test process or the demo, keeping every message it
// accepts, parsed (mailparser). `refuse` answers a delivery with an SMTP error instead, the way a
// busy (4xx) or unwilling (5xx) mail server does.
import type { AddressInfo } from "node:net";

import type { ParsedMail } from "mailparser";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  receivedAt: Date;
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface MailServer {
  port: number;
  /** For nodemailer / SMTP_URL. */
  url: string;
  received: ReceivedMail[];
  /** The next deliveries get these answers (e.g. [{ code: 451, message: "try later" }]). */
  refuse(...answers: { code: number; message: string }[]): void;
  /** Forgets what was received and any refusal not yet used. */
  reset(): void;
  close(): Promise<void>;
}

export async function startMailServer(port = 0): Promise<MailServer> {
  const received: ReceivedMail[] = [];
  const refusals: { code: number; message: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on localhost: no certificate to offer, so no STARTTLS.
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const refusal = refusals.shift();
        if (refusal) {
          const error = new Error(refusal.message) as Error & { responseCode: number };
          error.responseCode = refusal.code;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw)
          .then((parsed) => {
            received.push({ receivedAt: new Date(), envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed, raw });
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    url: `smtp://127.0.0.1:${address.port}`,
    received,
    refuse: (...answers) => refusals.push(...answers),
    reset: () => {
      received.splice(0);
      refusals.splice(0);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
