// Amends asks for the access scopes it uses and no more (Shopify's app security check
// SCOPE_OVER_REQUEST, see SECURITY.md). Each scope in shopify.app.toml is tied below to the
// Admin API fields and webhook topics that need it, as shopify.dev documents them; the test
// finds those fields in the app's own GraphQL documents (walked against the real 2026-10 schema)
// and those topics in the TOML's subscriptions. A scope nothing uses fails; so does a field or
// topic that needs a scope the app does not ask for.
import { readFileSync } from "node:fs";
import path from "node:path";

import type { GraphQLSchema } from "graphql";
import { TypeInfo, parse, visit, visitWithTypeInfo } from "graphql";
import { describe, expect, it } from "vitest";

import { envSchema } from "../app/env.server";
import { loadAdminSchema } from "./shopify-emulator/schema";
import { findDocuments } from "./support/graphql-documents";

/**
 * What each scope Amends asks for is needed for: `Type.field` schema coordinates, or
 * `webhook:<topic>`. A write scope includes its read scope (shopify.dev, "Access scopes").
 */
const NEEDED_FOR: Record<string, string[]> = {
  // The Customer object needs read_customers: the buyer's name and e-mail for the apology, the
  // abuse signals (orders placed, amount spent), and whose order a customer asks about.
  read_customers: ["Order.customer"],
  // Apology codes: created, and found again by code after a crash.
  write_discounts: ["Mutation.discountCodeBasicCreate", "QueryRoot.codeDiscountNodeByCode"],
  // Replacement orders are draft orders, completed.
  write_draft_orders: ["Mutation.draftOrderCreate", "Mutation.draftOrderComplete", "QueryRoot.draftOrder", "QueryRoot.draftOrders"],
  // The schema's own WebhookSubscriptionTopic descriptions name the scope (checked below).
  read_fulfillments: ["webhook:fulfillments/create", "webhook:fulfillments/update", "webhook:fulfillment_events/create"],
  read_inventory: ["QueryRoot.inventoryItem", "webhook:inventory_levels/update"],
  // The shop's primary locale (shopify.dev, "shopLocales" query).
  read_locales: ["QueryRoot.shopLocales"],
  // Where an order's stock is committed (oversell detection): Order.fulfillmentOrders returns
  // only the fulfilment orders the app's scopes reach; those at the merchant's own locations
  // need read_merchant_managed_fulfillment_orders (the FulfillmentOrder type's "API access
  // scopes", checked below). Without it the list comes back empty, and no oversell is found.
  read_merchant_managed_fulfillment_orders: ["Order.fulfillmentOrders"],
  // Refunds, cancellations, tags and notes on orders; reading orders; the order webhooks.
  write_orders: [
    "Mutation.refundCreate",
    "Mutation.orderCancel",
    "Mutation.orderUpdate",
    "Mutation.tagsAdd",
    "QueryRoot.order",
    "webhook:orders/create",
    "webhook:orders/updated",
    "webhook:orders/cancelled",
    "webhook:refunds/create",
  ],
  // Asking for the item back: a return opened for shipped units, and found again by its marker
  // after a lost answer (app/shopify/operations/return.server.ts).
  write_returns: ["Mutation.returnCreate", "Order.returns"],
  // ProductVariant needs read_products: the variant of a line item (what to send again) and of
  // an inventory item (which waiting orders a stock change concerns).
  read_products: ["LineItem.variant", "InventoryItem.variant"],
};

const toml = readFileSync("shopify.app.toml", "utf8");

function declaredScopes(): string[] {
  const scopes = /^\s*scopes\s*=\s*"([^"]*)"/m.exec(toml)?.[1] ?? "";
  return scopes.split(",").map((s) => s.trim()).filter(Boolean);
}

/** Topics of the TOML's [[webhooks.subscriptions]] (`topics`, not `compliance_topics`). */
function subscribedTopics(): string[] {
  return [...toml.matchAll(/^\s*topics\s*=\s*\[([^\]]*)\]/gm)].flatMap((m) => [...(m[1] ?? "").matchAll(/"([^"]+)"/g)].map((t) => t[1] ?? ""));
}

/** Every `Type.field` the app's documents select, by walking them against the schema. */
function usedCoordinates(schema: GraphQLSchema): Set<string> {
  const used = new Set<string>();
  for (const { source } of findDocuments(path.resolve("app"))) {
    const typeInfo = new TypeInfo(schema);
    visit(
      parse(source),
      visitWithTypeInfo(typeInfo, {
        Field() {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (parent && field) used.add(`${parent.name}.${field.name}`);
        },
      }),
    );
  }
  return used;
}

const grants = (declared: string[], needed: string) =>
  declared.includes(needed) || declared.includes(needed.replace(/^read_/, "write_"));

describe("access scopes", () => {
  const schema = loadAdminSchema();
  const declared = declaredScopes();
  const used = new Set([...usedCoordinates(schema), ...subscribedTopics().map((t) => `webhook:${t}`)]);

  it("are the same in shopify.app.toml, the SCOPES default and .env.example", () => {
    const envDefault = envSchema.parse({ SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://a.example" }).SCOPES;
    const example = /^SCOPES=(.*)$/m.exec(readFileSync(".env.example", "utf8"))?.[1];
    expect(declared.length).toBeGreaterThan(0);
    expect(envDefault.split(",")).toEqual(declared);
    expect(example?.split(",")).toEqual(declared);
  });

  it.each(declaredScopes())("%s is used by the app", (scope) => {
    const needs = NEEDED_FOR[scope];
    expect(needs, `${scope} is asked for, but nothing here says what needs it`).toBeDefined();
    expect((needs ?? []).filter((coordinate) => used.has(coordinate)), `${scope}: nothing uses it`).not.toEqual([]);
  });

  it("every field and topic that needs a scope has it", () => {
    const missing = Object.entries(NEEDED_FOR).flatMap(([scope, coordinates]) =>
      coordinates.filter((c) => used.has(c) && !grants(declared, scope)).map((c) => `${c} needs ${scope}`),
    );
    expect(missing).toEqual([]);
  });

  it("names only fields that Shopify's schema has, and topics whose documented scope it is", () => {
    const topicEnum = schema.getType("WebhookSubscriptionTopic");
    const topicValues = topicEnum && "getValues" in topicEnum ? topicEnum.getValues() : [];
    for (const [scope, coordinates] of Object.entries(NEEDED_FOR)) {
      for (const coordinate of coordinates) {
        if (coordinate.startsWith("webhook:")) {
          const name = coordinate.slice("webhook:".length).replace("/", "_").toUpperCase();
          const value = topicValues.find((v) => v.name === name);
          expect(value, coordinate).toBeDefined();
          expect(value?.description, coordinate).toContain(scope.replace(/^write_/, "read_"));
          continue;
        }
        const [typeName, fieldName] = coordinate.split(".");
        const type = schema.getType(typeName ?? "");
        expect(type && "getFields" in type ? Object.keys(type.getFields()) : [], coordinate).toContain(fieldName);
      }
    }
    const fulfillmentOrder = schema.getType("FulfillmentOrder");
    expect(fulfillmentOrder?.description).toContain("read_merchant_managed_fulfillment_orders");
  });
});
