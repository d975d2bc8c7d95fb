// Product download rules (SPEC §4 P-1 … P-8), pure and deterministic: shared by the products
// workflow (progress), the activities (what to write) and the tests. The input types mirror the
// channel layer's ChannelProduct/ChannelVariant structurally, since domain code imports no channel code.

// ---- channel items (P-1, P-2)

export interface CatalogVariantInput {
  channelVariantId: string;
  channelInventoryItemId: string | null;
  sku: string | null;
  title: string;
  barcode: string | null;
  price: string | null;
  inventoryTracked: boolean;
}

export interface CatalogProductInput {
  channelProductId: string;
  title: string;
  imageUrl: string | null;
  updatedAt: string;
  variants: readonly CatalogVariantInput[];
}

/** What a product row gets from the channel (P-3); nothing else is ever taken from the channel. */
export interface ProductFields {
  name: string;
  description: string;
  upc: string | null;
  price: string | null;
  imageUrls: string[];
}

/** One channel variant, resolved to the WMS SKU it links to (null: P-2, no SKU and no title). */
export interface CatalogItem {
  channelItemId: string;
  channelProductId: string;
  channelInventoryItemId: string | null;
  channelSku: string | null;
  inventoryTracked: boolean;
  /** Display title of the item (`Product - Variant` for multi-variant products). */
  title: string;
  sku: string | null;
  skuSource: 'sku' | 'title' | null;
  fields: ProductFields;
  channelUpdatedAt: string;
}

/** Shopify names the only variant of a product without options this way. */
const DEFAULT_VARIANT_TITLE = 'Default Title';

function clean(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * The item's display title: the product title for a single-variant product (its variant title is
 * `Default Title` or repeats an option nobody chose), `Product - Variant` otherwise — Shopify's
 * own display name, and unique enough that two products' "M" variants never share a SKU by title.
 */
export function itemTitle(product: Pick<CatalogProductInput, 'title' | 'variants'>, variant: Pick<CatalogVariantInput, 'title'>): string | null {
  const productTitle = clean(product.title);
  const variantTitle = clean(variant.title);
  if (product.variants.length <= 1 || !variantTitle || variantTitle === DEFAULT_VARIANT_TITLE) return productTitle ?? variantTitle;
  return productTitle ? `${productTitle} - ${variantTitle}` : variantTitle;
}

/** P-2: the channel SKU, else the item's title; null when there is neither. */
export function resolveSku(product: CatalogProductInput, variant: CatalogVariantInput): { sku: string; source: 'sku' | 'title' } | null {
  const sku = clean(variant.sku);
  if (sku) return { sku, source: 'sku' };
  const title = itemTitle(product, variant);
  return title ? { sku: title, source: 'title' } : null;
}

/** P-3: title → name and description, barcode → UPC, price, images. */
export function productFieldsOf(product: CatalogProductInput, variant: CatalogVariantInput): ProductFields {
  const title = itemTitle(product, variant) ?? variant.channelVariantId;
  return {
    name: title,
    description: title,
    upc: clean(variant.barcode),
    price: clean(variant.price),
    imageUrls: product.imageUrl ? [product.imageUrl] : [],
  };
}

/** Every variant of a page as a catalogue item, in channel order. */
export function catalogItems(products: readonly CatalogProductInput[]): CatalogItem[] {
  return products.flatMap((product) =>
    product.variants.map((variant) => {
      const resolved = resolveSku(product, variant);
      return {
        channelItemId: variant.channelVariantId,
        channelProductId: product.channelProductId,
        channelInventoryItemId: variant.channelInventoryItemId,
        channelSku: clean(variant.sku),
        inventoryTracked: variant.inventoryTracked,
        title: itemTitle(product, variant) ?? '',
        sku: resolved?.sku ?? null,
        skuSource: resolved?.source ?? null,
        fields: productFieldsOf(product, variant),
        channelUpdatedAt: product.updatedAt,
      };
    }),
  );
}

// ---- change detection (P-3)

export interface StoredProductFields {
  name: string;
  description: string | null;
  upc: string | null;
  price: string | null;
  imageUrls: readonly string[];
}

/** Prices compare as amounts: the database keeps `12.5000` for the channel's `12.50`. */
export function samePrice(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x === y : a === b;
}

/** The fields that differ from what is stored, or null when nothing changed (a re-read writes nothing). */
export function productChanges(stored: StoredProductFields, incoming: ProductFields): Partial<ProductFields> | null {
  const patch: Partial<ProductFields> = {};
  if (stored.name !== incoming.name) patch.name = incoming.name;
  if (stored.description !== incoming.description) patch.description = incoming.description;
  if (stored.upc !== incoming.upc) patch.upc = incoming.upc;
  if (!samePrice(stored.price, incoming.price)) patch.price = incoming.price;
  if (stored.imageUrls.length !== incoming.imageUrls.length || stored.imageUrls.some((url, i) => url !== incoming.imageUrls[i])) {
    patch.imageUrls = incoming.imageUrls;
  }
  return Object.keys(patch).length > 0 ? patch : null;
}

// ---- duplicates and re-linking (P-4, P-5)

