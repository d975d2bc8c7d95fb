// Root query and mutation resolvers for the subset Storelink uses, plus the field resolver
// that enforces Shopify's access scopes (from the schema file's scope table) and refuses
// fields the emulator does not model instead of answering with invented values.
import {
  defaultFieldResolver,
  getDirectiveValues,
  getNamedType,
  GraphQLError,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
} from 'graphql';
import { gid, idOf, parseGid } from './ids';
import { MAX_QUANTITIES_PER_CALL, setQuantities, type SetQuantitiesInput, type SetQuantitiesResult } from './inventory';
import { addOrderTags, createFulfillment, dedupeTags, findFulfillment, findFulfillmentOrder, type FulfillmentCreateInput } from './orders';
import { scopesSatisfy, type AccessRule, type ShopifySchema } from './schema';
import type { AccessToken, EmulatorStore } from './store';
import {
  appInstallationView,
  canSeeOrder,
  fulfillmentOrderView,
  fulfillmentView,
  inventoryItemsConnection,
  inventoryItemView,
  inventoryLevelView,
  locationsConnection,
  locationView,
  ordersConnection,
  orderView,
  productsConnection,
  productVariantsConnection,
  productView,
  shopView,
  variantView,
  type View,
  type ViewContext,
} from './views';

export interface RequestContext extends ViewContext {
  store: EmulatorStore;
  token: AccessToken;
  schema: ShopifySchema;
  /** Memo of access decisions per type/field for this request. */
  accessMemo: Map<string, AccessRule | null>;
}

type Args = Record<string, unknown>;

function accessDenied(fieldName: string, rule: AccessRule): GraphQLError {
  return new GraphQLError(`Access denied for ${fieldName} field. Required access: ${rule.requiredAccess}`, {
    extensions: {
      code: 'ACCESS_DENIED',
      documentation: 'https://shopify.dev/api/usage/access-scopes',
      requiredAccess: rule.requiredAccess,
    },
  });
}

/** The object type a field really exposes: connections and edges guard their node type. */
function guardedTypeName(type: GraphQLNamedType): string {
  if (!isObjectType(type)) return type.name;
  if (type.name.endsWith('Connection') || type.name.endsWith('Edge')) {
    const inner = type.getFields()['nodes'] ?? type.getFields()['node'];
    if (inner) return getNamedType(inner.type).name;
  }
  return type.name;
}

function ruleFor(ctx: RequestContext, info: GraphQLResolveInfo): AccessRule | null {
  const key = `${info.parentType.name}.${info.fieldName}`;
  const memo = ctx.accessMemo.get(key);
  if (memo !== undefined) return memo;
  let rule: AccessRule | null = null;
  const fieldRule = ctx.schema.fieldAccess.get(key);
  if (fieldRule && !scopesSatisfy(ctx.scopes, fieldRule)) rule = fieldRule;
  if (!rule) {
    const typeRule = ctx.schema.typeAccess.get(guardedTypeName(getNamedType(info.returnType)));
    if (typeRule && !scopesSatisfy(ctx.scopes, typeRule)) rule = typeRule;
  }
  ctx.accessMemo.set(key, rule);
  return rule;
}

/** Field resolver used for every field: scope check, then the view's property or function. */
export const fieldResolver: GraphQLFieldResolver<unknown, RequestContext> = (source, args, ctx, info) => {
  const denied = ruleFor(ctx, info);
  if (denied) throw accessDenied(info.fieldName, denied);
  if (typeof source !== 'object' || source === null || !(info.fieldName in source)) {
    throw new GraphQLError(
      `${info.parentType.name}.${info.fieldName} is not implemented by the Storelink Shopify emulator`,
      { extensions: { code: 'NOT_IMPLEMENTED' } },
    );
  }
  return defaultFieldResolver(source, args, ctx, info);
};

function nodeById(ctx: RequestContext, id: unknown): View | null {
  const parsed = parseGid(id);
  if (!parsed) return null;
  const shop = ctx.shop;
  switch (parsed.type) {
    case 'Order': {
      const o = shop.orders.get(parsed.id);
      return o && canSeeOrder(ctx, o) ? orderView(ctx, o) : null;
    }
    case 'Product': {
      const p = shop.products.get(parsed.id);
      return p ? productView(ctx, p) : null;
    }
    case 'ProductVariant': {
      const v = shop.variants.get(parsed.id);
      return v ? variantView(ctx, v) : null;
    }
    case 'InventoryItem': {
      const i = shop.inventoryItems.get(parsed.id);
      return i ? inventoryItemView(ctx, i) : null;
    }
    case 'InventoryLevel': {
      const itemId = Number(parsed.params.get('inventory_item_id'));
      const level = shop.levels.get(`${itemId}:${parsed.id}`);
      return level ? inventoryLevelView(ctx, level) : null;
    }
    case 'Location': {
      const l = shop.locations.get(parsed.id);
      return l ? locationView(ctx, l) : null;
    }
    case 'FulfillmentOrder': {
      const found = findFulfillmentOrder(shop, parsed.id);
      return found ? fulfillmentOrderView(ctx, found.order, found.fo) : null;
    }
    case 'Fulfillment': {
      const found = findFulfillment(shop, parsed.id);
      return found ? fulfillmentView(ctx, found.order, found.fulfillment) : null;
    }
    case 'Shop':
      return parsed.id === 1 ? shopView(ctx) : null;
    default:
      return null;
  }
}

