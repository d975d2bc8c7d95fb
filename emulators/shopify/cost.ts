// Shopify's calculated query cost, computed from the schema the way shopify.dev documents it
// ("GraphQL Admin API rate limits" → cost calculation):
//   scalar / enum 0 · object 1 · interface / union: 1 + the most expensive possible selection ·
//   connection: 2 + page size × (cost of one item) · mutation root field 10.
// The requested cost is static (page sizes from `first`/`last`); the actual cost walks the
// returned data, so a page with fewer items costs less. The same walk checks pagination
// arguments, because Shopify rejects `first`/`last` above 250 or missing on a connection.
import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

export const MAX_PAGE_SIZE = 250;
export const MUTATION_COST = 10;
const CONNECTION_BASE_COST = 2;

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  /** Coerced variable values. */
  variables: Record<string, unknown>;
}

export interface PaginationProblem {
  message: string;
  node: FieldNode;
  path: string[];
  code: string;
}

export interface StaticAnalysis {
  requestedQueryCost: number;
  problems: PaginationProblem[];
}

interface CollectedField {
  def: GraphQLField<unknown, unknown>;
  nodes: FieldNode[];
  /** Merged child selections of every node with this response key. */
  selectionSet: SelectionSetNode | undefined;
}

type Ctx = CostInput & { problems: PaginationProblem[] };

function isIncluded(ctx: CostInput, node: SelectionNode): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, ctx.variables);
  if (skip?.['if'] === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, ctx.variables);
  return include?.['if'] !== false;
}

/** Whether a fragment with this type condition applies when the parent is `parent`. */
function fragmentApplies(ctx: CostInput, condition: string | undefined, parent: GraphQLCompositeType): boolean {
  if (!condition || condition === parent.name) return true;
  const cond = ctx.schema.getType(condition);
  if (!cond) return false;
  if (isAbstractType(cond) && isObjectType(parent)) return ctx.schema.isSubType(cond, parent);
  return false;
}

/** Groups the selections that apply to `parent` by response key, flattening fragments. */
function collectFields(
  ctx: CostInput,
  parent: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  out: Map<string, CollectedField> = new Map(),
): Map<string, CollectedField> {
  for (const sel of selectionSet.selections) {
    if (!isIncluded(ctx, sel)) continue;
    if (sel.kind === Kind.FIELD) {
      const name = sel.name.value;
      if (name.startsWith('__')) continue; // introspection and __typename are free
      if (!('getFields' in parent)) continue;
      const def = parent.getFields()[name];
      if (!def) continue;
      const key = sel.alias?.value ?? name;
      const existing = out.get(key);
      if (existing) {
        existing.nodes.push(sel);
        if (sel.selectionSet) {
          existing.selectionSet = {
            kind: Kind.SELECTION_SET,
            selections: [...(existing.selectionSet?.selections ?? []), ...sel.selectionSet.selections],
          };
        }
      } else {
        out.set(key, { def, nodes: [sel], selectionSet: sel.selectionSet });
      }
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (fragmentApplies(ctx, sel.typeCondition?.name.value, parent)) {
        collectFields(ctx, parent, sel.selectionSet, out);
      }
    } else {
      const frag = ctx.fragments[sel.name.value];
      if (frag && fragmentApplies(ctx, frag.typeCondition.name.value, parent)) {
        collectFields(ctx, parent, frag.selectionSet, out);
      }
    }
  }
  return out;
}

/** Object types named in type conditions directly under a selection on an abstract type. */
function candidateTypes(ctx: CostInput, abstract: GraphQLCompositeType, set: SelectionSetNode): GraphQLObjectType[] {
  const names = new Set<string>();
  const visit = (s: SelectionSetNode, seen: Set<string>): void => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (sel.typeCondition) names.add(sel.typeCondition.name.value);
        visit(sel.selectionSet, seen);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag = ctx.fragments[sel.name.value];
        if (frag) {
          names.add(frag.typeCondition.name.value);
          visit(frag.selectionSet, seen);
        }
      }
    }
  };
  visit(set, new Set());
  const out: GraphQLObjectType[] = [];
  for (const name of names) {
    const t = ctx.schema.getType(name);
    if (t && isObjectType(t) && isAbstractType(abstract) && ctx.schema.isSubType(abstract, t)) out.push(t);
  }
  return out;
}

export function isConnectionType(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  if (!isObjectType(named) || isListType(isNonNullType(type) ? type.ofType : type)) return false;
  const fields = named.getFields();
  return named.name.endsWith('Connection') && ('edges' in fields || 'nodes' in fields);
}

