// GraphQL-shaped views of store entities, read by graphql-js's default field resolver:
// a plain property is a field value, a function property is a field with arguments
// (called with `(args, context, info)`). Names are the real 2026-07 schema field names.
// A field a view does not define is reported by the executor as not implemented, never as
// an invented null.
import { GraphQLError } from 'graphql';
import { paginate, type PageArgs, type SortValue } from './connection';
import { gid, idOf, inventoryLevelGid, iso } from './ids';
import { quantityOf } from './inventory';
import { displayFulfillmentStatus, fulfilledQuantity } from './orders';
import { matches, parseSearch, type FieldAccessors } from './search';
import type {
  Address,
  Customer,
  Fulfillment,
  FulfillmentOrder,
  FulfillmentOrderLineItem,
  InventoryItem,
  InventoryLevel,
  LineItem,
  Location,
  MediaImage,
  Order,
  Product,
  ShopState,
  Variant,
} from './store';

export type View = Record<string, unknown>;
type Args = Record<string, unknown>;

export interface ViewContext {
  shop: ShopState;
  scopes: ReadonlySet<string>;
  now: () => number;
}

const SIXTY_DAYS_MS = 60 * 24 * 3600 * 1000;

function pageArgs(args: Args): PageArgs {
  return {
    first: typeof args['first'] === 'number' ? args['first'] : null,
    last: typeof args['last'] === 'number' ? args['last'] : null,
    after: typeof args['after'] === 'string' ? args['after'] : null,
    before: typeof args['before'] === 'string' ? args['before'] : null,
    reverse: args['reverse'] === true,
  };
}

function unsupportedSortKey(field: string, key: unknown): never {
  throw new GraphQLError(`sortKey ${String(key)} on ${field} is not supported by the Storelink Shopify emulator`, {
    extensions: { code: 'NOT_IMPLEMENTED' },
  });
}

function list<T>(items: Iterable<T>, args: Args, sort: (t: T) => SortValue, wrap: (t: T) => View, id: (t: T) => number): unknown {
  return paginate(items, pageArgs(args), sort, id, wrap);
}

export function money(amount: string, currencyCode: string): View {
  const m = { amount, currencyCode };
  return { shopMoney: m, presentmentMoney: m };
}

function timestampFields(createdAt: number, updatedAt: number): View {
  return { createdAt: iso(createdAt), updatedAt: iso(updatedAt) };
}

// ---------------------------------------------------------------- shop & app

export function shopView(ctx: ViewContext): View {
  const s = ctx.shop;
  const plusLike = s.plan === 'plus';
  return {
    __typename: 'Shop',
    id: gid('Shop', 1),
    name: s.name,
    email: s.email,
    contactEmail: s.email,
    myshopifyDomain: s.domain,
    url: `https://${s.domain}`,
    currencyCode: s.currency,
    enabledPresentmentCurrencies: [s.currency],
    ianaTimezone: 'Etc/UTC',
    timezoneAbbreviation: 'UTC',
    timezoneOffset: '+0000',
    timezoneOffsetMinutes: 0,
    weightUnit: 'KILOGRAMS',
    unitSystem: 'METRIC_SYSTEM',
    taxesIncluded: false,
    taxShipping: false,
    shopOwnerName: s.name,
    orderNumberFormatPrefix: '#',
    orderNumberFormatSuffix: '',
    checkoutApiSupported: true,
    setupRequired: false,
    transactionalSmsDisabled: false,
    description: null,
    plan: {
      publicDisplayName: { standard: 'Basic', advanced: 'Advanced', plus: 'Shopify Plus' }[s.plan],
      shopifyPlus: plusLike,
      partnerDevelopment: false,
    },
    ...timestampFields(s.createdAt, s.createdAt),
  };
}

export function appInstallationView(ctx: ViewContext, scopes: string[]): View {
  return {
    __typename: 'AppInstallation',
    id: gid('AppInstallation', 1),
    launchUrl: `https://${ctx.shop.domain}/admin/apps/storelink`,
    uninstallUrl: null,
    accessScopes: scopes.map((handle) => ({ handle, description: `Access scope ${handle}` })),
    activeSubscriptions: [],
  };
}

// ---------------------------------------------------------------- locations

