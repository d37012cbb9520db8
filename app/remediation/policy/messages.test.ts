import { describe, expect, it } from "vitest";

import { INCIDENT_KINDS } from "../../incidents/model";
import {
  DEFAULT_MESSAGE_TEMPLATES,
  TemplateError,
  describeRemedies,
  formatExpiry,
  messageValues,
  renderMessage,
  templateFor,
  validateTemplate,
} from "./messages";
import type { PlannedRemedy, PricedLine } from "./types";

const usd = (amount: string) => ({ amount, currencyCode: "USD" });
const mug: PricedLine = {
  lineItemId: "gid://shopify/LineItem/1",
  quantity: 1,
  title: "Blue Mug",
  unitPrice: usd("12.00"),
};
const plates: PricedLine = {
  ...mug,
  lineItemId: "gid://shopify/LineItem/2",
  quantity: 2,
  title: "Red Plate",
};
const refund: PlannedRemedy = {
  type: "refund",
  lines: [mug],
  includeShipping: false,
  amount: usd("12.00"),
};
const code = (percentage: number): PlannedRemedy => ({
  type: "discount_code",
  value: { percentage },
  expiresAt: "2024-04-08T12:00:00.000Z",
  estimatedCost: usd("4.55"),
});

describe("validateTemplate", () => {
  it("accepts known placeholders, sections and stray single braces", () => {
    expect(
      validateTemplate(
        "Hi {{customer_first_name}}, {{ order_name }} {{#code}}{{code}}{{/code}} :-}",
      ),
    ).toBeNull();
    for (const kind of INCIDENT_KINDS)
      expect(validateTemplate(DEFAULT_MESSAGE_TEMPLATES[kind])).toBeNull();
  });

  it("lists every unknown placeholder once", () => {
    expect(validateTemplate("Hi {{name}}, about {{order}} and {{name}}")).toBe(
      "Unknown placeholders {{name}}, {{order}}. Use {{customer_first_name}}, {{order_name}}, {{remedy}}, {{code}} or {{expiry}}.",
    );
  });

  it("reports unbalanced sections and braces", () => {
    expect(validateTemplate("{{#code}}Use {{code}}")).toBe(
      "{{#code}} is never closed with {{/code}}.",
    );
    expect(validateTemplate("Use {{code}}{{/code}}")).toBe(
      "{{/code}} closes a section that was never opened.",
    );
    expect(validateTemplate("{{#code}}{{#expiry}}x{{/code}}{{/expiry}}")).toBe(
      "{{/code}} closes {{#expiry}}; close it with {{/expiry}}.",
    );
    expect(validateTemplate("Hi {{customer_first_name}")).toBe(
      'Unmatched braces in "Hi {{customer_first_name}".',
    );
    expect(validateTemplate("   ")).toBe("Enter a message.");
  });
});

describe("renderMessage", () => {
  const values = {
    customer_first_name: "Ada",
    order_name: "#1001",
    remedy: "a 10% discount code",
    code: "SORRY-1",
    expiry: "April 8, 2024",
  };

  it("fills placeholders and keeps sections whose value is present", () => {
    expect(
      renderMessage(
        "Hi {{customer_first_name}}, re {{order_name}}.{{#code}} Use {{code}}.{{/code}}",
        values,
      ),
    ).toBe("Hi Ada, re #1001. Use SORRY-1.");
  });

  it("drops sections whose value is missing", () => {
    expect(
      renderMessage(
        "Re {{order_name}}.{{#code}} Use {{code}}{{#expiry}} by {{expiry}}{{/expiry}}.{{/code}}",
        {
          ...values,
          expiry: null,
        },
      ),
    ).toBe("Re #1001. Use SORRY-1.");
    expect(
      renderMessage("Re {{order_name}}.{{#code}} Use {{code}}.{{/code}}", {
        ...values,
        code: null,
      }),
    ).toBe("Re #1001.");
  });

  it('greets "there" when the first name is missing or blank', () => {
    expect(
      renderMessage("Hi {{customer_first_name}},", { ...values, customer_first_name: null }),
    ).toBe("Hi there,");
    expect(
      renderMessage("Hi {{customer_first_name}},", { ...values, customer_first_name: "  " }),
    ).toBe("Hi there,");
  });

  it("throws for unknown placeholders and for needed values that are missing", () => {
    expect(() => renderMessage("Hi {{first_name}}", values)).toThrow(TemplateError);
    expect(() => renderMessage("Hi {{first_name}}", values)).toThrow(
      "Unknown placeholder {{first_name}}.",
    );
    expect(() =>
      renderMessage("Use {{code}} by {{expiry}}", { ...values, code: null, expiry: "" }),
    ).toThrow(
      "No value for {{code}}, {{expiry}}: give one, or wrap it in a {{#…}}…{{/…}} section.",
    );
  });

  it("renders the default stock-out message with and without a code", () => {
    const template = templateFor("stock_out_cancellation", null);
    expect(renderMessage(template, values)).toBe(
      "Hi Ada,\n\nWe're sorry: part of your order #1001 sold out before we could send it. To make up for it, we've arranged a 10% discount code. Your code is SORRY-1, valid until April 8, 2024.\n\nThank you for your patience,\nThe team",
    );
    expect(renderMessage(template, { order_name: "#1001", remedy: "" })).toBe(
      "Hi there,\n\nWe're sorry: part of your order #1001 sold out before we could send it.\n\nThank you for your patience,\nThe team",
    );
    expect(templateFor("stock_out_cancellation", "Custom {{order_name}}")).toBe(
      "Custom {{order_name}}",
    );
  });
});

