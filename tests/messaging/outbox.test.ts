// Customer e-mails end to end: the engine stores them in the outbox, the sender e-mails them
// through a real SMTP server (smtp-server, in this process) with nodemailer, and the incident's
// timeline and page say what really happened. Exactly once under redelivery and concurrent
// senders, retried after a 4xx, failed for good on a 5xx, held (not dropped) while e-mail is off.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "../../app/db.server";
import { logger } from "../../app/logger.server";
import { smtpMailer, sendDueMessages } from "../../app/messaging/sender.server";
import type { Mailer, SenderDeps } from "../../app/messaging/sender.server";
import { incidentDetail } from "../../app/models/incident-detail.server";
import { enqueueCustomerMessage } from "../../app/models/outbox.server";
import { remediate } from "../../app/remediation/engine/index.server";
import type { RunningEmulator } from "../shopify-emulator";
import { startEmulator } from "../shopify-emulator";
import { databaseFor, testDatabases } from "../support/databases";
import type { MailServer } from "../support/mail-server";
import { startMailServer } from "../support/mail-server";
import type { Fixture, FixtureOptions } from "../remediation/support";
import { byOwner } from "../support/staff";
import { clearRemediationShop, effects, setUp } from "../remediation/support";

let emu: RunningEmulator;
let smtp: MailServer;
let mailer: Mailer;
const shops: { db: Database; shop: string }[] = [];
const log = logger.child({ test: "outbox" });

beforeAll(async () => {
  emu = await startEmulator({ bucket: { maximumAvailable: 2000, restoreRate: 100 } });
  smtp = await startMailServer();
  mailer = smtpMailer(smtp.url);
});
afterAll(async () => {
  mailer.close();
  await smtp.close();
  await emu.close();
});
afterEach(async () => {
  smtp.reset();
  for (const { db, shop } of shops.splice(0)) await clearRemediationShop(db, shop);
});

const CUSTOMER = "ada@example.com";

async function fixture(db: Database, options: FixtureOptions = {}): Promise<Fixture> {
  const f = await setUp(db, emu, {
    shopName: "Casa Azul",
    ...options,
    incident: { customerEmail: CUSTOMER, customerName: "Ada Lovelace", ...options.incident },
  });
  shops.push({ db, shop: f.shop });
  return f;
}

const automatic = (f: Fixture) => ({ shop: f.shop, incidentId: f.incidentId, trigger: "automatic" as const, actor: "rule:policy" });
const merchant = (f: Fixture) => ({ shop: f.shop, incidentId: f.incidentId, ...byOwner });

function sender(db: Database, overrides: Partial<SenderDeps> = {}): SenderDeps {
  return { db, mailer, from: "Casa Azul <shop@casa-azul.example>", log, retryBaseMs: 30_000, ...overrides };
}

async function timeline(db: Database, incidentId: string): Promise<string[]> {
  const events = await db.incidentEvent.findMany({ where: { incidentId }, orderBy: { at: "asc" } });
  return events.map((e) => e.message);
}

const databases = testDatabases();

