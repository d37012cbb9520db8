// Sends the outbox by e-mail over SMTP (nodemailer), in the background: a small claim of due
// messages at a time, never in a request. The mail server's answer decides what happens next:
// accepted → sent; a 4xx or a connection problem → tried again later, with backoff; a 5xx (the
// server refuses the message for good) or too many attempts → failed. Each outcome goes on the
// incident's timeline in plain words, the address masked.
import nodemailer from "nodemailer";

import type { Database } from "../db.server";
import type { Logger } from "../logger.server";
import type { OutgoingMessageRow } from "../models/outbox.server";
import { claimDueMessages, holdDueMessages, settleMessage } from "../models/outbox.server";
import type { CustomerMessageKind } from "../remediation/policy";
import { MESSAGE_KIND_LABELS, maskEmail } from "../remediation/policy";

export interface MailToSend {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Derived from the outbox key: a resend after a crash carries the same Message-ID. */
  messageId: string;
}

export interface Mailer {
  send(mail: MailToSend): Promise<{ messageId: string | null; response: string }>;
  close(): void;
}

/** nodemailer over SMTP; `url` as nodemailer reads it (smtp://user:pass@host:587, smtps://…). */
export function smtpMailer(url: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      const info = await transport.sendMail({ ...mail, headers: { "Auto-Submitted": "auto-generated" } });
      return { messageId: info.messageId ?? null, response: info.response };
    },
    close: () => transport.close(),
  };
}

export interface SenderDeps {
  db: Database;
  /** null: e-mail is off (no SMTP_URL). Messages are held, not dropped, and said so. */
  mailer: Mailer | null;
  /** The sender address (SMTP_FROM). */
  from: string;
  log: Logger;
  now?: () => Date;
  /** A message claimed this long ago whose sender never answered is tried again. */
  leaseMs?: number;
  /** Attempts before a message that keeps failing for now is given up. */
  maxAttempts?: number;
  /** Wait before attempt n + 1 is retryBaseMs · 2^(n-1), at most retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

const DEFAULTS = { leaseMs: 2 * 60_000, maxAttempts: 8, retryBaseMs: 30_000, retryMaxMs: 60 * 60_000 };

/** What the SMTP server's answer means for the message. */
export function classifySmtpError(error: unknown): { permanent: boolean; description: string } {
  const details = (error ?? {}) as { responseCode?: unknown; response?: unknown; code?: unknown; message?: unknown };
  const responseCode = typeof details.responseCode === "number" ? details.responseCode : null;
  const response = typeof details.response === "string" ? details.response.trim() : null;
  const message = error instanceof Error ? error.message : String(error);
  // 5xx: the server refuses this message for good (unknown mailbox, rejected content). Not a
  // failed login (535): that is the configuration, fixed for every message at once.
  const permanent = responseCode !== null && responseCode >= 500 && responseCode !== 535 && responseCode !== 530;
  const description = response ?? (typeof details.code === "string" ? `${details.code}: ${message}` : message);
  return { permanent, description };
}

function label(row: OutgoingMessageRow): string {
  return MESSAGE_KIND_LABELS[row.kind as CustomerMessageKind] ?? "the message";
}

/** Sends what is due; returns how many messages it settled (sent, retried, failed or held). */
export async function sendDueMessages(deps: SenderDeps, limit = 20): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const config = { ...DEFAULTS, ...definedOnly(deps) };
  if (!deps.mailer) {
    return holdDueMessages(deps.db, {
      now,
      limit,
      event: (row) => ({
        type: "email_not_sent",
        actor: "amends",
        message: `Not e-mailed: e-mail is off (SMTP_URL is not set), so ${label(row)} was not sent. It stays in the outbox and goes out once e-mail is set up.`,
      }),
    });
  }
  const claimed = await claimDueMessages(deps.db, { now, leaseMs: config.leaseMs, limit, includeHeld: true });
  for (const row of claimed) await sendOne(deps, deps.mailer, row, config);
  return claimed.length;
}

async function sendOne(deps: SenderDeps, mailer: Mailer, row: OutgoingMessageRow, config: typeof DEFAULTS): Promise<void> {
  const to = row.to ?? "";
  const masked = maskEmail(to);
  const log = deps.log.child({ shop: row.shop, incidentId: row.incidentId, messageKey: row.key });
  try {
    const info = await mailer.send({
      from: deps.from,
      to,
      subject: row.subject,
      text: row.text,
      html: row.html,
      messageId: `<${row.key.replaceAll(":", ".")}@amends>`,
    });
    const at = deps.now?.() ?? new Date();
    await settleMessage(deps.db, row, { status: "sent", at, providerMessageId: info.messageId }, {
      type: "email_sent",
      actor: "amends",
      message: `E-mailed ${label(row)} to ${masked}.`,
    });
    log.info({ attempt: row.attempts }, "customer e-mail sent");
  } catch (error) {
    const { permanent, description } = classifySmtpError(error);
    const at = deps.now?.() ?? new Date();
    if (permanent || row.attempts >= config.maxAttempts) {
      const why = permanent ? "the mail server refused it" : `${row.attempts} attempts failed`;
      await settleMessage(deps.db, row, { status: "failed", error: description }, {
        type: "email_failed",
        actor: "amends",
        message: `Could not e-mail ${label(row)} to ${masked}: ${why} (${description}). It will not be tried again.`,
      });
      log.warn({ err: error, attempt: row.attempts }, "customer e-mail failed for good");
      return;
    }
    const wait = Math.min(config.retryBaseMs * 2 ** (row.attempts - 1), config.retryMaxMs);
    const nextAttemptAt = new Date(at.getTime() + wait);
    await settleMessage(deps.db, row, { status: "pending", error: description, nextAttemptAt }, {
      type: "email_retry",
      actor: "amends",
      message: `E-mailing ${label(row)} to ${masked} failed for now (${description}); trying again in ${Math.round(wait / 1000)} seconds.`,
    });
    log.warn({ err: error, attempt: row.attempts, nextAttemptAt }, "customer e-mail failed; will retry");
  }
}

function definedOnly(deps: SenderDeps): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = deps[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Runs sendDueMessages every few seconds and on demand, one run at a time. */
export class OutboxSender {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SenderDeps) {}

  start(intervalMs = 3_000): void {
    this.timer ??= setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        while ((await sendDueMessages(this.deps)) > 0) {
          // keep going while messages are due
        }
      } while (this.again);
    } catch (error) {
      this.deps.log.error({ err: error }, "outbox sender failed; retrying on the next tick");
    }
  }
}