function typedNode(ctx: RequestContext, id: unknown, type: string): View | null {
  const parsed = parseGid(id);
  return parsed?.type === type ? nodeById(ctx, id) : null;
}

export function queryRoot(ctx: RequestContext): View {
  return {
    shop: () => shopView(ctx),
    currentAppInstallation: () => appInstallationView(ctx, ctx.token.scopes),
    node: (args: Args) => nodeById(ctx, args['id']),
    nodes: (args: Args) => (Array.isArray(args['ids']) ? args['ids'].map((id) => nodeById(ctx, id)) : []),
    order: (args: Args) => typedNode(ctx, args['id'], 'Order'),
    orders: (args: Args) => ordersConnection(ctx, args),
    product: (args: Args) => typedNode(ctx, args['id'], 'Product'),
    products: (args: Args) => productsConnection(ctx, args),
    productVariant: (args: Args) => typedNode(ctx, args['id'], 'ProductVariant'),
    productVariants: (args: Args) => productVariantsConnection(ctx, args),
    location: (args: Args) => {
      if (args['id'] === undefined || args['id'] === null) {
        const first = ctx.shop.locations.values().next();
        return first.done ? null : locationView(ctx, first.value);
      }
      return typedNode(ctx, args['id'], 'Location');
    },
    locations: (args: Args) => locationsConnection(ctx, args),
    inventoryItem: (args: Args) => typedNode(ctx, args['id'], 'InventoryItem'),
    inventoryItems: (args: Args) => inventoryItemsConnection(ctx, args),
    inventoryLevel: (args: Args) => typedNode(ctx, args['id'], 'InventoryLevel'),
    fulfillmentOrder: (args: Args) => typedNode(ctx, args['id'], 'FulfillmentOrder'),
    fulfillment: (args: Args) => typedNode(ctx, args['id'], 'Fulfillment'),
  };
}

// ---------------------------------------------------------------- mutations

/** The idempotency key from `@idempotent(key:)` on the mutation field, if any. */
function idempotencyKey(ctx: RequestContext, info: GraphQLResolveInfo): string | undefined {
  const directive = ctx.schema.schema.getDirective('idempotent');
  const node = info.fieldNodes[0];
  if (!directive || !node) return undefined;
  const values = getDirectiveValues(directive, node, info.variableValues);
  const key = values?.['key'];
  return typeof key === 'string' ? key : undefined;
}