function addressView(a: Address, type: 'MailingAddress' | 'LocationAddress', id?: number): View {
  const base: View = {
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    province: a.province ?? null,
    provinceCode: a.provinceCode ?? null,
    country: a.country ?? null,
    zip: a.zip ?? null,
    phone: a.phone ?? null,
    latitude: null,
    longitude: null,
    formatted: [a.address1, a.address2, [a.city, a.provinceCode, a.zip].filter(Boolean).join(' '), a.country].filter(
      (x): x is string => typeof x === 'string' && x.length > 0,
    ),
  };
  if (type === 'LocationAddress') return { ...base, countryCode: a.countryCode ?? null };
  const name = [a.firstName, a.lastName].filter(Boolean).join(' ') || null;
  return {
    ...base,
    __typename: 'MailingAddress',
    id: gid('MailingAddress', id ?? 0),
    firstName: a.firstName ?? null,
    lastName: a.lastName ?? null,
    name,
    company: a.company ?? null,
    countryCodeV2: a.countryCode ?? null,
    formattedArea: [a.city, a.provinceCode, a.country].filter(Boolean).join(', ') || null,
    coordinatesValidated: false,
    timeZone: null,
    formatted: (args: Args) => {
      const lines = (base['formatted'] as string[]).slice();
      if (args['withCompany'] && a.company) lines.unshift(a.company);
      if (args['withName'] && name) lines.unshift(name);
      return lines;
    },
  };
}

export function locationView(ctx: ViewContext, loc: Location): View {
  return {
    __typename: 'Location',
    id: gid('Location', loc.id),
    legacyResourceId: String(loc.id),
    name: loc.name,
    isActive: loc.isActive,
    isPrimary: loc.id === firstLocationId(ctx.shop),
    fulfillsOnlineOrders: loc.fulfillsOnlineOrders,
    shipsInventory: true,
    hasActiveInventory: true,
    isFulfillmentService: false,
    fulfillmentService: null,
    activatable: !loc.isActive,
    deactivatable: loc.isActive,
    deletable: !loc.isActive,
    deactivatedAt: null,
    addressVerified: true,
    hasUnfulfilledOrders: false,
    address: addressView(loc.address, 'LocationAddress'),
    inventoryLevel: (args: Args) => {
      const itemId = idOf(args['inventoryItemId'], 'InventoryItem');
      const level = itemId === undefined ? undefined : ctx.shop.levels.get(`${itemId}:${loc.id}`);
      return level ? inventoryLevelView(ctx, level) : null;
    },
    inventoryLevels: (args: Args) =>
      list(
        [...ctx.shop.levels.values()].filter((l) => l.locationId === loc.id),
        args,
        (l) => l.inventoryItemId,
        (l) => inventoryLevelView(ctx, l),
        (l) => l.inventoryItemId,
      ),
    ...timestampFields(loc.createdAt, loc.updatedAt),
  };
}

function firstLocationId(shop: ShopState): number | undefined {
  for (const loc of shop.locations.values()) return loc.id;
  return undefined;
}

export function locationsConnection(ctx: ViewContext, args: Args): unknown {
  const includeInactive = args['includeInactive'] === true;
  const q = parseSearch(typeof args['query'] === 'string' ? args['query'] : null);
  const accessors: FieldAccessors<Location> = {
    id: (l) => l.id,
    name: (l) => l.name,
    active: (l) => String(l.isActive),
  };
  const items = [...ctx.shop.locations.values()].filter(
    (l) => (includeInactive || l.isActive) && matches(l, q, accessors, new Set()),
  );
  const key = args['sortKey'] ?? 'NAME';
  const sort = key === 'ID' ? (l: Location) => l.id : key === 'NAME' ? (l: Location) => l.name : unsupportedSortKey('locations', key);
  return list(items, args, sort, (l) => locationView(ctx, l), (l) => l.id);
}

// ---------------------------------------------------------------- products

function imageView(m: MediaImage): View {
  return {
    __typename: 'Image',
    id: gid('ProductImage', m.id),
    altText: m.alt,
    width: m.width,
    height: m.height,
    thumbhash: null,
    url: () => m.url,
  };
}

