// Locations and products (with variants, inventory items and stock levels): the catalogue
// side of a shop, written through the admin API and read through GraphQL.
import {
  EmulatorStore,
  levelKey,
  StoreError,
  type Address,
  type InventoryLevel,
  type Location,
  type Product,
  type ShopState,
  type Variant,
} from './store';

export interface LocationInput {
  name: string;
  address?: Address;
  isActive?: boolean;
  fulfillsOnlineOrders?: boolean;
}

export function createLocation(store: EmulatorStore, shop: ShopState, input: LocationInput): Location {
  const at = store.nowSeconds();
  const location: Location = {
    id: store.allocateId(shop),
    name: input.name,
    address: input.address ?? {},
    isActive: input.isActive ?? true,
    fulfillsOnlineOrders: input.fulfillsOnlineOrders ?? true,
    createdAt: at,
    updatedAt: at,
  };
  shop.locations.set(location.id, location);
  return location;
}

export interface VariantInput {
  title?: string;
  sku?: string | null;
  barcode?: string | null;
  price?: string;
  compareAtPrice?: string | null;
  tracked?: boolean;
  /** Initial on-hand stock per location id; defaults to 0 at every active location. */
  stock?: Record<string, number>;
}

export interface ProductInput {
  title: string;
  handle?: string;
  vendor?: string;
  productType?: string;
  status?: Product['status'];
  tags?: string[];
  descriptionHtml?: string;
  images?: { url: string; alt?: string | null; width?: number; height?: number }[];
  variants?: VariantInput[];
}

function handleize(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function ensureLevel(shop: ShopState, inventoryItemId: number, locationId: number, at: number): InventoryLevel {
  const key = levelKey(inventoryItemId, locationId);
  let level = shop.levels.get(key);
  if (!level) {
    level = { inventoryItemId, locationId, onHand: 0, committed: 0, createdAt: at, updatedAt: at };
    shop.levels.set(key, level);
  }
  return level;
}

function addVariant(store: EmulatorStore, shop: ShopState, product: Product, input: VariantInput, at: number): Variant {
  const variantId = store.allocateId(shop);
  const itemId = store.allocateId(shop);
  const variant: Variant = {
    id: variantId,
    productId: product.id,
    title: input.title ?? 'Default Title',
    sku: input.sku ?? null,
    barcode: input.barcode ?? null,
    price: normaliseMoney(input.price ?? '0.00'),
    compareAtPrice: input.compareAtPrice ? normaliseMoney(input.compareAtPrice) : null,
    position: product.variantIds.length + 1,
    inventoryItemId: itemId,
    createdAt: at,
    updatedAt: at,
  };
  shop.variants.set(variantId, variant);
  shop.inventoryItems.set(itemId, {
    id: itemId,
    variantId,
    tracked: input.tracked ?? true,
    requiresShipping: true,
    createdAt: at,
    updatedAt: at,
  });
  product.variantIds.push(variantId);

  const stock = input.stock;
  if (stock) {
    for (const [locationId, onHand] of Object.entries(stock)) {
      const loc = Number(locationId);
      if (!shop.locations.has(loc)) throw new StoreError(`unknown location ${locationId}`);
      ensureLevel(shop, itemId, loc, at).onHand = onHand;
    }
  } else {
    for (const loc of shop.locations.values()) if (loc.isActive) ensureLevel(shop, itemId, loc.id, at);
  }
  return variant;
}

export function normaliseMoney(value: string | number): string {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new StoreError(`invalid money amount ${String(value)}`);
  return n.toFixed(2);
}

export function createProduct(store: EmulatorStore, shop: ShopState, input: ProductInput): Product {
  const at = store.nowSeconds();
  const product: Product = {
    id: store.allocateId(shop),
    title: input.title,
    handle: input.handle ?? handleize(input.title),
    vendor: input.vendor ?? shop.name,
    productType: input.productType ?? '',
    status: input.status ?? 'ACTIVE',
    tags: input.tags ?? [],
    descriptionHtml: input.descriptionHtml ?? '',
    variantIds: [],
    media: [],
    createdAt: at,
    updatedAt: at,
  };
  for (const image of input.images ?? []) {
    product.media.push({
      id: store.allocateId(shop),
      url: image.url,
      alt: image.alt ?? null,
      width: image.width ?? 1024,
      height: image.height ?? 1024,
    });
  }
  shop.products.set(product.id, product);
  for (const v of input.variants && input.variants.length > 0 ? input.variants : [{}]) {
    addVariant(store, shop, product, v, at);
  }
  store.emit({ shop: shop.domain, topic: 'products/create', productId: product.id });
  return product;
}

export interface ProductUpdate {
  title?: string;
  vendor?: string;
  productType?: string;
  status?: Product['status'];
  tags?: string[];
  descriptionHtml?: string;
  images?: ProductInput['images'];
}

export function updateProduct(store: EmulatorStore, shop: ShopState, productId: number, patch: ProductUpdate): Product {
  const product = shop.products.get(productId);
  if (!product) throw new StoreError(`unknown product ${productId}`, 404);
  const { images, ...rest } = patch;
  Object.assign(product, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
  if (images) {
    product.media = images.map((image) => ({
      id: store.allocateId(shop),
      url: image.url,
      alt: image.alt ?? null,
      width: image.width ?? 1024,
      height: image.height ?? 1024,
    }));
  }
  product.updatedAt = store.nowSeconds();
  store.emit({ shop: shop.domain, topic: 'products/update', productId });
  return product;
}

export interface VariantUpdate {
  title?: string;
  sku?: string | null;
  barcode?: string | null;
  price?: string;
  compareAtPrice?: string | null;
}

/** Updates a variant; like Shopify, the parent product's updatedAt moves too. */
export function updateVariant(store: EmulatorStore, shop: ShopState, variantId: number, patch: VariantUpdate): Variant {
  const variant = shop.variants.get(variantId);
  if (!variant) throw new StoreError(`unknown variant ${variantId}`, 404);
  if (patch.title !== undefined) variant.title = patch.title;
  if (patch.sku !== undefined) variant.sku = patch.sku;
  if (patch.barcode !== undefined) variant.barcode = patch.barcode;
  if (patch.price !== undefined) variant.price = normaliseMoney(patch.price);
  if (patch.compareAtPrice !== undefined) {
    variant.compareAtPrice = patch.compareAtPrice === null ? null : normaliseMoney(patch.compareAtPrice);
  }
  const at = store.nowSeconds();
  variant.updatedAt = at;
  const product = shop.products.get(variant.productId);
  if (product) product.updatedAt = at;
  store.emit({ shop: shop.domain, topic: 'products/update', productId: variant.productId });
  return variant;
}

export function addVariantToProduct(store: EmulatorStore, shop: ShopState, productId: number, input: VariantInput): Variant {
  const product = shop.products.get(productId);
  if (!product) throw new StoreError(`unknown product ${productId}`, 404);
  const at = store.nowSeconds();
  const variant = addVariant(store, shop, product, input, at);
  product.updatedAt = at;
  store.emit({ shop: shop.domain, topic: 'products/update', productId });
  return variant;
}

export function variantBySku(shop: ShopState, sku: string): Variant | undefined {
  for (const v of shop.variants.values()) if (v.sku === sku) return v;
  return undefined;
}
