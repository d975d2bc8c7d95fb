// One GraphQL Admin request, start to finish, as Shopify processes it:
// parse → validate against the official schema → static checks and requested cost →
// single-query cap (1,000) → leaky bucket (take requested) → execute → actual cost →
// refund the difference. Every answer carries extensions.cost.
import {
  execute,
  FieldsOnCorrectTypeRule,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type ASTNode,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type ValidationContext,
} from 'graphql';
import { actualCost, analyzeOperation } from './cost';
import { mutationRoot, queryRoot, fieldResolver, type RequestContext } from './resolvers';
import type { ShopifySchema } from './schema';
import type { AccessToken, EmulatorStore, ShopState } from './store';

export const SINGLE_QUERY_MAX_COST = 1000;

export interface GraphQLBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphQLReply {
  status: number;
  body: unknown;
}

interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

type ErrorJson = {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
};

/** Path of a node inside the document, the way GraphQL Ruby reports validation errors. */
function documentPath(ancestors: readonly (ASTNode | readonly ASTNode[])[], node: ASTNode): string[] {
  const path: string[] = [];
  for (const a of [...ancestors, node]) {
    if (Array.isArray(a) || !('kind' in a)) continue;
    const n = a as ASTNode;
    if (n.kind === Kind.OPERATION_DEFINITION) path.push(n.name ? `${n.operation} ${n.name.value}` : n.operation);
    else if (n.kind === Kind.FRAGMENT_DEFINITION) path.push(`fragment ${n.name.value}`);
    else if (n.kind === Kind.INLINE_FRAGMENT) path.push(n.typeCondition ? `... on ${n.typeCondition.name.value}` : '...');
    else if (n.kind === Kind.FIELD) path.push(n.alias?.value ?? n.name.value);
  }
  return path;
}

/** Replaces graphql-js's FieldsOnCorrectTypeRule with Shopify's wording and error shape. */
function shopifyFieldsOnCorrectTypeRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node, _key, _parent, _path, ancestors) {
      const type = context.getParentType();
      if (!type || context.getFieldDef()) return;
      context.reportError(
        new GraphQLError(`Field '${node.name.value}' doesn't exist on type '${type.name}'`, {
          nodes: node,
          path: documentPath(ancestors, node),
          extensions: { code: 'undefinedField', typeName: type.name, fieldName: node.name.value },
        }),
      );
    },
  };
}

const VALIDATION_RULES = [...specifiedRules.filter((r) => r !== FieldsOnCorrectTypeRule), shopifyFieldsOnCorrectTypeRule];

function errorJson(e: GraphQLError): ErrorJson {
  const out: ErrorJson = { message: e.message };
  if (e.locations) out.locations = e.locations.map((l) => ({ line: l.line, column: l.column }));
  if (e.path) out.path = [...e.path];
  if (e.extensions && Object.keys(e.extensions).length > 0) out.extensions = { ...e.extensions };
  return out;
}

/** Variables arrive as an object, or (some clients) as a JSON string; absent means none. */
function variablesOf(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null || value === '') return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

export interface GraphQLEnv {
  store: EmulatorStore;
  schema: ShopifySchema;
  /** Called with unexpected resolver exceptions (bugs), which answer INTERNAL_SERVER_ERROR. */
  onInternalError?: (err: unknown) => void;
}

export async function runGraphQL(env: GraphQLEnv, shop: ShopState, token: AccessToken, body: GraphQLBody): Promise<GraphQLReply> {
  const { schema } = env.schema;
  shop.counters.graphqlRequests++;
  const cost = (requested: number, actual: number | null): CostExtension => ({
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: shop.bucket.status(),
  });
  const failure = (errors: ErrorJson[], requested = 0, actual: number | null = 0): GraphQLReply => ({
    status: 200,
    body: { errors, extensions: { cost: cost(requested, actual) } },
  });

  if (typeof body.query !== 'string' || body.query.trim() === '') {
    return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
  }
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (err) {
    if (err instanceof GraphQLError) return failure([errorJson(err)]);
    throw err;
  }
  const validationErrors = validate(schema, document, VALIDATION_RULES);
  if (validationErrors.length > 0) return failure(validationErrors.map(errorJson));

  const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return failure([
      { message: operationName ? `No operation named "${operationName}"` : 'An operation name is required' },
    ]);
  }
  if (operation.operation === 'subscription') return failure([{ message: 'Subscriptions are not supported' }]);

  const rawVariables = variablesOf(body.variables);
  if (rawVariables === undefined) return failure([{ message: 'Variables are invalid JSON.' }]);
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  if (coerced.errors) return failure(coerced.errors.map(errorJson));

  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  const costInput = { schema, operation, fragments, variables: coerced.coerced };
  const analysis = analyzeOperation(costInput);
  const requested = analysis.requestedQueryCost;

  if (analysis.problems.length > 0) {
    return {
      status: 200,
      body: {
        data: null,
        errors: analysis.problems.map((p) =>
          errorJson(new GraphQLError(p.message, { nodes: p.node, path: p.path, extensions: { code: p.code } })),
        ),
        extensions: { cost: cost(requested, 0) },
      },
    };
  }

  if (requested > SINGLE_QUERY_MAX_COST) {
    shop.counters.maxCostExceeded++;
    return failure(
      [
        {
          message:
            `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\n` +
            'See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n' +
            'cost of a query is calculated.\n\n' +
            'To query larger amounts of data with fewer limits, bulk operations should be used instead.\n' +
            'See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n',
          extensions: {
            code: 'MAX_COST_EXCEEDED',
            cost: requested,
            maxCost: SINGLE_QUERY_MAX_COST,
            documentation: 'https://shopify.dev/api/usage/limits#rate-limits',
          },
        },
      ],
      requested,
      null,
    );
  }

  if (shop.faults.throttleAlways) shop.bucket.drain();
  if (!shop.bucket.tryTake(requested)) {
    shop.counters.throttled++;
    return failure(
      [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/limits#rate-limits' } }],
      requested,
      null,
    );
  }
  shop.counters.pointsRequested += requested;
  if (operation.operation === 'mutation') shop.counters.mutations++;

  const ctx: RequestContext = {
    store: env.store,
    shop,
    token,
    schema: env.schema,
    scopes: new Set(token.scopes),
    now: env.store.now,
    accessMemo: new Map(),
  };
  const result = await execute({
    schema,
    document,
    rootValue: operation.operation === 'mutation' ? mutationRoot(ctx) : queryRoot(ctx),
    contextValue: ctx,
    variableValues: rawVariables,
    operationName,
    fieldResolver,
  });

  const actual = actualCost(costInput, result.data, requested);
  shop.bucket.refund(requested - actual);
  shop.counters.pointsCharged += actual;

  const errors = result.errors?.map((e) => {
    if (e.originalError && !(e.originalError instanceof GraphQLError)) {
      env.onInternalError?.(e.originalError);
      return errorJson(
        new GraphQLError('Internal error. Looks like something went wrong on our end.', {
          nodes: e.nodes,
          path: e.path,
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        }),
      );
    }
    return errorJson(e);
  });
  const payload: Record<string, unknown> = { data: result.data ?? null };
  if (errors && errors.length > 0) payload['errors'] = errors;
  payload['extensions'] = { cost: cost(requested, actual) };
  return { status: 200, body: payload };
}