function mediaView(m: MediaImage, product: Product): View {
  const image = imageView(m);
  return {
    __typename: 'MediaImage',
    id: gid('MediaImage', m.id),
    alt: m.alt,
    mediaContentType: 'IMAGE',
    status: 'READY',
    fileStatus: 'READY',
    mimeType: m.url.endsWith('.png') ? 'image/png' : 'image/jpeg',
    mediaErrors: [],
    mediaWarnings: [],
    fileErrors: [],
    image,
    preview: { image, status: 'READY' },
    ...timestampFields(product.createdAt, product.updatedAt),
  };
}

function totalAvailable(ctx: ViewContext, inventoryItemId: number): number {
  let n = 0;
  for (const level of ctx.shop.levels.values()) if (level.inventoryItemId === inventoryItemId) n += quantityOf(level, 'available');
  return n;
}

export function productView(ctx: ViewContext, p: Product): View {
  const variants = p.variantIds.map((id) => ctx.shop.variants.get(id)).filter((v): v is Variant => v !== undefined);
  const first = p.media[0];
  return {
    __typename: 'Product',
    id: gid('Product', p.id),
    legacyResourceId: String(p.id),
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.productType,
    status: p.status,
    tags: p.tags,
    descriptionHtml: p.descriptionHtml,
    description: () => p.descriptionHtml.replace(/<[^>]*>/g, ''),
    onlineStoreUrl: null,
    onlineStorePreviewUrl: null,
    publishedAt: p.status === 'ACTIVE' ? iso(p.createdAt) : null,
    isGiftCard: false,
    requiresSellingPlan: false,
    templateSuffix: null,
    hasOnlyDefaultVariant: variants.length === 1 && variants[0]?.title === 'Default Title',
    hasOutOfStockVariants: () => variants.some((v) => totalAvailable(ctx, v.inventoryItemId) <= 0),
    tracksInventory: variants.some((v) => ctx.shop.inventoryItems.get(v.inventoryItemId)?.tracked === true),
    totalInventory: () => variants.reduce((n, v) => n + totalAvailable(ctx, v.inventoryItemId), 0),
    variantsCount: { count: variants.length, precision: 'EXACT' },
    mediaCount: { count: p.media.length, precision: 'EXACT' },
    featuredMedia: first ? mediaView(first, p) : null,
    featuredImage: first ? imageView(first) : null,
    media: (args: Args) => list(p.media, args, (m) => m.id, (m) => mediaView(m, p), (m) => m.id),
    images: (args: Args) => list(p.media, args, (m) => m.id, imageView, (m) => m.id),
    variants: (args: Args) => {
      const key = args['sortKey'] ?? 'POSITION';
      const sort =
        key === 'POSITION' ? (v: Variant) => v.position : key === 'ID' ? (v: Variant) => v.id : key === 'SKU' ? (v: Variant) => v.sku ?? '' : unsupportedSortKey('variants', key);
      return list(variants, args, sort, (v) => variantView(ctx, v), (v) => v.id);
    },
    ...timestampFields(p.createdAt, p.updatedAt),
  };
}

export function variantView(ctx: ViewContext, v: Variant): View {
  const item = ctx.shop.inventoryItems.get(v.inventoryItemId);
  const product = ctx.shop.products.get(v.productId);
  const available = (): number => totalAvailable(ctx, v.inventoryItemId);
  return {
    __typename: 'ProductVariant',
    id: gid('ProductVariant', v.id),
    legacyResourceId: String(v.id),
    title: v.title,
    displayName: `${product?.title ?? ''} - ${v.title}`,
    sku: v.sku,
    barcode: v.barcode,
    price: v.price,
    compareAtPrice: v.compareAtPrice,
    position: v.position,
    taxable: true,
    inventoryPolicy: 'DENY',
    inventoryQuantity: available,
    sellableOnlineQuantity: () => Math.max(0, available()),
    availableForSale: () => item?.tracked === false || available() > 0,
    requiresComponents: false,
    showUnitPrice: false,
    unitPrice: null,
    selectedOptions: [{ name: 'Title', value: v.title }],
    product: () => (product ? productView(ctx, product) : null),
    inventoryItem: () => (item ? inventoryItemView(ctx, item) : null),
    image: product?.media[0] ? imageView(product.media[0]) : null,
    media: (args: Args) => list(product?.media ?? [], args, (m) => m.id, (m) => mediaView(m, product as Product), (m) => m.id),
    ...timestampFields(v.createdAt, v.updatedAt),
  };
}

