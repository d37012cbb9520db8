import { describe, expect, it } from "vitest";

import { parseShopifyJson } from "./json";

describe("parseShopifyJson", () => {
  it("keeps ids beyond 2^53 exact, as strings", () => {
    expect(parseShopifyJson('{"order_id":820982911946154508,"n":[1234567890123456789]}')).toEqual({
      order_id: "820982911946154508",
      n: ["1234567890123456789"],
    });
    // What plain JSON.parse would have made of it:
    expect(String(JSON.parse('{"order_id":820982911946154508}').order_id)).toBe("820982911946154500");
  });

  it("leaves small numbers, decimals and strings alone", () => {
    expect(
      parseShopifyJson('{"q":3,"big":12345678901234567.5,"price":"19.99","f":1234567890.5,"s":"id 820982911946154508","neg":-5}'),
    ).toEqual({ q: 3, big: Number("12345678901234567.5"), price: "19.99", f: 1234567890.5, s: "id 820982911946154508", neg: -5 });
  });

  it("handles escaped quotes inside strings", () => {
    expect(parseShopifyJson('{"note":"say \\"82098291194615450812\\"","id":820982911946154508}')).toEqual({
      note: 'say "82098291194615450812"',
      id: "820982911946154508",
    });
  });

  it("parses a body with no 16-digit run as JSON.parse does, and a long negative id exactly", () => {
    const body = '{"id":450789469,"total":"-12.50","lines":[{"q":2,"price":199.5}],"at":"2026-11-27T08:00:00Z"}';
    expect(parseShopifyJson(body)).toEqual(JSON.parse(body));
    expect(parseShopifyJson('{"adjustment":-820982911946154508}')).toEqual({ adjustment: "-820982911946154508" });
  });

  it("still rejects malformed JSON", () => {
    expect(() => parseShopifyJson('{"id": 1,')).toThrow(SyntaxError);
  });
});
