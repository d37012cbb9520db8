// The settings pages (app/routes/app.settings.*.tsx, a page per topic and per incident kind):
// their loaders and actions called as Remix calls them, on this test file's own SQLite database.
// A page saves only its own fields and keeps the rest as stored; a valid save changes what the
// remediation engine and the detection rules read; an invalid one answers 422 field by field
// and stores nothing.
import { beforeAll, describe, expect, it } from "vitest";

import type { FormValues } from "../app/remediation/policy/form";
import { CHECKED, kindField } from "../app/remediation/policy/form";
// Types only: the modules load in beforeAll, once the environment names the shop.
import type * as Database from "../app/db.server";
import type * as KindRoute from "../app/routes/app.settings.remedies.$kind";

const SHOP = "settings-route.myshopify.com";
type Page = "late_delivery" | "wrong_item" | "limits" | "detection" | "messages";
let kindRoute: typeof KindRoute;
let pages: Record<"limits" | "detection" | "messages", { action: typeof KindRoute.action }>;
let database: typeof Database;

beforeAll(async () => {
  // The app's configuration is read once, on first use: demo mode acts as this shop.
  Object.assign(process.env, { AMENDS_DEMO: "true", AMENDS_DEMO_SHOP: SHOP });
  kindRoute = await import("../app/routes/app.settings.remedies.$kind");
  pages = {
    limits: await import("../app/routes/app.settings.limits"),
    detection: await import("../app/routes/app.settings.detection"),
    messages: await import("../app/routes/app.settings.messages"),
  };
  database = await import("../app/db.server");
  await database.db().shop.create({
    data: { domain: SHOP, currencyCode: "EUR", timeZone: "Europe/Paris" },
  });
});

const PAGE = "http://127.0.0.1/app/settings/remedies/late_delivery";
const route = {
  loader: ({ request }: { request: Request; params: object; context: object }) =>
    kindRoute.loader({ request, params: { kind: "late_delivery" }, context: {} }),
};

async function shown(): Promise<FormValues> {
  const page = await route.loader({ request: new Request(PAGE), params: {}, context: {} });
  return page.values;
}

const CHECKBOXES = ["message", "refund", "replacement", "return", "cancel", "discount"];

/** Posts the fields to one page as a browser does: an unticked checkbox sends nothing. The page
 * keeps only its own fields. */
async function save(values: FormValues, page: Page = "late_delivery") {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    const checkbox = CHECKBOXES.includes(name.split(".").pop() ?? "");
    if (!checkbox || value === CHECKED) body.append(name, value);
  }
  const request = new Request(`http://127.0.0.1/app/settings/${page}`, { method: "POST", body });
  if (page === "late_delivery" || page === "wrong_item") return kindRoute.action({ request, params: { kind: page }, context: {} });
  return pages[page].action({ request, params: {}, context: {} });
}

/** Saves the same values through each page, as a merchant would page by page. */
async function saveAll(values: FormValues) {
  for (const page of ["late_delivery", "limits", "detection"] as const) {
    expect(await save(values, page)).toEqual({ errors: {}, saved: true });
  }
  return { errors: {}, saved: true };
}

async function storedRow() {
  return database.db().shop.findUniqueOrThrow({
    where: { domain: SHOP },
    select: { policy: true, detection: true },
  });
}

const late = (field: Parameters<typeof kindField>[1]) => kindField("late_delivery", field);
const TEMPLATE =
  "Hi {{customer_first_name}},\n\n{{order_name}} is running late, sorry.{{#code}} Here is {{code}}.{{/code}}";