const PRODUCT_SEARCH: FieldAccessors<{ p: Product; shop: ShopState }> = {
  id: ({ p }) => p.id,
  title: ({ p }) => p.title,
  handle: ({ p }) => p.handle,
  vendor: ({ p }) => p.vendor,
  product_type: ({ p }) => p.productType,
  status: ({ p }) => p.status.toLowerCase(),
  tag: ({ p }) => p.tags,
  updated_at: ({ p }) => p.updatedAt,
  created_at: ({ p }) => p.createdAt,
  sku: ({ p, shop }) => p.variantIds.map((id) => shop.variants.get(id)?.sku ?? '').filter(Boolean),
  barcode: ({ p, shop }) => p.variantIds.map((id) => shop.variants.get(id)?.barcode ?? '').filter(Boolean),
};
const TIME_FIELDS = new Set(['updated_at', 'created_at', 'processed_at']);

export function productsConnection(ctx: ViewContext, args: Args): unknown {
  const q = parseSearch(typeof args['query'] === 'string' ? args['query'] : null);
  const items = [...ctx.shop.products.values()].filter((p) => matches({ p, shop: ctx.shop }, q, PRODUCT_SEARCH, TIME_FIELDS));
  const key = args['sortKey'] ?? 'ID';
  const sort =
    key === 'ID'
      ? (p: Product) => p.id
      : key === 'UPDATED_AT'
        ? (p: Product) => p.updatedAt
        : key === 'CREATED_AT'
          ? (p: Product) => p.createdAt
          : key === 'TITLE'
            ? (p: Product) => p.title.toLowerCase()
            : unsupportedSortKey('products', key);
  return list(items, args, sort, (p) => productView(ctx, p), (p) => p.id);
}

export function productVariantsConnection(ctx: ViewContext, args: Args): unknown {
  const q = parseSearch(typeof args['query'] === 'string' ? args['query'] : null);
  const accessors: FieldAccessors<Variant> = {
    id: (v) => v.id,
    sku: (v) => v.sku,
    barcode: (v) => v.barcode,
    product_id: (v) => v.productId,
    updated_at: (v) => v.updatedAt,
    created_at: (v) => v.createdAt,
    title: (v) => v.title,
  };
  const items = [...ctx.shop.variants.values()].filter((v) => matches(v, q, accessors, TIME_FIELDS));
  const key = args['sortKey'] ?? 'ID';
  const sort = key === 'ID' ? (v: Variant) => v.id : key === 'SKU' ? (v: Variant) => v.sku ?? '' : unsupportedSortKey('productVariants', key);
  return list(items, args, sort, (v) => variantView(ctx, v), (v) => v.id);
}

// ---------------------------------------------------------------- inventory

export function inventoryItemView(ctx: ViewContext, item: InventoryItem): View {
  const variant = ctx.shop.variants.get(item.variantId);
  const levels = () => [...ctx.shop.levels.values()].filter((l) => l.inventoryItemId === item.id);
  return {
    __typename: 'InventoryItem',
    id: gid('InventoryItem', item.id),
    legacyResourceId: String(item.id),
    sku: variant?.sku ?? null,
    tracked: item.tracked,
    requiresShipping: item.requiresShipping,
    countryCodeOfOrigin: null,
    provinceCodeOfOrigin: null,
    harmonizedSystemCode: null,
    unitCost: null,
    duplicateSkuCount: () => (variant?.sku ? [...ctx.shop.variants.values()].filter((v) => v.sku === variant.sku).length - 1 : 0),
    locationsCount: () => ({ count: levels().length, precision: 'EXACT' }),
    variant: () => (variant ? variantView(ctx, variant) : null),
    variants: (args: Args) => list(variant ? [variant] : [], args, (v) => v.id, (v) => variantView(ctx, v), (v) => v.id),
    inventoryLevel: (args: Args) => {
      const locationId = idOf(args['locationId'], 'Location');
      const level = locationId === undefined ? undefined : ctx.shop.levels.get(`${item.id}:${locationId}`);
      return level ? inventoryLevelView(ctx, level) : null;
    },
    inventoryLevels: (args: Args) => list(levels(), args, (l) => l.locationId, (l) => inventoryLevelView(ctx, l), (l) => l.locationId),
    ...timestampFields(item.createdAt, item.updatedAt),
  };
}