/** SKUs that more than one item of the batch resolves to, with those items (P-5). */
export function duplicateSkus<T extends Pick<CatalogItem, 'sku' | 'channelItemId'>>(items: readonly T[]): Map<string, T[]> {
  const bySku = new Map<string, T[]>();
  for (const item of items) {
    if (item.sku === null) continue;
    const list = bySku.get(item.sku) ?? [];
    list.push(item);
    bySku.set(item.sku, list);
  }
  return new Map([...bySku].filter(([, list]) => new Set(list.map((i) => i.channelItemId)).size > 1));
}

export interface ExistingListing {
  channelItemId: string;
  channelProductId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * An item with no listing of its own, whose SKU already has a listing on the same store: is it the
 * same item deleted and recreated (P-4: move that listing to the new ids), or a second live item
 * with the same SKU (P-5: a listing of its own, and a warning)?
 *
 * The channel cannot be asked whether the old item still exists, so we go by evidence:
 * - same channel product, or the other item is in the same batch → both are live: duplicate;
 * - the new item's product changed after the other listing was last written → recreated later: re-link;
 * - otherwise (both items were already on the channel when the listing was made, as in a first
 *   import that meets both) → duplicate.
 */
export function linkDecision(
  item: Pick<CatalogItem, 'channelProductId' | 'channelUpdatedAt'>,
  candidates: readonly ExistingListing[],
  itemIdsInBatch: ReadonlySet<string>,
): { kind: 'relink'; listing: ExistingListing } | { kind: 'duplicate' } | { kind: 'new' } {
  if (candidates.length === 0) return { kind: 'new' };
  const [only] = candidates;
  if (candidates.length > 1 || !only) return { kind: 'duplicate' };
  if (only.channelProductId === item.channelProductId || itemIdsInBatch.has(only.channelItemId)) return { kind: 'duplicate' };
  const changedAt = Date.parse(item.channelUpdatedAt);
  return Number.isFinite(changedAt) && changedAt > only.updatedAt.getTime() ? { kind: 'relink', listing: only } : { kind: 'duplicate' };
}

// ---- cursor (P-8, OD-1 style)

/**
 * Re-read this much before the high-water mark: channels keep second-precision timestamps with
 * many ties, and a change committed on the channel a moment before our last read may become
 * visible only after it. Re-reading is harmless (unchanged items write nothing).
 */
export const PRODUCTS_CURSOR_OVERLAP_MS = 60_000;

/** The updated-since bound of a run: null (whole catalogue) when no cursor exists yet. */
export function productsUpdatedSince(highWaterAt: Date | null, overlapMs: number = PRODUCTS_CURSOR_OVERLAP_MS): string | null {
  return highWaterAt ? new Date(highWaterAt.getTime() - overlapMs).toISOString() : null;
}

/** Latest channel updated-at of a page, or null for an empty page (the cursor never moves back). */
export function pageHighWater(products: readonly Pick<CatalogProductInput, 'updatedAt'>[]): Date | null {
  let max: number | null = null;
  for (const p of products) {
    const t = Date.parse(p.updatedAt);
    if (Number.isFinite(t) && (max === null || t > max)) max = t;
  }
  return max === null ? null : new Date(max);
}

// ---- kits (P-7)

export interface KitComponentInput {
  sku: string;
  quantity: number;
}

/** Problems with a kit definition that need no database to find; empty when it is valid. */
export function kitProblems(kitSku: string | null, components: readonly KitComponentInput[]): string[] {
  const problems: string[] = [];
  const kit = clean(kitSku);
  if (!kit) problems.push('a kit needs a SKU: give the product a SKU before adding components');
  const seen = new Set<string>();
  for (const [i, c] of components.entries()) {
    const sku = clean(c.sku);
    if (!sku) {
      problems.push(`component ${i + 1} has no SKU`);
      continue;
    }
    if (!Number.isInteger(c.quantity) || c.quantity <= 0) problems.push(`component ${sku}: quantity must be a whole number above 0 (got ${c.quantity})`);
    if (kit && sku === kit) problems.push(`kit ${kit} cannot contain itself`);
    if (seen.has(sku)) problems.push(`component ${sku} is listed more than once`);
    seen.add(sku);
  }
  return problems;
}

// ---- progress (queried and shown in the Web UI)

export interface ProductsDownloadCounts {
  pages: number;
  productsSeen: number;
  itemsSeen: number;
  created: number;
  updated: number;
  listingsCreated: number;
  relinked: number;
  warnings: number;
}

export function emptyCounts(): ProductsDownloadCounts {
  return { pages: 0, productsSeen: 0, itemsSeen: 0, created: 0, updated: 0, listingsCreated: 0, relinked: 0, warnings: 0 };
}

export function addCounts(a: ProductsDownloadCounts, b: ProductsDownloadCounts): ProductsDownloadCounts {
  return {
    pages: a.pages + b.pages,
    productsSeen: a.productsSeen + b.productsSeen,
    itemsSeen: a.itemsSeen + b.itemsSeen,
    created: a.created + b.created,
    updated: a.updated + b.updated,
    listingsCreated: a.listingsCreated + b.listingsCreated,
    relinked: a.relinked + b.relinked,
    warnings: a.warnings + b.warnings,
  };
}

export function describeCounts(c: ProductsDownloadCounts): string {
  return (
    `${c.pages} pages, ${c.productsSeen} products (${c.itemsSeen} variants) seen: ${c.created} created, ${c.updated} updated, ` +
    `${c.listingsCreated} listings linked, ${c.relinked} re-linked, ${c.warnings} warnings`
  );
}