function adjustmentGroupView(ctx: RequestContext, result: Extract<SetQuantitiesResult, { ok: true }>): View {
  const g = result.group;
  return {
    __typename: 'InventoryAdjustmentGroup',
    id: gid('InventoryAdjustmentGroup', g.id),
    createdAt: new Date(g.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    reason: g.reason,
    referenceDocumentUri: g.referenceDocumentUri,
    app: null,
    staffMember: null,
    changes: (args: Args) => {
      const names = Array.isArray(args['quantityNames']) ? (args['quantityNames'] as string[]) : undefined;
      const items = Array.isArray(args['inventoryItemIds']) ? (args['inventoryItemIds'] as string[]) : undefined;
      const locs = Array.isArray(args['locationIds']) ? (args['locationIds'] as string[]) : undefined;
      return g.changes
        .filter(
          (c) =>
            (!names || names.includes(c.name)) &&
            (!items || items.includes(gid('InventoryItem', c.inventoryItemId))) &&
            (!locs || locs.includes(gid('Location', c.locationId))),
        )
        .map((c) => {
          const item = ctx.shop.inventoryItems.get(c.inventoryItemId);
          const loc = ctx.shop.locations.get(c.locationId);
          return {
            name: c.name,
            delta: c.delta,
            quantityAfterChange: c.quantityAfterChange,
            ledgerDocumentUri: null,
            item: item ? inventoryItemView(ctx, item) : null,
            location: loc ? locationView(ctx, loc) : null,
          };
        });
    },
  };
}

function inventorySetQuantities(ctx: RequestContext, args: Args, info: GraphQLResolveInfo): View {
  const input = args['input'] as SetQuantitiesInput;
  if (input.quantities.length > MAX_QUANTITIES_PER_CALL) {
    throw new GraphQLError(
      `The input array size of ${input.quantities.length} is greater than the maximum allowed of ${MAX_QUANTITIES_PER_CALL}.`,
      { extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } },
    );
  }
  const key = idempotencyKey(ctx, info);
  if (key === undefined) {
    // Mandatory since 2026-04; the schema cannot express it, so Shopify rejects at run time.
    throw new GraphQLError(
      'The @idempotent directive is required for this mutation. Provide a unique key with @idempotent(key: "…").',
      { extensions: { code: 'BAD_REQUEST' } },
    );
  }
  const fingerprint = JSON.stringify(input);
  const memoKey = `inventorySetQuantities:${key}`;
  const previous = ctx.shop.idempotency.get(memoKey);
  let result: SetQuantitiesResult;
  if (previous) {
    if (previous.fingerprint !== fingerprint) {
      result = {
        ok: false,
        userErrors: [
          {
            field: null,
            message: 'The same idempotency key cannot be used with different operation parameters.',
            code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
          },
        ],
      };
    } else if (previous.failed) {
      result = {
        ok: false,
        userErrors: [
          {
            field: null,
            message: 'A previous request with this idempotency key failed. Retry with a new idempotency key.',
            code: 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED',
          },
        ],
      };
    } else {
      result = previous.result as SetQuantitiesResult; // replay: nothing changes
    }
  } else {
    result = setQuantities(ctx.store, ctx.shop, input);
    ctx.shop.idempotency.set(memoKey, { fingerprint, result, failed: !result.ok });
  }
  return result.ok
    ? { inventoryAdjustmentGroup: adjustmentGroupView(ctx, result), userErrors: [] }
    : { inventoryAdjustmentGroup: null, userErrors: result.userErrors };
}

function fulfillmentCreate(ctx: RequestContext, args: Args): View {
  const input = args['fulfillment'] as FulfillmentCreateInput;
  // Orders older than the read window are invisible without read_all_orders.
  for (const group of input.lineItemsByFulfillmentOrder) {
    const foId = idOf(group.fulfillmentOrderId, 'FulfillmentOrder');
    const found = foId === undefined ? undefined : findFulfillmentOrder(ctx.shop, foId);
    if (found && !canSeeOrder(ctx, found.order)) {
      return { fulfillment: null, userErrors: [{ field: ['fulfillment'], message: `Fulfillment order ${group.fulfillmentOrderId} does not exist.` }] };
    }
  }
  const result = createFulfillment(ctx.store, ctx.shop, input);
  if (!result.ok) return { fulfillment: null, userErrors: result.userErrors };
  return { fulfillment: fulfillmentView(ctx, result.order, result.fulfillment), userErrors: [] };
}

const TAGGABLE_WRITE_SCOPE: Record<string, string> = { Order: 'write_orders', Product: 'write_products' };

function tagsAdd(ctx: RequestContext, args: Args): View {
  const parsed = parseGid(args['id']);
  const tags = dedupeTags((args['tags'] as string[]).flatMap((t) => t.split(',')));
  const scope = parsed ? TAGGABLE_WRITE_SCOPE[parsed.type] : undefined;
  if (parsed && scope && !ctx.scopes.has(scope)) {
    throw accessDenied('tagsAdd', { scopes: [scope], requiredAccess: `\`${scope}\` access scope.` });
  }
  if (parsed?.type === 'Order') {
    const order = ctx.shop.orders.get(parsed.id);
    if (!order || !canSeeOrder(ctx, order)) return { node: null, userErrors: [{ field: ['id'], message: 'Order does not exist' }] };
    addOrderTags(ctx.store, ctx.shop, order, tags);
    return { node: orderView(ctx, order), userErrors: [] };
  }
  if (parsed?.type === 'Product') {
    const product = ctx.shop.products.get(parsed.id);
    if (!product) return { node: null, userErrors: [{ field: ['id'], message: 'Product does not exist' }] };
    const merged = dedupeTags([...product.tags, ...tags]);
    if (merged.length !== product.tags.length) {
      product.tags = merged;
      product.updatedAt = ctx.store.nowSeconds();
      ctx.store.emit({ shop: ctx.shop.domain, topic: 'products/update', productId: product.id });
    }
    return { node: productView(ctx, product), userErrors: [] };
  }
  return { node: null, userErrors: [{ field: ['id'], message: 'Id is not a taggable resource' }] };
}

export function mutationRoot(ctx: RequestContext): View {
  return {
    inventorySetQuantities: (args: Args, _c: unknown, info: GraphQLResolveInfo) => inventorySetQuantities(ctx, args, info),
    fulfillmentCreate: (args: Args) => fulfillmentCreate(ctx, args),
    tagsAdd: (args: Args) => tagsAdd(ctx, args),
  };
}
