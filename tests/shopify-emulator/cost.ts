// Shopify-style calculated query cost and the per-shop leaky bucket.
//
// Cost rules (an approximation of https://shopify.dev/docs/api/usage/rate-limits):
//   scalar / enum field: 0; object field: 1 + its selection; connection: 2 + first × (node cost);
//   plain list of objects: (first ?? 1) × element cost; mutation root field: 10 + its payload.
// The requested cost is computed from the document; the actual cost from the returned data
// (lists count their real length, null objects stop the walk), and the difference is refunded.
import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from "graphql";
import {
  Kind,
  getNamedType,
  isCompositeType,
  isLeafType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
} from "graphql";

import type { Clock } from "./util";
import { isRecord } from "./util";

export const MUTATION_COST = 10;
export const MAX_SINGLE_QUERY_COST = 1000;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** Actual mode walks the result data; requested mode (data === REQUESTED) the document. */
}

const REQUESTED = Symbol("requested");
type Data = unknown;

function argValue(node: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  return arg.value.kind === Kind.VARIABLE
    ? variables[arg.value.name.value]
    : valueFromASTUntyped(arg.value, variables);
}

function fieldsOf(type: GraphQLNamedType, name: string) {
  if (isObjectType(type) || isInterfaceType(type)) return type.getFields()[name];
  return undefined;
}

function selectionCost(
  w: Walk,
  set: SelectionSetNode | undefined,
  type: GraphQLNamedType,
  data: Data | typeof REQUESTED,
): number {
  if (!set) return 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      cost += fieldCost(w, sel, type, data);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const cond = sel.typeCondition ? w.schema.getType(sel.typeCondition.name.value) : type;
      if (
        data !== REQUESTED &&
        isRecord(data) &&
        sel.typeCondition &&
        data.__typename !== undefined &&
        data.__typename !== sel.typeCondition.name.value
      ) {
        continue;
      }
      if (cond) cost += selectionCost(w, sel.selectionSet, cond, data);
    } else {
      const frag = w.fragments.get(sel.name.value);
      const cond = frag ? w.schema.getType(frag.typeCondition.name.value) : undefined;
      if (frag && cond) cost += selectionCost(w, frag.selectionSet, cond, data);
    }
  }
  return cost;
}

function fieldCost(
  w: Walk,
  node: FieldNode,
  parent: GraphQLNamedType,
  parentData: Data | typeof REQUESTED,
): number {
  const name = node.name.value;
  if (name.startsWith("__")) return 0;
  const def = fieldsOf(parent, name);
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named) || !isCompositeType(named)) return 0;
  const key = node.alias?.value ?? name;
  const data: Data | typeof REQUESTED =
    parentData === REQUESTED ? REQUESTED : isRecord(parentData) ? parentData[key] : undefined;
  if (data === undefined || data === null)
    return parentData === REQUESTED ? 0 : data === null ? 1 : 0;

  if (named.name.endsWith("Connection")) {
    const n = Number(
      argValue(node, "first", w.variables) ?? argValue(node, "last", w.variables) ?? 0,
    );
    // Cost the connection's selection once per node; nodes/edges lists carry the multiplier.
    return 2 + connectionCost(w, node.selectionSet, named, data, n);
  }
  if (data === REQUESTED) {
    const perElement = 1 + selectionCost(w, node.selectionSet, named, REQUESTED);
    const isList = def.type.toString().includes("[");
    const first = Number(argValue(node, "first", w.variables) ?? 1);
    return isList ? first * perElement : perElement;
  }
  if (Array.isArray(data)) {
    return data.reduce<number>(
      (s, el) => s + (el === null ? 0 : 1 + selectionCost(w, node.selectionSet, named, el)),
      0,
    );
  }
  return 1 + selectionCost(w, node.selectionSet, named, data);
}

function connectionCost(
  w: Walk,
  set: SelectionSetNode | undefined,
  type: GraphQLNamedType,
  data: Data | typeof REQUESTED,
  n: number,
): number {
  if (!set) return 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind !== Kind.FIELD) {
      const inner =
        sel.kind === Kind.INLINE_FRAGMENT
          ? sel.selectionSet
          : w.fragments.get(sel.name.value)?.selectionSet;
      cost += connectionCost(w, inner, type, data, n);
      continue;
    }
    const name = sel.name.value;
    const def = fieldsOf(type, name);
    if (!def) continue;
    const named = getNamedType(def.type);
    if (name === "nodes" || name === "edges") {
      if (data === REQUESTED) {
        cost += n * (1 + selectionCost(w, sel.selectionSet, named, REQUESTED));
      } else {
        const list = isRecord(data) ? data[sel.alias?.value ?? name] : undefined;
        if (Array.isArray(list)) {
          cost += list.reduce<number>(
            (s, el) => s + 1 + selectionCost(w, sel.selectionSet, named, el),
            0,
          );
        }
      }
    } else {
      cost += fieldCost(w, sel, type, data);
    }
  }
  return cost;
}

export function selectOperation(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return ops.find((o) => o.name?.value === operationName);
  return ops.length === 1 ? ops[0] : undefined;
}

/** Requested cost (no data) or actual cost (with the execution result's data). */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  data?: unknown,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const w: Walk = { schema, fragments, variables };
  const mode: Data | typeof REQUESTED = data === undefined ? REQUESTED : data;
  if (operation.operation === "mutation") {
    const root = schema.getMutationType();
    if (!root) return 0;
    let cost = 0;
    for (const sel of operation.selectionSet.selections) {
      if (sel.kind !== Kind.FIELD || sel.name.value.startsWith("__")) continue;
      const def = root.getFields()[sel.name.value];
      if (!def) continue;
      const key = sel.alias?.value ?? sel.name.value;
      const payload = mode === REQUESTED ? REQUESTED : isRecord(mode) ? mode[key] : undefined;
      cost += MUTATION_COST;
      if (payload !== undefined && payload !== null) {
        cost += selectionCost(w, sel.selectionSet, getNamedType(def.type), payload);
      }
    }
    return cost;
  }
  const root = schema.getQueryType();
  return root ? selectionCost(w, operation.selectionSet, root, mode) : 0;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface BucketOptions {
  /** Bucket size in points. Shopify's standard plans: 2000 (older docs: 1000). */
  maximumAvailable?: number;
  /** Points restored per second. Standard plans: 100 (Advanced 200, Plus 1000). */
  restoreRate?: number;
}

/** Shopify's leaky bucket: take the requested cost up front, refund the unused part after. */
export class LeakyBucket {
  readonly maximumAvailable: number;
  readonly restoreRate: number;
  private available: number;
  private at: number;

  constructor(
    private readonly clock: Clock,
    options: BucketOptions = {},
  ) {
    this.maximumAvailable = options.maximumAvailable ?? 2000;
    this.restoreRate = options.restoreRate ?? 100;
    this.available = this.maximumAvailable;
    this.at = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.available = Math.min(
      this.maximumAvailable,
      this.available + ((now - this.at) / 1000) * this.restoreRate,
    );
    this.at = now;
  }

  tryTake(points: number): boolean {
    this.refill();
    if (points > this.available) return false;
    this.available -= points;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + points);
  }

  /** Empties the bucket (tests: simulate other apps' traffic). */
  drain(to = 0): void {
    this.refill();
    this.available = Math.max(0, Math.min(this.available, to));
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}
