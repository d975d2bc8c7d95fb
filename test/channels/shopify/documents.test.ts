// Contract: every document the Shopify adapter can send is valid against the official Admin
// 2026-07 schema, stays under the 1,000-point single-query cap, and list pages are as large as
// the cap allows. The scope table the adapter checks (C-2) covers what each document touches.
import {
  getNamedType,
  isObjectType,
  Kind,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { analyzeOperation } from '../../../emulators/shopify/cost';
import { loadShopifySchema, scopesSatisfy } from '../../../emulators/shopify/schema';
import * as docs from '../../../src/channels/shopify/documents';
import { REQUIRED_SCOPES, DOCUMENT_CAPABILITY } from '../../../src/channels/shopify/scopes';

const shopify = loadShopifySchema();

/** Variables that exercise the largest page each document can ask for. */
const VARIABLES: Record<string, Record<string, unknown>> = {
  CONNECTION_CHECK: {},
  ORDERS_PAGE: { query: 'updated_at:>=2026-01-01', after: null },
  ORDER: { id: 'gid://shopify/Order/1' },
  FULFILLMENT_STATE: { id: 'gid://shopify/Order/1' },
  FULFILLMENT_CREATE: { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: 'gid://shopify/FulfillmentOrder/1' }] } },
  TAGS_ADD: { id: 'gid://shopify/Order/1', tags: ['wms-synced'] },
  PRODUCTS_PAGE: { query: null },
  PRODUCT_VARIANTS: { query: 'product_id:1' },
  LOCATIONS: {},
  INVENTORY_LEVELS: { location: 'gid://shopify/Location/1', names: ['available', 'on_hand'] },
  INVENTORY_ITEMS_AT_LOCATION: { query: 'id:1', location: 'gid://shopify/Location/1', names: ['available'] },
  INVENTORY_SET_QUANTITIES: { input: { name: 'available', reason: 'correction', quantities: [] }, key: 'k' },
};

function requestedCost(document: string, variables: Record<string, unknown>): { cost: number; problems: string[] } {
  const ast = parse(document);
  const operation = ast.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('no operation');
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of ast.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const analysis = analyzeOperation({ schema: shopify.schema, operation, fragments, variables });
  return { cost: analysis.requestedQueryCost, problems: analysis.problems.map((p) => p.message) };
}

/** Scope rules (from the schema file's access table) of every field a document selects. */
function accessRules(document: string): { where: string; scopes: string[] }[] {
  const typeInfo = new TypeInfo(shopify.schema);
  const rules: { where: string; scopes: string[] }[] = [];
  visit(
    parse(document),
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const def = typeInfo.getFieldDef();
        if (!parent || !def) return;
        const fieldRule = shopify.fieldAccess.get(`${parent.name}.${def.name}`);
        if (fieldRule) rules.push({ where: `${parent.name}.${def.name}`, scopes: fieldRule.scopes });
        let named = getNamedType(def.type);
        if (isObjectType(named) && (named.name.endsWith('Connection') || named.name.endsWith('Edge'))) {
          const inner = named.getFields()['nodes'] ?? named.getFields()['node'];
          if (inner) named = getNamedType(inner.type);
        }
        const typeRule = shopify.typeAccess.get(named.name);
        if (typeRule) rules.push({ where: named.name, scopes: typeRule.scopes });
      },
    }),
  );
  return rules;
}

describe('Shopify GraphQL documents (contract with Admin 2026-07)', () => {
  const entries = Object.entries(docs.DOCUMENTS);

  it('has variables for every document under test', () => {
    expect(Object.keys(VARIABLES).sort()).toEqual(entries.map(([name]) => name).sort());
  });

  it.each(entries)('%s is valid against the official schema', (_name, document) => {
    const errors = validate(shopify.schema, parse(document));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('the validation really rejects an invalid field (the check can fail)', () => {
    const broken = docs.ORDER.replace('displayFinancialStatus', 'financialStatus');
    expect(validate(shopify.schema, parse(broken)).map((e) => e.message).join('\n')).toMatch(/financialStatus/);
  });

  it.each(entries)('%s requests at most 1,000 points with valid page sizes', (name, document) => {
    const { cost, problems } = requestedCost(document, VARIABLES[name] ?? {});
    expect(problems).toEqual([]);
    expect(cost).toBeLessThanOrEqual(docs.MAX_QUERY_COST);
  });

  it.each([
    ['ORDERS_PAGE', docs.ORDER_PAGE_SIZE],
    ['PRODUCTS_PAGE', docs.PRODUCT_PAGE_SIZE],
  ] as const)('%s uses the largest page size under the cap', (name, size) => {
    const document = docs.DOCUMENTS[name] as string;
    const bigger = document.replace(`(first: ${size},`, `(first: ${size + 1},`);
    expect(bigger).not.toBe(document);
    expect(requestedCost(document, VARIABLES[name] ?? {}).cost).toBeLessThanOrEqual(docs.MAX_QUERY_COST);
    expect(requestedCost(bigger, VARIABLES[name] ?? {}).cost).toBeGreaterThan(docs.MAX_QUERY_COST);
  });

  it.each(entries)('%s needs only scopes its capability checks for (C-2)', (name, document) => {
    const capability = DOCUMENT_CAPABILITY[name as keyof typeof DOCUMENT_CAPABILITY];
    expect(capability).toBeDefined();
    const granted = new Set(capability ? REQUIRED_SCOPES[capability] : []);
    const unmet = accessRules(document).filter((r) => !scopesSatisfy(granted, { scopes: r.scopes, requiredAccess: '' }));
    expect(unmet).toEqual([]);
  });

  it('the scope check can fail: with no scopes, reading orders is denied', () => {
    const unmet = accessRules(docs.ORDERS_PAGE).filter((r) => !scopesSatisfy(new Set(), { scopes: r.scopes, requiredAccess: '' }));
    expect(unmet.length).toBeGreaterThan(0);
  });

  it.each(Object.entries(REQUIRED_SCOPES).filter(([, scopes]) => scopes.length > 0))(
    '%s asks for no scope its documents do not need',
    (capability, scopes) => {
      const own = entries.filter(([name]) => DOCUMENT_CAPABILITY[name as keyof typeof DOCUMENT_CAPABILITY] === capability);
      if (own.length === 0) return; // shares another capability's documents (e.g. pendingPaymentHold reads orders)
      for (const scope of scopes) {
        // tagsAdd's scope depends on the tagged resource, so the schema's table cannot show it.
        if (capability === 'tagOrders' && scope === 'write_orders') continue;
        const without = new Set(scopes.filter((s) => s !== scope));
        const needed = own.some(([, document]) =>
          accessRules(document).some((r) => !scopesSatisfy(without, { scopes: r.scopes, requiredAccess: '' })),
        );
        expect({ scope, needed }).toEqual({ scope, needed: true });
      }
    },
  );
});
