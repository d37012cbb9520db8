// The answer Shopify gives a mutation it refuses: HTTP 200, the payload's objects null and its
// userErrors list (`userErrors`, or a typed one such as `orderCancelUserErrors`) holding the
// reason. Built from the request's own selection, so it has exactly the fields asked for.
import type { FieldNode, SelectionSetNode } from "graphql";
import { Kind, parse } from "graphql";

function fields(set: SelectionSetNode | undefined): FieldNode[] {
  return (set?.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD);
}

const isUserErrors = (name: string) => name === "userErrors" || name.endsWith("UserErrors");

export function refusalResponse(query: string, operationName: string | null, message: string): { data: Record<string, unknown> } {
  const operation = parse(query).definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== "mutation") {
    throw new Error(`a refusal is injected for mutations only (${operationName ?? "anonymous"})`);
  }
  const error = { field: null, message, code: "INVALID" } as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  for (const root of fields(operation.selectionSet)) {
    const payload: Record<string, unknown> = {};
    for (const field of fields(root.selectionSet)) {
      const key = field.alias?.value ?? field.name.value;
      payload[key] = isUserErrors(field.name.value)
        ? [Object.fromEntries(fields(field.selectionSet).map((f) => [f.alias?.value ?? f.name.value, error[f.name.value] ?? null]))]
        : null;
    }
    data[root.alias?.value ?? root.name.value] = payload;
  }
  return { data };
}
