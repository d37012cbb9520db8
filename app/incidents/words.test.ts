import { describe, expect, it } from "vitest";

import { adminLink, numericId } from "./admin-links";
import { actorWords, eventWords, remedyStateWords, statusWords } from "./words";

describe("the merchant's words", () => {
  it("names who acted without machine ids", () => {
    expect(actorWords("rule:policy")).toBe("Your remediation policy");
    expect(actorWords("merchant:demo")).toBe("You");
    expect(actorWords("merchant")).toBe("You");
    expect(actorWords("merchant:Ana García")).toBe("Ana García");
    // A staff member as the admin records them: their name, not their Shopify user id.
    expect(actorWords("staff:demo-owner:Alex Morgan")).toBe("Alex Morgan");
    expect(actorWords("staff:7001:Ana García: soporte")).toBe("Ana García: soporte");
    expect(actorWords("rule:oversell_risk")).toBe("Oversell check");
    expect(actorWords("rule:new_rule")).toBe("Automatic check (new rule)");
    expect(actorWords("customer")).toBe("The customer");
    expect(actorWords("amends")).toBe("Amends");
    expect(actorWords("shopify")).toBe("Shopify");
  });

  it("says statuses, events and remedy states plainly", () => {
    expect(statusWords("awaiting_approval")).toBe("Needs approval");
    expect(statusWords("remediating")).toBe("Remedy under way");
    expect(eventWords("remedy_failed")).toBe("Remedy failed");
    expect(eventWords("escalated")).toBe("Marked escalated");
    expect(eventWords("something_new")).toBe("Something new");
    expect(remedyStateWords("annotate", "succeeded")).toBe("Note on the Shopify order: done");
    expect(remedyStateWords("refund", "failed")).toBe("Refund: failed");
    expect(remedyStateWords("return", "pending")).toBe("Return: in progress");
  });
});

describe("links into Shopify admin", () => {
  it("keeps ids beyond JavaScript's safe integers exact", () => {
    expect(numericId("gid://shopify/Order/820982911946154508")).toBe("820982911946154508");
    expect(numericId("not a gid")).toBeNull();
  });

  it("is an App Bridge link embedded and a plain admin URL in demo mode", () => {
    const id = "gid://shopify/Order/820982911946154508";
    expect(adminLink("orders", id, { shop: "lana.myshopify.com", embedded: true })).toBe("shopify:admin/orders/820982911946154508");
    expect(adminLink("customers", "gid://shopify/Customer/7", { shop: "lana.myshopify.com", embedded: false })).toBe(
      "https://admin.shopify.com/store/lana/customers/7",
    );
    expect(adminLink("discounts", null, { shop: "lana.myshopify.com", embedded: true })).toBeNull();
  });
});