describe("the settings page", () => {
  it("shows the default policy, in the shop's currency, before anything is saved", async () => {
    const page = await route.loader({ request: new Request(PAGE), params: {}, context: {} });
    expect(page.currencyCode).toBe("EUR");
    expect(page.policyProblem).toBeNull();
    expect(page.values[late("discountValue")]).toBe("15");
    expect(page.values[late("minDaysLate")]).toBe("6");
    expect(page.values[late("messageTemplate")]).toBe("");
    expect(page.values["detection.responseHours"]).toBe("24");
    const damaged = await kindRoute.loader({ request: new Request(PAGE), params: { kind: "damaged" }, context: {} });
    expect(damaged.alternatives).toEqual(["apology message + refund"]);
  });

  it("saves valid posts page by page, and the engine and the detection rules then use them", async () => {
    const result = await saveAll({
      ...(await shown()),
      [late("discountValue")]: "20",
      [late("messageTemplate")]: TEMPLATE.replaceAll("\n", "\r\n"),
      "caps.maxPerIncident": "",
      "detection.deliveryGraceDays": "3",
      "detection.holidays": "2026-12-25\n2026-12-26",
    });
    expect(result).toEqual({ errors: {}, saved: true });

    const { shopSettings } = await import("../app/models/shop.server");
    const settings = await shopSettings(database.db(), SHOP);
    expect(settings.policyProblem).toBeNull();
    expect(settings.policy.currencyCode).toBe("EUR");
    expect(settings.policy.kinds.late_delivery).toEqual({
      mode: "automatic",
      remedies: [
        { type: "message" },
        { type: "discount_code", value: { percentage: 20 }, expiresInDays: 30 },
      ],
      alternatives: [],
      conditions: { minDaysLate: 6 },
      messageTemplate: TEMPLATE,
    });
    expect(settings.policy.caps.maxPerIncident).toBeNull();
    // What the page does not edit is kept.
    expect(settings.policy.kinds.damaged?.alternatives).toEqual([
      [{ type: "message" }, { type: "refund", scope: "affected_items", includeShipping: "never" }],
    ]);

    const { detectionSettings } = await import("../app/models/shop.server");
    expect(await detectionSettings(database.db(), SHOP)).toEqual({
      fulfilmentSlaBusinessDays: 3,
      deliveryGraceDays: 3,
      trackingSilenceDays: 7,
      holidays: ["2026-12-25", "2026-12-26"],
      // The shop's own time zone still applies: the page does not store one.
      timeZone: "Europe/Paris",
      responseHours: 24,
    });

    const again = await shown();
    expect(again[late("discountValue")]).toBe("20");
    expect(again[late("messageTemplate")]).toBe(TEMPLATE);
    expect(again["caps.maxPerIncident"]).toBe("");
  });

  it("answers 422 with field errors for an invalid post, and stores nothing", async () => {
    const before = await storedRow();
    const values = {
      ...(await shown()),
      // Valid on its own, but nothing is saved while another field of the page is wrong.
      [late("discountValue")]: "25",
      [late("messageTemplate")]: "Sorry about {{foo}}",
      [kindField("wrong_item", "refund")]: CHECKED,
      "caps.maxPerDayStoreWide": "lots",
      "detection.deliveryGraceDays": "99",
    };
    const refused = async (page: Page) => {
      const result = await save(values, page);
      expect(result).toBeInstanceOf(Response);
      const response = result as Response;
      expect(response.status).toBe(422);
      return ((await response.json()) as { errors: Record<string, string>; saved: boolean }).errors;
    };
    expect(await refused("late_delivery")).toEqual({
      [late("messageTemplate")]: "Unknown placeholder {{foo}}. Use {{customer_first_name}}, {{order_name}}, {{remedy}}, {{code}} or {{expiry}}.",
    });
    expect(await refused("wrong_item")).toEqual({
      [kindField("wrong_item", "remedies")]: "Offer a refund or a replacement, not both: make one of them an alternative",
    });
    expect(await refused("limits")).toEqual({ "caps.maxPerDayStoreWide": "Enter an amount such as 5.00" });
    expect(await refused("detection")).toEqual({ "detection.deliveryGraceDays": "Enter 60 or less" });
    expect(await storedRow()).toEqual(before);
    expect((await shown())[late("discountValue")]).toBe("20");
  });

  it("saves one page's fields and keeps every other page's as stored, whatever else is posted", async () => {
    const values = await shown();
    // The detection page posted with another page's field changed: only detection is saved.
    expect(await save({ ...values, "detection.trackingSilenceDays": "9", [late("discountValue")]: "33" }, "detection")).toEqual({
      errors: {},
      saved: true,
    });
    const after = await shown();
    expect(after["detection.trackingSilenceDays"]).toBe("9");
    expect(after[late("discountValue")]).toBe(values[late("discountValue")]);
    // An unticked box on the page it belongs to is a choice: the late delivery code is dropped.
    const untick = await save({ ...after, [late("discount")]: "" });
    expect(untick).toEqual({ errors: {}, saved: true });
    expect((await shown())[late("discount")]).toBe("");
    expect(await save({ ...after, [late("discount")]: CHECKED })).toEqual({ errors: {}, saved: true });
  });

  it("answers 404 for a kind of incident Amends does not know", async () => {
    const thrown = await kindRoute
      .loader({ request: new Request("http://127.0.0.1/app/settings/remedies/nope"), params: { kind: "nope" }, context: {} })
      .catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
  });

  it("says so when the stored policy is unusable, and a save replaces it", async () => {
    await database.db().shop.update({
      where: { domain: SHOP },
      data: { policy: { currencyCode: "EUR", kinds: "broken" } },
    });
    const page = await route.loader({ request: new Request(PAGE), params: {}, context: {} });
    expect(page.policyProblem).toMatch(/kinds/);
    // The defaults are shown, and saved as they are.
    expect(page.values[late("discountValue")]).toBe("15");
    expect(await save(page.values)).toEqual({ errors: {}, saved: true });
    const { shopSettings } = await import("../app/models/shop.server");
    expect((await shopSettings(database.db(), SHOP)).policyProblem).toBeNull();
  });

  it("keeps the merchant's resolution policy for customers, refuses one too long, and empties back to the default", async () => {
    const messagesPage = await import("../app/routes/app.settings.messages");
    const page = await messagesPage.loader({ request: new Request("http://127.0.0.1/app/settings/messages"), params: {}, context: {} });
    expect(page.values["customers.resolutionPolicy"]).toBe("");
    expect(page.defaultResolutionPolicy).toMatch(/answers within one business day/);

    const policy = "  Sam answers every report within 4 hours, Monday to Friday.\n\nWe replace or refund, your choice.  ";
    expect(await save({ ...page.values, "customers.resolutionPolicy": policy }, "messages")).toEqual({ errors: {}, saved: true });
    const stored = () => database.db().shop.findUniqueOrThrow({ where: { domain: SHOP }, select: { resolutionPolicy: true } });
    expect((await stored()).resolutionPolicy).toBe(policy.trim());
    expect((await shown())["customers.resolutionPolicy"]).toBe(policy.trim());

    const tooLong = (await save({ ...(await shown()), "customers.resolutionPolicy": "x".repeat(2001) }, "messages")) as Response;
    expect(tooLong.status).toBe(422);
    expect((await tooLong.json()).errors).toEqual({ "customers.resolutionPolicy": "Keep it under 2000 characters" });
    expect((await stored()).resolutionPolicy).toBe(policy.trim());

    expect(await save({ ...(await shown()), "customers.resolutionPolicy": "   " }, "messages")).toEqual({ errors: {}, saved: true });
    expect((await stored()).resolutionPolicy).toBeNull();
  });

  it("saves asking for the item back with a replacement on the wrong-item page, which the engine then plans", async () => {
    const wrong = (field: Parameters<typeof kindField>[1]) => kindField("wrong_item", field);
    const values = { ...(await shown()), [wrong("return")]: CHECKED, [wrong("replacement")]: CHECKED, [wrong("refund")]: "" };
    expect(await save(values, "wrong_item")).toEqual({ errors: {}, saved: true });
    const { shopSettings } = await import("../app/models/shop.server");
    const remedies = (await shopSettings(database.db(), SHOP)).policy.kinds.wrong_item?.remedies.map((r) => r.type);
    expect(remedies).toContain("return");
    expect(remedies).toContain("replacement");
    // Only the wrong-item page offers it: posted for a late delivery, it is refused by field.
    const late422 = await save({ ...values, [late("return")]: CHECKED }, "late_delivery");
    expect(late422).toBeInstanceOf(Response);
    expect(((await (late422 as Response).json()) as { errors: Record<string, string> }).errors).toEqual({
      [late("remedies")]: "Asking for the item back is only offered when the customer has the item (wrong item, wrong quantity, damaged, other)",
    });
  });

  it("says e-mail to customers is off without SMTP_URL, and previews in the shop's name", async () => {
    expect(process.env.SMTP_URL).toBeUndefined();
    const page = await route.loader({ request: new Request(PAGE), params: {}, context: {} });
    expect(page.email).toEqual({ on: false, language: "en", shopName: "settings-route" });
  });

  it("saves the shop-wide e-mails' texts, refuses a broken one by field, and a default or empty one stays default", async () => {
    const page = await route.loader({ request: new Request(PAGE), params: {}, context: {} });
    expect(page.values["messages.approved"]).toBe("");
    const broken = await save({ ...page.values, "messages.approved": "Hi {{name}}" }, "messages");
    expect(broken).toBeInstanceOf(Response);
    const errors = ((await (broken as Response).json()) as { errors: Record<string, string> }).errors;
    expect(errors["messages.approved"]).toContain("Unknown placeholder {{name}}");

    const { defaultShopWideTemplate } = await import("../app/remediation/policy/emails");
    const text = "Hi {{customer_first_name}}, yes to {{remedy}} on {{order_name}}.";
    expect(
      await save({ ...page.values, "messages.approved": text, "messages.resolved": defaultShopWideTemplate("resolved", "es") }, "messages"),
    ).toEqual({ errors: {}, saved: true });
    const { shopSettings } = await import("../app/models/shop.server");
    expect((await shopSettings(database.db(), SHOP)).policy.messages).toEqual({ approved: text });
    expect((await shown())["messages.approved"]).toBe(text);
  });
});