function pageSize(ctx: Ctx, field: CollectedField, path: string[]): number {
  const node = field.nodes[0] as FieldNode;
  const args = getArgumentValues(field.def, node, ctx.variables);
  const first = args['first'];
  const last = args['last'];
  const here = [...path, node.alias?.value ?? node.name.value];
  if (typeof first !== 'number' && typeof last !== 'number') {
    ctx.problems.push({ message: 'you must provide one of first or last', node, path: here, code: 'BAD_REQUEST' });
    return 0;
  }
  if (typeof first === 'number' && typeof last === 'number') {
    ctx.problems.push({
      message: 'providing both first and last is not supported',
      node,
      path: here,
      code: 'BAD_REQUEST',
    });
  }
  let size = 0;
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (typeof value !== 'number') continue;
    if (value < 0) {
      ctx.problems.push({ message: `${name} must be greater than or equal to 0`, node, path: here, code: 'BAD_REQUEST' });
    } else if (value > MAX_PAGE_SIZE) {
      ctx.problems.push({
        message: `The ${name} argument (${value}) exceeds the maximum page size of ${MAX_PAGE_SIZE}.`,
        node,
        path: here,
        code: 'MAX_PAGE_SIZE_EXCEEDED',
      });
    }
    size = Math.max(size, Math.min(Math.max(value, 0), MAX_PAGE_SIZE));
  }
  return size;
}

/** Static cost of the selections under `parent` (an object, interface or union). */
function selectionCost(ctx: Ctx, parent: GraphQLCompositeType, set: SelectionSetNode, path: string[]): number {
  let total = 0;
  for (const [key, field] of collectFields(ctx, parent, set)) total += fieldCost(ctx, field, [...path, key]);
  return total;
}

/** Cost of one object of a composite type, taking the max over possible runtime types. */
function objectCost(ctx: Ctx, type: GraphQLCompositeType, set: SelectionSetNode | undefined, path: string[]): number {
  if (!set) return 1;
  if (!isAbstractType(type)) return 1 + selectionCost(ctx, type, set, path);
  let best = selectionCost(ctx, type, set, path);
  for (const candidate of candidateTypes(ctx, type, set)) {
    best = Math.max(best, selectionCost(ctx, candidate, set, path));
  }
  return 1 + best;
}

function fieldCost(ctx: Ctx, field: CollectedField, path: string[]): number {
  const type = getNamedType(field.def.type);
  if (isLeafType(type) || !isCompositeType(type)) return 0;
  if (isConnectionType(field.def.type)) {
    const size = pageSize(ctx, field, path.slice(0, -1));
    return CONNECTION_BASE_COST + size * connectionItemCost(ctx, type as GraphQLObjectType, field.selectionSet, path);
  }
  return objectCost(ctx, type, field.selectionSet, path);
}

/** Cost of one item of a connection: its `node` (via edges) and/or `nodes` entry. */
function connectionItemCost(ctx: Ctx, conn: GraphQLObjectType, set: SelectionSetNode | undefined, path: string[]): number {
  if (!set) return 0;
  let perItem = 0;
  for (const [key, field] of collectFields(ctx, conn, set)) {
    const fieldType = getNamedType(field.def.type);
    if (field.def.name === 'edges' && isObjectType(fieldType) && field.selectionSet) {
      for (const [edgeKey, edgeField] of collectFields(ctx, fieldType, field.selectionSet)) {
        const nodeType = getNamedType(edgeField.def.type);
        if (edgeField.def.name === 'node' && isCompositeType(nodeType)) {
          perItem += objectCost(ctx, nodeType, edgeField.selectionSet, [...path, key, edgeKey]);
        } else {
          perItem += fieldCost(ctx, edgeField, [...path, key, edgeKey]);
        }
      }
    } else if (field.def.name === 'nodes' && isCompositeType(fieldType)) {
      perItem += objectCost(ctx, fieldType, field.selectionSet, [...path, key]);
    }
    // pageInfo and other connection-level fields are covered by the base cost of 2.
  }
  return perItem;
}

/** Requested cost plus pagination problems, before execution. */
export function analyzeOperation(input: CostInput): StaticAnalysis {
  const ctx: Ctx = { ...input, problems: [] };
  const root = input.operation.operation === 'mutation' ? input.schema.getMutationType() : input.schema.getQueryType();
  if (!root) return { requestedQueryCost: 0, problems: [] };
  const rootPath = [input.operation.operation];
  if (input.operation.operation === 'mutation') {
    // Mutations cost a flat 10 per root field; the payload selection is not charged, but we
    // still walk it to catch pagination problems inside it.
    let cost = 0;
    for (const [key, field] of collectFields(ctx, root, input.operation.selectionSet)) {
      cost += MUTATION_COST;
      const type = getNamedType(field.def.type);
      if (field.selectionSet && isCompositeType(type)) objectCost(ctx, type, field.selectionSet, [...rootPath, key]);
    }
    return { requestedQueryCost: cost, problems: ctx.problems };
  }
  const requestedQueryCost = selectionCost(ctx, root, input.operation.selectionSet, []);
  return { requestedQueryCost, problems: ctx.problems };
}

