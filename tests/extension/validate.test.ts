// The report form's own checks (extensions/amends-order/src/validate.ts): the same rules as the
// contract, so the customer sees a field's problem before sending; and the endpoint's 422 keys
// mapped back onto the form's fields.
import { describe, expect, it } from "vitest";

import type { CustomerOrderLine } from "../../extensions/amends-order/src/api-contract";
import { checkDraft, formErrorsFromServer } from "../../extensions/amends-order/src/validate";

const LINES: CustomerOrderLine[] = [
  { lineItemId: "gid://shopify/LineItem/1", title: "Shirt", variantTitle: "M", quantity: 2 },
  { lineItemId: "gid://shopify/LineItem/2", title: "Tote", variantTitle: null, quantity: 1 },
];

describe("checkDraft", () => {
  it("asks for what happened and the customer's words", () => {
    expect(checkDraft({ kind: "", quantities: {}, message: "   " }, LINES)).toEqual({
      errors: { kind: "required", message: "required" },
      request: null,
    });
  });

  it("caps each line at what was bought, and refuses a kind it does not know", () => {
    const { errors } = checkDraft({ kind: "fraud", quantities: { "gid://shopify/LineItem/1": 3, "gid://shopify/LineItem/2": -1 }, message: "x" }, LINES);
    expect(errors).toEqual({
      kind: "invalid",
      "line:gid://shopify/LineItem/1": "quantity_out_of_range",
      "line:gid://shopify/LineItem/2": "quantity_out_of_range",
    });
  });

  it("wants at least one item for item problems, none for a parcel that never came", () => {
    expect(checkDraft({ kind: "damaged", quantities: {}, message: "torn" }, LINES).errors).toEqual({ lines: "lines_required" });
    expect(checkDraft({ kind: "not_arrived", quantities: {}, message: "nothing came" }, LINES)).toEqual({
      errors: {},
      request: { kind: "not_arrived", lines: [], message: "nothing came" },
    });
  });

  it("sends only the items with a quantity, and the words trimmed", () => {
    expect(checkDraft({ kind: "wrong_item", quantities: { "gid://shopify/LineItem/2": 1, "gid://shopify/LineItem/1": 0 }, message: " blue, not green \n" }, LINES)).toEqual({
      errors: {},
      request: { kind: "wrong_item", lines: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 1 }], message: "blue, not green" },
    });
  });

  it("refuses words over 2,000 characters", () => {
    expect(checkDraft({ kind: "other", quantities: {}, message: "a".repeat(2001) }, LINES).errors).toEqual({ message: "too_long" });
  });
});

describe("formErrorsFromServer", () => {
  it("puts a line's error on that line's field, by its index in what was sent", () => {
    const sent = { kind: "wrong_item" as const, lines: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 1 }], message: "x" };
    expect(formErrorsFromServer({ "lines.0.quantity": "quantity_out_of_range", message: "too_long", kind: "invalid" }, sent)).toEqual({
      "line:gid://shopify/LineItem/2": "quantity_out_of_range",
      message: "too_long",
      kind: "invalid",
    });
  });
});
