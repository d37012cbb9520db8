import { describe, expect, it } from "vitest";

import { defaultPolicyFor } from "./defaults";
import type { FormValues } from "./form";
import {
  CHECKED,
  detectionFromForm,
  detectionToFormValues,
  kindField,
  policyFromForm,
  policyToFormValues,
} from "./form";
import { DEFAULT_MESSAGE_TEMPLATES } from "./messages";
import type { RemediationPolicy } from "./schema";

/** What the page posts: every field, but an unticked checkbox posts nothing. */
function posted(values: FormValues, edits: FormValues = {}): URLSearchParams {
  const all = { ...values, ...edits };
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(all)) {
    if (isCheckbox(name) && value !== CHECKED) continue;
    form.append(name, value);
  }
  return form;
}
const CHECKBOXES = ["message", "refund", "replacement", "return", "cancel", "discount"];
const isCheckbox = (name: string) => CHECKBOXES.includes(name.split(".").pop() ?? "");

const eur = defaultPolicyFor("EUR");
const defaults = () => policyToFormValues(eur);
const late = (field: Parameters<typeof kindField>[1]) => kindField("late_delivery", field);

function ok(result: ReturnType<typeof policyFromForm>): RemediationPolicy {
  if (!result.ok) throw new Error(`expected a policy, got ${JSON.stringify(result.errors)}`);
  return result.value;
}
function errors(result: ReturnType<typeof policyFromForm>) {
  if (result.ok) throw new Error("expected field errors");
  return result.errors;
}

