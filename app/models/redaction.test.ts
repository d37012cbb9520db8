import { describe, expect, it } from "vitest";

import { mentionsCustomer, personalValues, redactor } from "./redaction";

const keys = {
  customerIds: ["115310627314723954"],
  orderIds: ["820982911946154508"],
  emails: ["john@example.com"],
  phones: ["+16135550135"],
};

describe("mentionsCustomer", () => {
  it("knows a body by the customer's id, an order's id, e-mail or phone", () => {
    expect(mentionsCustomer('{"customer":{"id":115310627314723954}}', keys)).toBe(true);
    expect(mentionsCustomer('{"order_id":"820982911946154508"}', keys)).toBe(true);
    expect(
      mentionsCustomer('{"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}', keys),
    ).toBe(true);
    expect(mentionsCustomer('{"ids":[1, 820982911946154508]}', keys)).toBe(true);
    expect(mentionsCustomer('{"email":"John@Example.com"}', keys)).toBe(true);
    expect(mentionsCustomer('{"phone":"+16135550135"}', keys)).toBe(true);
  });

  it("not by a longer number, a date, a price or free text that contains the digits", () => {
    const short = { customerIds: ["2026"], orderIds: ["1150"], emails: [], phones: [] };
    expect(mentionsCustomer('{"id":20261,"order_id":11500}', short)).toBe(false);
    expect(
      mentionsCustomer(
        '{"created_at":"2026-11-20T10:00:00Z","price":"11.50","note":"order 1150"}',
        short,
      ),
    ).toBe(false);
    expect(mentionsCustomer('{"id":820982911946154509}', keys)).toBe(false);
    expect(mentionsCustomer('{"email":"bigjohn@example.com","phone":"+161355501359"}', keys)).toBe(
      false,
    );
  });
});

describe("personalValues", () => {
  it("reads names, contacts and addresses; an order's or a product's name is not a person's", () => {
    const order = {
      name: "#1001",
      email: "ada@example.com",
      customer: {
        first_name: "Ada",
        last_name: "Lovelace",
        phone: null,
        default_address: { address1: "1 Analytical Way", name: "Ada Lovelace", zip: "N1 1AA" },
      },
      line_items: [{ name: "Blue Mug - Large", title: "Blue Mug" }],
      shipping_address: {
        first_name: "Ada",
        name: "Ada L.",
        city: "London",
        country: "United Kingdom",
      },
    };
    expect([...personalValues(order)].sort()).toEqual(
      [
        "1 Analytical Way",
        "Ada",
        "Ada L.",
        "Ada Lovelace",
        "London",
        "Lovelace",
        "N1 1AA",
        "ada@example.com",
      ].sort(),
    );
  });
});

describe("redactor", () => {
  it("blanks whole words in any case and script, in text and inside JSON", () => {
    const redact = redactor(["Ana", "Begoña", "ana@example.com", "Calle Mayor 1"]);
    expect(
      redact.text("Hola Ana, ANA: banana. Begoña vive en calle mayor 1. ana@example.com"),
    ).toBe("Hola [redacted], [redacted]: banana. [redacted] vive en [redacted]. [redacted]");
    expect(
      redact.json({ message: "Hi Begoña,", n: 2, list: ["Ana"], nested: { to: null } }),
    ).toEqual({
      message: "Hi [redacted],",
      n: 2,
      list: ["[redacted]"],
      nested: { to: null },
    });
  });

  it("leaves statuses and reasons alone: a customer called Staff does not change a cancel reason", () => {
    const redact = redactor(["Staff", "Success"]);
    expect(
      redact.json({
        cancelReason: "STAFF",
        fulfillments: [{ status: "SUCCESS" }],
        note: "Staff in Success",
      }),
    ).toEqual({
      cancelReason: "STAFF",
      fulfillments: [{ status: "SUCCESS" }],
      note: "[redacted] in [redacted]",
    });
  });

  it("with nothing to blank, changes nothing", () => {
    expect(redactor([]).text("Hi Ana")).toBe("Hi Ana");
  });
});
