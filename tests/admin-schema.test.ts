// Every GraphQL document the app sends must be valid against Shopify's 2026-10 Admin schema:
// a field, argument or type Shopify does not have fails here, naming the operation.
import path from "node:path";

import type { DocumentNode } from "graphql";
import { Kind, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

import { loadAdminSchema } from "./shopify-emulator/schema";
import { findDocuments } from "./support/graphql-documents";

function operationNames(document: DocumentNode): string[] {
  return document.definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value ?? ""] : [],
  );
}

/** Validates one document; returns messages prefixed with the operation's name. */
export function schemaErrors(source: string): string[] {
  const document = parse(source);
  const names = operationNames(document);
  const label = names.join(", ") || "(fragment)";
  const errors: string[] = [];
  if (names.some((name) => name === "")) errors.push(`${label}: every operation must be named`);
  for (const error of validate(loadAdminSchema(), document)) errors.push(`${label}: ${error.message}`);
  return errors;
}

describe("GraphQL documents against Shopify's 2026-10 Admin schema", () => {
  const documents = findDocuments(path.resolve("app"));

  it("finds the app's documents", () => {
    expect(documents.length).toBeGreaterThan(0);
  });

  it.each(documents.map((d) => [d.file, d.source] as const))("%s is valid", (_file, source) => {
    expect(schemaErrors(source)).toEqual([]);
  });

  it("operation names are unique, so logs and tests can point at them", () => {
    const names = documents.flatMap((d) => operationNames(parse(d.source)));
    expect(new Set(names).size).toBe(names.length);
  });

  it("rejects an unknown field, naming the operation", () => {
    expect(schemaErrors("query Broken { shop { name notAShopField } }")).toEqual([
      'Broken: Cannot query field "notAShopField" on type "Shop". Did you mean "metafield"?',
    ]);
  });

  it("rejects an unknown argument and an anonymous operation", () => {
    expect(schemaErrors('{ order(id: "gid://shopify/Order/1", bogus: 1) { id } }')).toEqual([
      "(fragment): every operation must be named",
      '(fragment): Unknown argument "bogus" on field "QueryRoot.order".',
    ]);
  });
});