describe("settings form → remediation policy", () => {
  it("asks for the item back where the customer has it, alone or with a replacement, and nowhere else", () => {
    const wrong = (field: Parameters<typeof kindField>[1]) => kindField("wrong_item", field);
    const policy = ok(policyFromForm(posted(defaults(), { [wrong("return")]: CHECKED, [wrong("replacement")]: CHECKED, [wrong("refund")]: "" }), eur));
    expect(policy.kinds.wrong_item?.remedies.map((r) => r.type)).toEqual(["message", "replacement", "return"]);
    expect(policyToFormValues(policy)[wrong("return")]).toBe(CHECKED);
    expect(errors(policyFromForm(posted(defaults(), { [late("return")]: CHECKED }), eur))).toEqual({
      [late("remedies")]: "Asking for the item back is only offered when the customer has the item (wrong item, wrong quantity, damaged, other)",
    });
  });

  it("gives back the stored policy when nothing is edited (alternatives and order kept)", () => {
    expect(ok(policyFromForm(posted(defaults()), eur))).toEqual(eur);
    expect(eur.kinds.damaged?.alternatives).toHaveLength(1);
  });

  it("reads an edited discount, condition and message template", () => {
    const policy = ok(
      policyFromForm(
        posted(defaults(), {
          [late("discountValue")]: "20",
          [late("discountExpiresInDays")]: "14",
          [late("minDaysLate")]: "4",
          [late("mode")]: "manual",
          // Browsers post textarea line breaks as CRLF.
          [late("messageTemplate")]:
            "Hi {{customer_first_name}},\r\n\r\nSorry {{order_name}} is late.{{#code}} Use {{code}}.{{/code}}\r\n",
        }),
        eur,
      ),
    );
    expect(policy.kinds.late_delivery).toEqual({
      mode: "manual",
      remedies: [
        { type: "message" },
        { type: "discount_code", value: { percentage: 20 }, expiresInDays: 14 },
      ],
      alternatives: [],
      conditions: { minDaysLate: 4 },
      messageTemplate:
        "Hi {{customer_first_name}},\n\nSorry {{order_name}} is late.{{#code}} Use {{code}}.{{/code}}",
    });
    expect(policy.currencyCode).toBe("EUR");
  });

  it("reads remedies ticked and unticked, a fixed-amount code and shipping on a refund", () => {
    const lost = (field: Parameters<typeof kindField>[1]) => kindField("lost", field);
    const policy = ok(
      policyFromForm(
        posted(defaults(), {
          [lost("replacement")]: "",
          [lost("refund")]: CHECKED,
          [lost("refundShipping")]: "always",
          [lost("discount")]: CHECKED,
          [lost("discountType")]: "fixedAmount",
          [lost("discountValue")]: "7.50",
        }),
        eur,
      ),
    );
    expect(policy.kinds.lost?.remedies).toEqual([
      { type: "message" },
      { type: "refund", scope: "affected_items", includeShipping: "always" },
      { type: "discount_code", value: { fixedAmount: "7.50" }, expiresInDays: 30 },
    ]);
  });

  it("an empty template, or the default unedited, means the default", () => {
    const policy = ok(
      policyFromForm(
        posted(defaults(), {
          [late("messageTemplate")]: "   ",
          [kindField("lost", "messageTemplate")]: DEFAULT_MESSAGE_TEMPLATES.lost.replaceAll(
            "\n",
            "\r\n",
          ),
        }),
        eur,
      ),
    );
    expect(policy.kinds.late_delivery?.messageTemplate).toBeNull();
    expect(policy.kinds.lost?.messageTemplate).toBeNull();
  });

  it("an empty minimum lateness means any late delivery", () => {
    const policy = ok(policyFromForm(posted(defaults(), { [late("minDaysLate")]: "" }), eur));
    expect(policy.kinds.late_delivery?.conditions).toEqual({});
  });

  it("an empty cap is no cap", () => {
    const policy = ok(
      policyFromForm(
        posted(defaults(), { "caps.maxPerIncident": "", "caps.maxPerDayStoreWide": " " }),
        eur,
      ),
    );
    expect(policy.caps).toEqual({
      maxPerIncident: null,
      // A new euro shop's default, a round amount in euros.
      maxPerCustomer12Months: "250.00",
      maxPerDayStoreWide: null,
    });
  });

  it("puts an unknown placeholder's message under that kind's template", () => {
    const result = errors(
      policyFromForm(posted(defaults(), { [late("messageTemplate")]: "Sorry {{foo}}" }), eur),
    );
    expect(result).toEqual({
      [late("messageTemplate")]:
        "Unknown placeholder {{foo}}. Use {{customer_first_name}}, {{order_name}}, {{remedy}}, {{code}} or {{expiry}}.",
    });
  });

  it("refuses a refund and a replacement together, with the schema's message", () => {
    const result = errors(
      policyFromForm(posted(defaults(), { [kindField("wrong_item", "refund")]: CHECKED }), eur),
    );
    expect(result).toEqual({
      [kindField("wrong_item", "remedies")]:
        "Offer a refund or a replacement, not both: make one of them an alternative",
    });
  });

  it("keys number and amount problems by their field, in plain words", () => {
    const result = errors(
      policyFromForm(
        posted(defaults(), {
          [late("discountValue")]: "twenty",
          [kindField("late_fulfilment", "discountValue")]: "120",
          [kindField("late_fulfilment", "discountExpiresInDays")]: "0",
          [late("minDaysLate")]: "1.5",
          "caps.maxPerIncident": "150,00",
          "abuse.incidentsLast12Months": "",
          [kindField("lost", "mode")]: "sometimes",
        }),
        eur,
      ),
    );
    expect(result).toEqual({
      [late("discountValue")]: "Enter a number",
      [kindField("late_fulfilment", "discountValue")]: "A discount cannot exceed 100 %",
      [kindField("late_fulfilment", "discountExpiresInDays")]: "Enter 1 or more",
      [late("minDaysLate")]: "Enter a whole number",
      "caps.maxPerIncident": "Enter an amount such as 5.00",
      "abuse.incidentsLast12Months": "Enter a number",
      [kindField("lost", "mode")]: "Choose one of the options",
    });
  });

  it("keeps a kind the policy leaves out out, unless the merchant gives it something to do", () => {
    const { wrong_address: _, ...kinds } = eur.kinds;
    const without: RemediationPolicy = { ...eur, kinds };
    const values = policyToFormValues(without);
    expect(ok(policyFromForm(posted(values), without)).kinds.wrong_address).toBeUndefined();
    const given = ok(
      policyFromForm(posted(values, { [kindField("wrong_address", "message")]: CHECKED }), without),
    );
    expect(given.kinds.wrong_address).toEqual({
      mode: "manual",
      remedies: [{ type: "message" }],
      alternatives: [],
      conditions: {},
      messageTemplate: null,
    });
  });
});

describe("settings form → detection settings", () => {
  const settings = {
    fulfilmentSlaBusinessDays: 3,
    deliveryGraceDays: 2,
    trackingSilenceDays: 7,
    holidays: ["2026-12-25", "2026-12-26"],
    responseHours: 24,
  };

  it("reads numbers and a holiday list, one date per line or comma", () => {
    const values = detectionToFormValues(settings);
    expect(values["detection.holidays"]).toBe("2026-12-25\n2026-12-26");
    const form = new URLSearchParams({
      ...values,
      "detection.holidays": "2026-12-25\r\n2026-12-26, 2027-01-01\n2026-12-25",
      "detection.deliveryGraceDays": "4",
    });
    expect(detectionFromForm(form)).toEqual({
      input: {
        ...settings,
        deliveryGraceDays: 4,
        holidays: ["2026-12-25", "2026-12-26", "2027-01-01"],
      },
      errors: {},
    });
  });

  it("says which holiday is not a date, and which number is missing", () => {
    const form = new URLSearchParams({
      ...detectionToFormValues(settings),
      "detection.holidays": "2026-12-25\n2026-02-30",
      "detection.responseHours": "",
    });
    expect(detectionFromForm(form).errors).toEqual({
      "detection.holidays": '"2026-02-30" is not a date: use YYYY-MM-DD',
      "detection.responseHours": "Enter a number",
    });
  });
});
