// Shopify's own Admin GraphQL schema (2026-10) from @shopify/dev-mcp: the emulator's type
// system. Nothing here is hand-written, so a field the app invents fails validation exactly as
// it would against a real store.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

import type { GraphQLSchema, IntrospectionQuery } from "graphql";
import { buildClientSchema } from "graphql";

export const ADMIN_API_VERSION = "2026-10";

const SCHEMA_FILE = new URL(
  `../../node_modules/@shopify/dev-mcp/dist/data/admin_${ADMIN_API_VERSION}.json.gz`,
  import.meta.url,
);

let cached: GraphQLSchema | undefined;

/** The 2026-10 Admin schema, parsed once per process (~1 s). */
export function loadAdminSchema(): GraphQLSchema {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString("utf8")) as {
      data: IntrospectionQuery;
    };
    cached = buildClientSchema(json.data);
  }
  return cached;
}