export function inventoryLevelView(ctx: ViewContext, level: InventoryLevel): View {
  const item = ctx.shop.inventoryItems.get(level.inventoryItemId);
  const location = ctx.shop.locations.get(level.locationId);
  const id = inventoryLevelGid(level.locationId, level.inventoryItemId);
  return {
    __typename: 'InventoryLevel',
    id,
    isActive: true,
    canDeactivate: level.committed === 0,
    deactivationAlert: null,
    item: () => (item ? inventoryItemView(ctx, item) : null),
    location: () => (location ? locationView(ctx, location) : null),
    quantities: (args: Args) => {
      const names = Array.isArray(args['names']) ? (args['names'] as string[]) : [];
      return names.map((name) => ({
        __typename: 'InventoryQuantity',
        id: `gid://shopify/InventoryQuantity/${level.locationId}?inventory_item_id=${level.inventoryItemId}&name=${name}`,
        name,
        quantity: quantityOf(level, name),
        updatedAt: iso(level.updatedAt),
      }));
    },
    ...timestampFields(level.createdAt, level.updatedAt),
  };
}

export function inventoryItemsConnection(ctx: ViewContext, args: Args): unknown {
  const q = parseSearch(typeof args['query'] === 'string' ? args['query'] : null);
  const accessors: FieldAccessors<InventoryItem> = {
    id: (i) => i.id,
    sku: (i) => ctx.shop.variants.get(i.variantId)?.sku ?? null,
    updated_at: (i) => i.updatedAt,
    created_at: (i) => i.createdAt,
  };
  const items = [...ctx.shop.inventoryItems.values()].filter((i) => matches(i, q, accessors, TIME_FIELDS));
  return list(items, args, (i) => i.id, (i) => inventoryItemView(ctx, i), (i) => i.id);
}

// ---------------------------------------------------------------- orders