describe("describeRemedies", () => {
  it("describes a refund and a code", () => {
    expect(describeRemedies([{ type: "message" }, refund, code(10)], "en-US")).toBe(
      "a refund of $12.00 for 1 × Blue Mug and a 10% discount code",
    );
  });

  it("lists items, shipping, replacements, cancellations and fixed codes", () => {
    expect(
      describeRemedies(
        [
          { type: "refund", lines: [mug, plates], includeShipping: true, amount: usd("40.99") },
          {
            type: "discount_code",
            value: { fixedAmount: usd("5.00") },
            expiresAt: "2024-04-08T12:00:00.000Z",
            estimatedCost: usd("5.00"),
          },
        ],
        "en-US",
      ),
    ).toBe(
      "a refund of $40.99 for 1 × Blue Mug, 2 × Red Plate, and shipping and a discount code worth $5.00",
    );
    expect(
      describeRemedies(
        [{ type: "replacement", lines: [plates], estimatedCost: usd("24.00") }],
        "en-US",
      ),
    ).toBe("a replacement for 2 × Red Plate");
    // Once Shopify created it, the replacement order is named, in the customer's language.
    const sent: PlannedRemedy = { type: "replacement", lines: [plates], estimatedCost: usd("24.00"), orderName: "#1004" };
    expect(describeRemedies([sent], "en-US")).toBe("a replacement for 2 × Red Plate (order #1004)");
    expect(describeRemedies([sent], "es-ES")).toBe("el envío de un reemplazo de 2 × Red Plate (pedido #1004)");
    expect(describeRemedies([{ type: "cancel", lines: [mug] }, refund], "en-GB")).toBe(
      "the cancellation of 1 × Blue Mug and a refund of US$12.00 for 1 × Blue Mug",
    );
  });

  it("uses “an” where the number is said with a vowel", () => {
    expect(describeRemedies([code(8)], "en-US")).toBe("an 8% discount code");
    expect(describeRemedies([code(11)], "en-US")).toBe("an 11% discount code");
    expect(describeRemedies([code(18)], "en-US")).toBe("an 18% discount code");
    expect(describeRemedies([code(15)], "en-US")).toBe("a 15% discount code");
    expect(describeRemedies([code(12.5)], "en-US")).toBe("a 12.5% discount code");
  });

  it("formats amounts in the locale and describes a message-only plan as nothing", () => {
    // ICU puts (narrow) no-break spaces in French amounts; which one depends on its version.
    const spaced = describeRemedies([refund, code(10)], "fr-FR").replace(/[\u00a0\u202f]/g, " ");
    expect(spaced).toBe("a refund of 12,00 $US for 1 × Blue Mug and a 10 % discount code");
    expect(describeRemedies([{ type: "message" }], "en-US")).toBe("");
  });
});

describe("messageValues", () => {
  it("builds the values from a plan, with the expiry in the shop's zone once a code exists", () => {
    expect(
      messageValues({
        remedies: [refund, code(10)],
        orderName: "#1001",
        customerFirstName: null,
        code: "SORRY-1",
        locale: "en-US",
        timeZone: "Pacific/Auckland",
      }),
    ).toEqual({
      customer_first_name: null,
      order_name: "#1001",
      remedy: "a refund of $12.00 for 1 × Blue Mug and a 10% discount code",
      code: "SORRY-1",
      expiry: "April 9, 2024", // 12:00Z is already the next day in Auckland
    });
    expect(formatExpiry("2024-04-08T12:00:00.000Z", "en-US", "America/New_York")).toBe(
      "April 8, 2024",
    );
  });
});