describe.each(databases)("customer e-mails on $name", ({ url }) => {
  const db = () => databaseFor(url);

  it("e-mails the apology with the remedy, the code and the shop's name, in text and HTML", async () => {
    const f = await fixture(db());
    const report = await remediate(f.deps, automatic(f));
    expect(report.status).toBe("resolved");
    const [discount] = effects(emu, f.shop, f.order.id).discounts;
    const code = discount?.code ?? "";
    expect(code).not.toBe("");

    // Stored, not yet sent: the sender runs in the background.
    expect(smtp.received).toHaveLength(0);
    expect(await sendDueMessages(sender(db()))).toBe(1);

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]?.parsed;
    expect(smtp.received[0]?.envelopeTo).toEqual([CUSTOMER]);
    expect(mail?.subject).toBe(`About your order ${f.order.name}: we're sorry · Casa Azul`);
    expect(mail?.from?.text).toContain("shop@casa-azul.example");
    expect(mail?.text).toContain("Hi Ada,");
    expect(mail?.text).toContain(`Your code is ${code}`);
    expect(mail?.text).toContain("a refund of $24.00 for 2 × Blue Mug");
    expect(mail?.text).toContain("Casa Azul");
    expect(mail?.html).toContain(`<strong style="font-family:monospace;font-size:1.1em">${code}</strong>`);
    expect(mail?.html).toContain("<h1 style=\"font-size:20px;margin:0 0 24px\">Casa Azul</h1>");

    expect(await timeline(db(), f.incidentId)).toContain("E-mailed the apology to a•••@example.com.");
    const row = await db().outgoingMessage.findFirstOrThrow({ where: { incidentId: f.incidentId } });
    // The shop's primary locale as Shopify gives it ("en"): the e-mail is written in it.
    expect(row).toMatchObject({ status: "sent", attempts: 1, kind: "apology", locale: "en" });
    expect(row.sentAt).not.toBeNull();
  });

  it("sends once however often the remedy runs, the message is asked for or senders race", async () => {
    const f = await fixture(db());
    await remediate(f.deps, automatic(f));
    // A redelivered webhook or a retried job runs the engine again; the endpoint asks again.
    await remediate(f.deps, automatic(f));
    await remediate(f.deps, merchant(f));
    const again = await enqueueCustomerMessage(db(), { shop: f.shop, incidentId: f.incidentId, kind: "apology" });
    expect(again.created).toBe(false);
    // Two workers wake at once.
    await Promise.all([sendDueMessages(sender(db())), sendDueMessages(sender(db())), sendDueMessages(sender(db()))]);
    await sendDueMessages(sender(db()));
    expect(smtp.received).toHaveLength(1);
    expect(await db().outgoingMessage.count({ where: { incidentId: f.incidentId } })).toBe(1);
  });

  it("tries again later when the mail server says 4xx, and then sends", async () => {
    const f = await fixture(db());
    await remediate(f.deps, automatic(f));
    smtp.refuse({ code: 451, message: "Greylisted, try again later" });
    const start = new Date();
    await sendDueMessages(sender(db(), { now: () => start }));
    expect(smtp.received).toHaveLength(0);
    const waiting = await db().outgoingMessage.findFirstOrThrow({ where: { incidentId: f.incidentId } });
    expect(waiting).toMatchObject({ status: "pending", attempts: 1 });
    expect(waiting.lastError).toContain("451");
    expect(waiting.nextAttemptAt.getTime()).toBe(start.getTime() + 30_000);

    // Not before its time…
    expect(await sendDueMessages(sender(db(), { now: () => new Date(start.getTime() + 10_000) }))).toBe(0);
    // …and then it goes.
    await sendDueMessages(sender(db(), { now: () => new Date(start.getTime() + 31_000) }));
    expect(smtp.received).toHaveLength(1);
    const lines = await timeline(db(), f.incidentId);
    expect(lines.some((l) => l.startsWith("E-mailing the apology to a•••@example.com failed for now (451"))).toBe(true);
    expect(lines).toContain("E-mailed the apology to a•••@example.com.");
    expect(await db().outgoingMessage.findFirstOrThrow({ where: { incidentId: f.incidentId } })).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("gives up on a 5xx and says so on the timeline and the incident page; the customer is not told", async () => {
    const f = await fixture(db());
    await remediate(f.deps, automatic(f));
    smtp.refuse({ code: 550, message: "Mailbox unavailable" });
    await sendDueMessages(sender(db()));
    await sendDueMessages(sender(db(), { now: () => new Date(Date.now() + 3_600_000) }));
    expect(smtp.received).toHaveLength(0);
    const row = await db().outgoingMessage.findFirstOrThrow({ where: { incidentId: f.incidentId } });
    expect(row.status).toBe("failed");
    const lines = await timeline(db(), f.incidentId);
    expect(lines.find((l) => l.startsWith("Could not e-mail the apology to a•••@example.com: the mail server refused it (550"))).toBeDefined();

    const detail = await incidentDetail(db(), f.shop, f.incidentId);
    // The refund was made with notify: Shopify's own e-mail told the customer about it.
    expect(detail?.contact.lines).toContain("Shopify sends the customer its own refund e-mail: the refund was made with customer notification on.");
    expect(detail?.contact.lines.some((l) => l.startsWith("Could not e-mail the apology: 550"))).toBe(true);
    expect(detail?.contact.lines.join(" ")).not.toContain("was e-mailed");
  });

  it("says nothing was told until the mail server accepts the message", async () => {
    const f = await fixture(db(), { kind: "late_delivery" });
    // A message-only plan for a late parcel: the heads-up, not an apology for a remedy.
    const policy = (await import("../../app/remediation/policy")).defaultPolicyFor("USD");
    policy.kinds.late_delivery = { mode: "automatic", remedies: [{ type: "message" }], alternatives: [], conditions: {}, messageTemplate: null };
    await db().shop.update({ where: { domain: f.shop }, data: { policy } });
    await remediate(f.deps, automatic(f));

    const before = await incidentDetail(db(), f.shop, f.incidentId);
    expect(before?.contact.told).toBe(false);
    expect(before?.contact.lines).toEqual(["Not sent yet, waiting to be e-mailed: the update about the late parcel."]);

    await sendDueMessages(sender(db()));
    const after = await incidentDetail(db(), f.shop, f.incidentId);
    expect(after?.contact.told).toBe(true);
    expect(after?.contact.lines).toEqual(["The customer was e-mailed the update about the late parcel (a•••@example.com)."]);
    expect(smtp.received[0]?.parsed.subject).toBe(`An update on your order ${f.order.name} · Casa Azul`);
  });

  it("holds messages while e-mail is off, says so, and sends them once it is on", async () => {
    const f = await fixture(db());
    await remediate(f.deps, automatic(f));
    await sendDueMessages(sender(db(), { mailer: null }));
    await sendDueMessages(sender(db(), { mailer: null }));
    expect(await db().outgoingMessage.findFirstOrThrow({ where: { incidentId: f.incidentId } })).toMatchObject({ status: "held" });
    const lines = await timeline(db(), f.incidentId);
    // Said once, not on every pass of the sender.
    expect(lines.filter((l) => l.startsWith("Not e-mailed: e-mail is off (SMTP_URL is not set), so the apology was not sent."))).toHaveLength(1);
    expect((await incidentDetail(db(), f.shop, f.incidentId))?.contact.lines).toContain(
      "Not sent: e-mail is off (SMTP_URL is not set), so the apology waits in the outbox.",
    );

    await sendDueMessages(sender(db()));
    expect(smtp.received).toHaveLength(1);
  });

  it("writes in the customer's language, and escapes what customers and merchants typed", async () => {
    const f = await fixture(db(), { kind: "wrong_item", incident: { customerName: "<b>Ada</b> Lovelace", source: "order_page" } });
    const queued = await enqueueCustomerMessage(db(), {
      shop: f.shop,
      incidentId: f.incidentId,
      kind: "report_received",
      customerLocale: "es-MX",
    });
    expect(queued).toMatchObject({ created: true, status: "pending", to: CUSTOMER });
    await sendDueMessages(sender(db()));
    const mail = smtp.received[0]?.parsed;
    expect(mail?.subject).toBe(`Hemos recibido tu aviso sobre el pedido ${f.order.name} · Casa Azul`);
    expect(mail?.text).toContain("Hola, <b>Ada</b>:");
    expect(mail?.html).toContain("Hola, &lt;b&gt;Ada&lt;/b&gt;:");
    expect(mail?.html).not.toContain("<b>Ada</b>");
    expect(mail?.html).toContain('<html lang="es">');
  });

  it("a customer's report hears of the approval and how it ended", async () => {
    const policy = (await import("../../app/remediation/policy")).defaultPolicyFor("USD");
    const wrongItem = policy.kinds.wrong_item;
    if (!wrongItem) throw new Error("default policy has wrong_item");
    // Replacement only, no apology in the plan: the customer hears "approved" then "resolved".
    policy.kinds.wrong_item = { ...wrongItem, remedies: [{ type: "replacement" }] };
    // The merchant's own text for "approved" (settings); "resolved" stays the default.
    policy.messages = { approved: "Hi {{customer_first_name}}, we said yes: {{remedy}} for {{order_name}}." };
    const f = await fixture(db(), { kind: "wrong_item", status: "awaiting_approval", policy, incident: { source: "order_page" } });
    const report = await remediate(f.deps, merchant(f));
    expect(report.status).toBe("resolved");
    await sendDueMessages(sender(db()));
    const subjects = smtp.received.map((m) => m.parsed.subject);
    expect(subjects).toEqual([
      `Your request about order ${f.order.name} is approved · Casa Azul`,
      `Your order ${f.order.name}: resolved · Casa Azul`,
    ]);
    const [replacement] = effects(emu, f.shop, f.order.id).replacementOrders;
    expect(replacement).toBeDefined();
    expect(smtp.received[0]?.parsed.text).toContain(`Hi Ada, we said yes: a replacement for 2 × Blue Mug for ${f.order.name}.`);
    expect(smtp.received[1]?.parsed.text).toContain("We've arranged a replacement for 2 × Blue Mug.");
  });

  it("records that there is no address instead of dropping the message", async () => {
    const f = await fixture(db(), { incident: { customerEmail: null } });
    await remediate(f.deps, automatic(f));
    await sendDueMessages(sender(db()));
    expect(smtp.received).toHaveLength(0);
    expect(await db().outgoingMessage.findFirstOrThrow({ where: { incidentId: f.incidentId } })).toMatchObject({ status: "failed" });
    expect(await timeline(db(), f.incidentId)).toContain(
      "Not e-mailed: the apology could not be sent because Shopify gave no e-mail address for this customer.",
    );
  });
});
