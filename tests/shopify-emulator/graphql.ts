// One Admin GraphQL request, transport-independent: parse, validate against Shopify's schema,
// price it, take the points from the shop's bucket (or answer THROTTLED), execute, refund the
// difference between requested and actual cost, and report `extensions.cost` like Shopify.
import type { DocumentNode, GraphQLError, GraphQLFormattedError, GraphQLSchema } from "graphql";
import { execute, parse, validate } from "graphql";

import type { LeakyBucket } from "./cost";
import { MAX_SINGLE_QUERY_COST, queryCost, selectOperation } from "./cost";
import type { ResolverContext } from "./resolvers/core";
import { makeFieldResolver, typeResolver } from "./resolvers/core";
import { mutationResolvers } from "./resolvers/mutation";
import { queryResolvers } from "./resolvers/query";
import { isRecord } from "./util";

export interface GraphQLRequestBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  extensions?: { cost?: CostExtension } & Record<string, unknown>;
}

const fieldResolver = makeFieldResolver({ QueryRoot: queryResolvers, Mutation: mutationResolvers });

/** graphql-js wording → Shopify's wording and codes for the validation errors apps meet most. */
function shopifyValidationError(error: GraphQLError): GraphQLFormattedError {
  const formatted = error.toJSON();
  const field = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(error.message);
  if (field) {
    return {
      ...formatted,
      message: `Field '${field[1]}' doesn't exist on type '${field[2]}'`,
      extensions: { code: "undefinedField", typeName: field[2], fieldName: field[1] },
    };
  }
  const arg = /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./.exec(error.message);
  if (arg) {
    return {
      ...formatted,
      message: `Field '${arg[3]}' doesn't accept argument '${arg[1]}'`,
      extensions: {
        code: "argumentNotAccepted",
        name: arg[3],
        typeName: "Field",
        argumentName: arg[1],
      },
    };
  }
  return formatted;
}

export function operationNameOf(body: unknown): string | null {
  if (!isRecord(body)) return null;
  if (typeof body.operationName === "string" && body.operationName) return body.operationName;
  if (typeof body.query !== "string") return null;
  const m = /\b(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(body.query);
  return m?.[1] ?? null;
}

export interface ExecuteOptions {
  schema: GraphQLSchema;
  bucket: LeakyBucket;
  context: ResolverContext;
  body: unknown;
}

export function throttledResponse(
  bucket: LeakyBucket,
  requestedQueryCost: number,
): GraphQLResponseBody {
  return {
    errors: [
      {
        message: "Throttled",
        extensions: {
          code: "THROTTLED",
          documentation: "https://shopify.dev/api/usage/rate-limits",
        },
      },
    ],
    extensions: {
      cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: bucket.status() },
    },
  };
}

interface CheckedDocument {
  document: DocumentNode;
  validationErrors: readonly GraphQLError[];
}

const checkedDocuments = new WeakMap<GraphQLSchema, Map<string, CheckedDocument>>();

/** A query parsed and validated against the schema. An app sends the same few documents over
 * and over, and the answer for one document and schema never changes: each is checked once
 * (validating every request was the largest part of answering it). A parse error is thrown. */
function checkedDocument(schema: GraphQLSchema, query: string): CheckedDocument {
  let checked = checkedDocuments.get(schema);
  if (!checked) {
    checked = new Map();
    checkedDocuments.set(schema, checked);
  }
  let answer = checked.get(query);
  if (!answer) {
    const document = parse(query);
    answer = { document, validationErrors: validate(schema, document) };
    if (checked.size >= 1_000) checked.clear(); // tests that build documents as they go
    checked.set(query, answer);
  }
  return answer;
}

export async function executeAdminGraphQL(options: ExecuteOptions): Promise<GraphQLResponseBody> {
  const { schema, bucket, context, body } = options;
  if (!isRecord(body) || typeof body.query !== "string") {
    return { errors: [{ message: "No query string was present" }] };
  }
  const variables = isRecord(body.variables) ? body.variables : {};
  const operationName = typeof body.operationName === "string" ? body.operationName : null;
  let checked: CheckedDocument;
  try {
    checked = checkedDocument(schema, body.query);
  } catch (error) {
    return { errors: [(error as GraphQLError).toJSON()] };
  }
  const { document, validationErrors } = checked;
  if (validationErrors.length > 0) return { errors: validationErrors.map(shopifyValidationError) };

  const operation = selectOperation(document, operationName);
  if (!operation) {
    return {
      errors: [
        {
          message: operationName
            ? `Unknown operation named "${operationName}".`
            : "An operation name is required",
        },
      ],
    };
  }
  const requestedQueryCost = queryCost(schema, document, operation, variables);
  if (requestedQueryCost > MAX_SINGLE_QUERY_COST) {
    return {
      errors: [
        {
          message: `Query cost is ${requestedQueryCost}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`,
          extensions: {
            code: "MAX_COST_EXCEEDED",
            cost: requestedQueryCost,
            maxCost: MAX_SINGLE_QUERY_COST,
          },
        },
      ],
    };
  }
  if (!bucket.tryTake(requestedQueryCost)) return throttledResponse(bucket, requestedQueryCost);

  const result = await execute({
    schema,
    document,
    variableValues: variables,
    operationName: operationName ?? undefined,
    rootValue: {},
    contextValue: context,
    fieldResolver,
    typeResolver,
  });
  const actualQueryCost = Math.min(
    requestedQueryCost,
    queryCost(schema, document, operation, variables, result.data ?? {}),
  );
  bucket.refund(requestedQueryCost - actualQueryCost);
  const response: GraphQLResponseBody = {};
  if (result.errors?.length) response.errors = result.errors.map((e) => e.toJSON());
  response.data = (result.data as Record<string, unknown> | null | undefined) ?? null;
  response.extensions = {
    cost: { requestedQueryCost, actualQueryCost, throttleStatus: bucket.status() },
  };
  return response;
}
