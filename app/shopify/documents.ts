// Tags a GraphQL document for the schema test (tests/admin-schema.test.ts), which finds every
// `graphql` template in app/ and validates it against Shopify's 2026-10 Admin schema.
export function graphql(strings: TemplateStringsArray): string {
  if (strings.length !== 1) {
    throw new Error("GraphQL documents are static: pass values as variables, not ${…}");
  }
  return strings[0] ?? "";
}