function customerView(c: Customer, currency: string): View {
  const displayName = [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || '';
  return {
    __typename: 'Customer',
    id: gid('Customer', c.id),
    legacyResourceId: String(c.id),
    firstName: c.firstName,
    lastName: c.lastName,
    displayName,
    email: c.email,
    phone: c.phone,
    defaultEmailAddress: c.email ? { emailAddress: c.email, marketingState: 'NOT_SUBSCRIBED' } : null,
    defaultPhoneNumber: c.phone ? { phoneNumber: c.phone, marketingState: 'NOT_SUBSCRIBED' } : null,
    note: null,
    tags: [],
    verifiedEmail: c.email !== null,
    taxExempt: false,
    amountSpent: { amount: '0.00', currencyCode: currency },
  };
}

function lineItemView(ctx: ViewContext, order: Order, li: LineItem): View {
  const variant = li.variantId ? ctx.shop.variants.get(li.variantId) : undefined;
  const product = li.productId ? ctx.shop.products.get(li.productId) : undefined;
  const fulfilled = fulfilledQuantity(order, li.id);
  const unfulfilled = li.requiresShipping && order.cancelledAt === null ? Math.max(0, li.currentQuantity - fulfilled) : 0;
  const total = (Number(li.price) * li.quantity).toFixed(2);
  return {
    __typename: 'LineItem',
    id: gid('LineItem', li.id),
    name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
    title: li.title,
    variantTitle: li.variantTitle,
    vendor: li.vendor,
    sku: li.sku,
    quantity: li.quantity,
    currentQuantity: li.currentQuantity,
    unfulfilledQuantity: unfulfilled,
    fulfillableQuantity: unfulfilled,
    refundableQuantity: li.currentQuantity,
    nonFulfillableQuantity: li.quantity - li.currentQuantity,
    requiresShipping: li.requiresShipping,
    isGiftCard: false,
    taxable: true,
    restockable: true,
    merchantEditable: order.cancelledAt === null,
    customAttributes: [],
    discountAllocations: [],
    duties: [],
    taxLines: [],
    variant: () => (variant ? variantView(ctx, variant) : null),
    product: () => (product ? productView(ctx, product) : null),
    image: () => (product?.media[0] ? imageView(product.media[0]) : null),
    originalUnitPriceSet: money(li.price, order.currency),
    discountedUnitPriceSet: money(li.price, order.currency),
    discountedUnitPriceAfterAllDiscountsSet: money(li.price, order.currency),
    originalTotalSet: money(total, order.currency),
    discountedTotalSet: () => money(total, order.currency),
    totalDiscountSet: money('0.00', order.currency),
    unfulfilledOriginalTotalSet: money((Number(li.price) * unfulfilled).toFixed(2), order.currency),
    unfulfilledDiscountedTotalSet: money((Number(li.price) * unfulfilled).toFixed(2), order.currency),
  };
}

function fulfillmentOrderLineItemView(ctx: ViewContext, order: Order, foli: FulfillmentOrderLineItem): View {
  const li = order.lineItems.find((l) => l.id === foli.lineItemId);
  const variant = li?.variantId ? ctx.shop.variants.get(li.variantId) : undefined;
  return {
    __typename: 'FulfillmentOrderLineItem',
    id: gid('FulfillmentOrderLineItem', foli.id),
    totalQuantity: foli.totalQuantity,
    remainingQuantity: foli.remainingQuantity,
    sku: li?.sku ?? null,
    productTitle: li?.title ?? '',
    variantTitle: li?.variantTitle ?? null,
    vendor: li?.vendor ?? null,
    requiresShipping: li?.requiresShipping ?? true,
    inventoryItemId: variant ? gid('InventoryItem', variant.inventoryItemId) : null,
    variant: () => (variant ? variantView(ctx, variant) : null),
    lineItem: () => (li ? lineItemView(ctx, order, li) : null),
    warnings: [],
    financialSummaries: [],
    weight: null,
    image: null,
  };
}

export function fulfillmentOrderView(ctx: ViewContext, order: Order, fo: FulfillmentOrder): View {
  const loc = ctx.shop.locations.get(fo.locationId);
  const open = fo.status === 'OPEN' || fo.status === 'IN_PROGRESS';
  return {
    __typename: 'FulfillmentOrder',
    id: gid('FulfillmentOrder', fo.id),
    status: fo.status,
    requestStatus: 'UNSUBMITTED',
    orderId: gid('Order', order.id),
    orderName: order.name,
    orderProcessedAt: iso(order.processedAt),
    order: () => orderView(ctx, order),
    fulfillAt: iso(fo.createdAt),
    fulfillBy: null,
    fulfillmentHolds: [],
    supportedActions: open
      ? [{ action: 'CREATE_FULFILLMENT', externalUrl: null }, { action: 'MOVE', externalUrl: null }, { action: 'HOLD', externalUrl: null }]
      : [],
    assignedLocation: {
      name: loc?.name ?? '',
      address1: loc?.address.address1 ?? null,
      address2: loc?.address.address2 ?? null,
      city: loc?.address.city ?? null,
      province: loc?.address.province ?? null,
      zip: loc?.address.zip ?? null,
      phone: loc?.address.phone ?? null,
      countryCode: loc?.address.countryCode ?? 'US',
      location: () => (loc ? locationView(ctx, loc) : null),
    },
    destination: order.shippingAddress
      ? {
          id: gid('FulfillmentOrderDestination', fo.id),
          ...Object.fromEntries(
            ['address1', 'address2', 'city', 'company', 'firstName', 'lastName', 'phone', 'province', 'zip'].map((k) => [
              k,
              (order.shippingAddress as Record<string, unknown>)[k] ?? null,
            ]),
          ),
          countryCode: order.shippingAddress.countryCode ?? null,
          email: order.email,
        }
      : null,
    lineItems: (args: Args) =>
      list(fo.lineItems, args, (l) => l.id, (l) => fulfillmentOrderLineItemView(ctx, order, l), (l) => l.id),
    fulfillments: (args: Args) =>
      list(
        order.fulfillments.filter((f) => f.lineItems.some((l) => l.fulfillmentOrderId === fo.id)),
        args,
        (f) => f.id,
        (f) => fulfillmentView(ctx, order, f),
        (f) => f.id,
      ),
    ...timestampFields(fo.createdAt, fo.updatedAt),
  };
}

export function fulfillmentView(ctx: ViewContext, order: Order, f: Fulfillment): View {
  const loc = ctx.shop.locations.get(f.locationId);
  const quantity = f.lineItems.reduce((n, l) => n + l.quantity, 0);
  return {
    __typename: 'Fulfillment',
    id: gid('Fulfillment', f.id),
    legacyResourceId: String(f.id),
    name: f.name,
    status: f.status,
    displayStatus: f.status === 'SUCCESS' ? 'FULFILLED' : 'CANCELED',
    totalQuantity: quantity,
    requiresShipping: true,
    deliveredAt: null,
    inTransitAt: null,
    estimatedDeliveryAt: null,
    service: null,
    originAddress: null,
    location: () => (loc ? locationView(ctx, loc) : null),
    order: () => orderView(ctx, order),
    trackingInfo: (args: Args) => {
      const first = typeof args['first'] === 'number' ? args['first'] : undefined;
      return (first === undefined ? f.tracking : f.tracking.slice(0, first)).map((t) => ({ ...t }));
    },
    fulfillmentLineItems: (args: Args) =>
      list(
        f.lineItems,
        args,
        (l) => l.id,
        (l) => {
          const li = order.lineItems.find((x) => x.id === l.lineItemId);
          const amount = ((li ? Number(li.price) : 0) * l.quantity).toFixed(2);
          return {
            __typename: 'FulfillmentLineItem',
            id: gid('FulfillmentLineItem', l.id),
            quantity: l.quantity,
            lineItem: () => (li ? lineItemView(ctx, order, li) : null),
            originalTotalSet: money(amount, order.currency),
            discountedTotalSet: money(amount, order.currency),
          };
        },
        (l) => l.id,
      ),
    fulfillmentOrders: (args: Args) =>
      list(
        order.fulfillmentOrders.filter((fo) => f.lineItems.some((l) => l.fulfillmentOrderId === fo.id)),
        args,
        (fo) => fo.id,
        (fo) => fulfillmentOrderView(ctx, order, fo),
        (fo) => fo.id,
      ),
    ...timestampFields(f.createdAt, f.updatedAt),
  };
}

export function orderView(ctx: ViewContext, o: Order): View {
  const subtotal = o.lineItems.reduce((n, l) => n + Number(l.price) * l.currentQuantity, 0);
  const shipping = o.shippingLine ? Number(o.shippingLine.price) : 0;
  const fulfillmentStatus = displayFulfillmentStatus(o);
  const paid = o.financialStatus === 'PAID' || o.financialStatus === 'PARTIALLY_REFUNDED' || o.financialStatus === 'REFUNDED';
  return {
    __typename: 'Order',
    id: gid('Order', o.id),
    legacyResourceId: String(o.id),
    name: o.name,
    email: o.email,
    phone: o.phone,
    note: o.note,
    tags: o.tags,
    test: o.test,
    sourceName: 'web',
    confirmed: true,
    closed: o.closedAt !== null,
    closedAt: iso(o.closedAt),
    cancelledAt: iso(o.cancelledAt),
    cancelReason: o.cancelReason,
    processedAt: iso(o.processedAt),
    currencyCode: o.currency,
    presentmentCurrencyCode: o.currency,
    displayFinancialStatus: o.financialStatus,
    displayFulfillmentStatus: fulfillmentStatus,
    fullyPaid: paid,
    unpaid: !paid,
    fulfillable: o.cancelledAt === null && fulfillmentStatus !== 'FULFILLED',
    currentSubtotalLineItemsQuantity: o.lineItems.reduce((n, l) => n + l.currentQuantity, 0),
    subtotalPriceSet: money(subtotal.toFixed(2), o.currency),
    totalPriceSet: money((subtotal + shipping).toFixed(2), o.currency),
    currentTotalPriceSet: money((subtotal + shipping).toFixed(2), o.currency),
    totalShippingPriceSet: money(shipping.toFixed(2), o.currency),
    totalTaxSet: money('0.00', o.currency),
    totalDiscountsSet: money('0.00', o.currency),
    totalWeight: '0',
    statusPageUrl: () => `https://${ctx.shop.domain}/orders/${o.id}/authenticate`,
    customer: () => (o.customer ? customerView(o.customer, o.currency) : null),
    shippingAddress: o.shippingAddress ? addressView(o.shippingAddress, 'MailingAddress', o.id) : null,
    billingAddress: o.billingAddress ? addressView(o.billingAddress, 'MailingAddress', o.id + 1) : null,
    displayAddress: o.shippingAddress ? addressView(o.shippingAddress, 'MailingAddress', o.id) : null,
    shippingLine: o.shippingLine
      ? {
          id: gid('ShippingLine', o.id),
          title: o.shippingLine.title,
          code: o.shippingLine.code,
          source: 'shopify',
          carrierIdentifier: null,
          custom: false,
          isRemoved: false,
          deliveryCategory: null,
          phone: null,
          shippingRateHandle: null,
          discountAllocations: [],
          taxLines: [],
          originalPriceSet: money(o.shippingLine.price, o.currency),
          discountedPriceSet: money(o.shippingLine.price, o.currency),
          currentDiscountedPriceSet: money(o.shippingLine.price, o.currency),
        }
      : null,
    lineItems: (args: Args) => list(o.lineItems, args, (l) => l.id, (l) => lineItemView(ctx, o, l), (l) => l.id),
    fulfillmentOrders: (args: Args) => {
      const q = parseSearch(typeof args['query'] === 'string' ? args['query'] : null);
      const accessors: FieldAccessors<FulfillmentOrder> = {
        status: (fo) => fo.status.toLowerCase(),
        assigned_location_id: (fo) => fo.locationId,
      };
      const items = o.fulfillmentOrders.filter((fo) => matches(fo, q, accessors, new Set()));
      return list(items, args, (fo) => fo.id, (fo) => fulfillmentOrderView(ctx, o, fo), (fo) => fo.id);
    },
    fulfillments: (args: Args) => {
      const first = typeof args['first'] === 'number' ? args['first'] : undefined;
      const items = first === undefined ? o.fulfillments : o.fulfillments.slice(0, first);
      return items.map((f) => fulfillmentView(ctx, o, f));
    },
    ...timestampFields(o.createdAt, o.updatedAt),
  };
}

function fulfillmentStatusTerms(o: Order): string[] {
  const s = displayFulfillmentStatus(o);
  if (s === 'FULFILLED') return ['shipped', 'fulfilled'];
  if (s === 'PARTIALLY_FULFILLED') return ['partial', 'unshipped'];
  return ['unshipped', 'unfulfilled'];
}

const ORDER_SEARCH: FieldAccessors<Order> = {
  id: (o) => o.id,
  name: (o) => [o.name, String(o.number)],
  updated_at: (o) => o.updatedAt,
  created_at: (o) => o.createdAt,
  processed_at: (o) => o.processedAt,
  // `status:any` matches everything; cancelled orders are also closed.
  status: (o) => ['any', ...(o.cancelledAt !== null ? ['cancelled', 'closed'] : o.closedAt !== null ? ['closed'] : ['open'])],
  financial_status: (o) => o.financialStatus.toLowerCase(),
  fulfillment_status: fulfillmentStatusTerms,
  tag: (o) => o.tags,
  email: (o) => o.email,
  sku: (o) => o.lineItems.map((l) => l.sku ?? '').filter(Boolean),
  test: (o) => String(o.test),
};

export function ordersConnection(ctx: ViewContext, args: Args): unknown {
  const q = parseSearch(typeof args['query'] === 'string' ? args['query'] : null);
  // Without read_all_orders Shopify only exposes the last 60 days of orders.
  const horizon = ctx.scopes.has('read_all_orders') ? -Infinity : ctx.now() - SIXTY_DAYS_MS;
  const items = [...ctx.shop.orders.values()].filter((o) => o.createdAt >= horizon && matches(o, q, ORDER_SEARCH, TIME_FIELDS));
  const key = args['sortKey'] ?? 'PROCESSED_AT';
  const sort =
    key === 'ID'
      ? (o: Order) => o.id
      : key === 'UPDATED_AT'
        ? (o: Order) => o.updatedAt
        : key === 'CREATED_AT'
          ? (o: Order) => o.createdAt
          : key === 'PROCESSED_AT'
            ? (o: Order) => o.processedAt
            : key === 'ORDER_NUMBER'
              ? (o: Order) => o.number
              : unsupportedSortKey('orders', key);
  return list(items, args, sort, (o) => orderView(ctx, o), (o) => o.id);
}

export function canSeeOrder(ctx: ViewContext, o: Order): boolean {
  return ctx.scopes.has('read_all_orders') || o.createdAt >= ctx.now() - SIXTY_DAYS_MS;
}
