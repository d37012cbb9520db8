// Shopify's own Admin GraphQL schema (2026-10), as published in @shopify/dev-mcp.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

import type { GraphQLSchema, IntrospectionQuery } from "graphql";
import { buildClientSchema } from "graphql";

// The package exports no subpath for its data, so the file is read from its folder.
export const ADMIN_SCHEMA_FILE = new URL(
  "../node_modules/@shopify/dev-mcp/dist/data/admin_2026-10.json.gz",
  import.meta.url,
);
let cached: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(ADMIN_SCHEMA_FILE)).toString("utf8")) as {
      data: IntrospectionQuery;
    };
    cached = buildClientSchema(json.data);
  }
  return cached;
}