// ---- actual cost: the same rules applied to what was returned ----

type Data = Record<string, unknown>;

function isData(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function runtimeTypeOf(ctx: CostInput, declared: GraphQLCompositeType, value: Data): GraphQLCompositeType {
  const typename = value['__typename'];
  if (typeof typename === 'string') {
    const t = ctx.schema.getType(typename);
    if (t && isObjectType(t)) return t;
  }
  return declared;
}

function actualObject(ctx: CostInput, type: GraphQLCompositeType, set: SelectionSetNode | undefined, value: unknown): number {
  if (value === null || value === undefined) return 1; // requested, resolved to null: children never ran
  if (Array.isArray(value)) {
    // A plain list of objects is charged like one object (its most expensive element).
    let worst = 0;
    for (const item of value) worst = Math.max(worst, actualObject(ctx, type, set, item) - 1);
    return 1 + worst;
  }
  if (!set || !isData(value)) return 1;
  if (!isAbstractType(type)) return 1 + actualSelection(ctx, type, set, value);
  const runtime = runtimeTypeOf(ctx, type, value);
  if (runtime !== type) return 1 + actualSelection(ctx, runtime, set, value);
  // Without __typename, count every candidate's fields that are present in the data.
  let best = actualSelection(ctx, type, set, value);
  for (const candidate of candidateTypes(ctx, type, set)) {
    best = Math.max(best, actualSelection(ctx, candidate, set, value));
  }
  return 1 + best;
}

function actualSelection(ctx: CostInput, parent: GraphQLCompositeType, set: SelectionSetNode, value: Data): number {
  let total = 0;
  for (const [key, field] of collectFields(ctx, parent, set)) {
    if (!(key in value)) continue;
    total += actualField(ctx, field, value[key]);
  }
  return total;
}

function actualField(ctx: CostInput, field: CollectedField, value: unknown): number {
  const type = getNamedType(field.def.type);
  if (isLeafType(type) || !isCompositeType(type)) return 0;
  if (isConnectionType(field.def.type)) {
    if (!isData(value)) return CONNECTION_BASE_COST;
    return CONNECTION_BASE_COST + actualConnectionItems(ctx, type as GraphQLObjectType, field.selectionSet, value);
  }
  return actualObject(ctx, type, field.selectionSet, value);
}

function actualConnectionItems(ctx: CostInput, conn: GraphQLObjectType, set: SelectionSetNode | undefined, value: Data): number {
  if (!set) return 0;
  let total = 0;
  for (const [key, field] of collectFields(ctx, conn, set)) {
    const items = value[key];
    if (!Array.isArray(items)) continue;
    const fieldType = getNamedType(field.def.type);
    if (field.def.name === 'edges' && isObjectType(fieldType) && field.selectionSet) {
      for (const edge of items) {
        if (!isData(edge)) continue;
        for (const [edgeKey, edgeField] of collectFields(ctx, fieldType, field.selectionSet)) {
          if (!(edgeKey in edge)) continue;
          const nodeType = getNamedType(edgeField.def.type);
          total +=
            edgeField.def.name === 'node' && isCompositeType(nodeType)
              ? actualObject(ctx, nodeType, edgeField.selectionSet, edge[edgeKey])
              : actualField(ctx, edgeField, edge[edgeKey]);
        }
      }
    } else if (field.def.name === 'nodes' && isCompositeType(fieldType)) {
      for (const item of items) total += actualObject(ctx, fieldType, field.selectionSet, item);
    }
  }
  return total;
}

/** Actual cost from the returned data; never above the requested cost. */
export function actualCost(input: CostInput, data: unknown, requested: number): number {
  const root = input.operation.operation === 'mutation' ? input.schema.getMutationType() : input.schema.getQueryType();
  if (!root || !isData(data)) return 0;
  let cost: number;
  if (input.operation.operation === 'mutation') {
    cost = 0;
    for (const key of collectFields(input, root, input.operation.selectionSet).keys()) {
      if (key in data) cost += MUTATION_COST;
    }
  } else {
    cost = actualSelection(input, root, input.operation.selectionSet, data);
  }
  return Math.min(cost, requested);
}
