import {
  catalogItems,
  duplicateSkus,
  itemTitle,
  kitProblems,
  linkDecision,
  pageHighWater,
  productChanges,
  productsUpdatedSince,
  resolveSku,
  type CatalogProductInput,
  type CatalogVariantInput,
} from '../../src/domain/products';

const variant = (over: Partial<CatalogVariantInput> = {}): CatalogVariantInput => ({
  channelVariantId: 'gid://shopify/ProductVariant/1',
  channelInventoryItemId: 'gid://shopify/InventoryItem/1',
  sku: 'SKU-1',
  title: 'Default Title',
  barcode: '400638100001',
  price: '12.50',
  inventoryTracked: true,
  ...over,
});
const product = (variants: CatalogVariantInput[], over: Partial<CatalogProductInput> = {}): CatalogProductInput => ({
  channelProductId: 'gid://shopify/Product/10',
  title: 'Canvas Tote',
  imageUrl: 'https://cdn.example/tote.jpg',
  updatedAt: '2026-05-01T10:00:00Z',
  variants,
  ...over,
});

describe('P-2 SKU fallback', () => {
  it('P-2 uses the channel SKU when there is one (trimmed)', () => {
    const v = variant({ sku: '  SKU-9 ' });
    expect(resolveSku(product([v]), v)).toEqual({ sku: 'SKU-9', source: 'sku' });
  });

  it('P-2 a single-variant product without SKU takes the product title', () => {
    const v = variant({ sku: null });
    expect(resolveSku(product([v]), v)).toEqual({ sku: 'Canvas Tote', source: 'title' });
  });

  it('P-2 a variant of a multi-variant product without SKU takes "Product - Variant", so two products\' M sizes never merge', () => {
    const m = variant({ sku: '', title: 'M', channelVariantId: 'v-m' });
    const l = variant({ sku: 'TOTE-L', title: 'L', channelVariantId: 'v-l' });
    expect(resolveSku(product([m, l]), m)).toEqual({ sku: 'Canvas Tote - M', source: 'title' });
    expect(itemTitle(product([m, l]), l)).toBe('Canvas Tote - L');
  });

  it('P-2 neither SKU nor title gives no SKU, and the item is still listed (unlinked)', () => {
    const v = variant({ sku: null, title: '  ' });
    const p = product([v], { title: '' });
    expect(resolveSku(p, v)).toBeNull();
    const [item] = catalogItems([p]);
    expect(item).toMatchObject({ sku: null, skuSource: null, channelItemId: v.channelVariantId });
  });
});

describe('P-3 product fields and change detection', () => {
  it('P-3 maps title to name and description, barcode to UPC, price and the image', () => {
    const [item] = catalogItems([product([variant()])]);
    expect(item!.fields).toEqual({ name: 'Canvas Tote', description: 'Canvas Tote', upc: '400638100001', price: '12.50', imageUrls: ['https://cdn.example/tote.jpg'] });
  });

  it('P-3 an unchanged re-read is no change, even with the database\'s price scale', () => {
    const [item] = catalogItems([product([variant()])]);
    const stored = { ...item!.fields, price: '12.5000' };
    expect(productChanges(stored, item!.fields)).toBeNull();
  });

  it('P-3 reports exactly the fields that changed', () => {
    const [item] = catalogItems([product([variant({ barcode: '999', price: '13.00' })], { title: 'Canvas Tote v2', imageUrl: null })]);
    const stored = { name: 'Canvas Tote', description: 'Canvas Tote', upc: '400638100001', price: '12.5000', imageUrls: ['https://cdn.example/tote.jpg'] };
    expect(productChanges(stored, item!.fields)).toEqual({ name: 'Canvas Tote v2', description: 'Canvas Tote v2', upc: '999', price: '13.00', imageUrls: [] });
  });
});

describe('P-4 / P-5 linking decisions', () => {
  const listing = (over: Partial<{ channelItemId: string; channelProductId: string | null; at: string }> = {}) => ({
    channelItemId: over.channelItemId ?? 'old-variant',
    channelProductId: over.channelProductId ?? 'old-product',
    createdAt: new Date(over.at ?? '2026-05-01T09:00:00Z'),
    updatedAt: new Date(over.at ?? '2026-05-01T09:00:00Z'),
  });

  it('P-5 finds SKUs shared by different items of a batch', () => {
    const items = [
      { sku: 'A', channelItemId: '1' },
      { sku: 'B', channelItemId: '2' },
      { sku: 'A', channelItemId: '3' },
      { sku: null, channelItemId: '4' },
      { sku: null, channelItemId: '5' },
    ];
    expect([...duplicateSkus(items)]).toEqual([['A', [items[0], items[2]]]]);
  });

  it('P-4 an item recreated after its SKU\'s listing was written re-links that listing', () => {
    const decision = linkDecision({ channelProductId: 'new-product', channelUpdatedAt: '2026-05-02T00:00:00Z' }, [listing()], new Set());
    expect(decision).toEqual({ kind: 'relink', listing: listing() });
  });

  it('P-5 a second variant of the same product with the same SKU is a duplicate', () => {
    const decision = linkDecision({ channelProductId: 'old-product', channelUpdatedAt: '2026-05-02T00:00:00Z' }, [listing()], new Set());
    expect(decision.kind).toBe('duplicate');
  });

  it('P-5 the other item being live in the same batch makes it a duplicate', () => {
    const decision = linkDecision({ channelProductId: 'new-product', channelUpdatedAt: '2026-05-02T00:00:00Z' }, [listing()], new Set(['old-variant']));
    expect(decision.kind).toBe('duplicate');
  });

  it('P-5 an item that already existed when the listing was made (first import) is a duplicate, not a re-link', () => {
    const decision = linkDecision({ channelProductId: 'new-product', channelUpdatedAt: '2026-04-01T00:00:00Z' }, [listing()], new Set());
    expect(decision.kind).toBe('duplicate');
  });

  it('P-1 no listing for the SKU yet: a new listing', () => {
    expect(linkDecision({ channelProductId: 'p', channelUpdatedAt: '2026-04-01T00:00:00Z' }, [], new Set()).kind).toBe('new');
  });
});

describe('P-8 cursor arithmetic', () => {
  it('P-8 no cursor downloads the whole catalogue', () => {
    expect(productsUpdatedSince(null)).toBeNull();
  });

  it('P-8 re-reads an overlap before the high-water mark so second-precision ties are never lost', () => {
    expect(productsUpdatedSince(new Date('2026-05-01T10:00:00Z'), 60_000)).toBe('2026-05-01T09:59:00.000Z');
  });

  it('P-8 a page\'s high-water mark is its latest change; an empty page has none', () => {
    expect(pageHighWater([{ updatedAt: '2026-05-01T10:00:01Z' }, { updatedAt: '2026-05-01T10:00:03Z' }, { updatedAt: '2026-05-01T10:00:02Z' }])).toEqual(new Date('2026-05-01T10:00:03Z'));
    expect(pageHighWater([])).toBeNull();
  });
});

describe('P-7 kit rules', () => {
  it('P-7 a valid kit has no problems', () => {
    expect(kitProblems('KIT-1', [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }])).toEqual([]);
  });

  it('P-7 a kit without a SKU is rejected with a clear message', () => {
    expect(kitProblems('  ', [{ sku: 'A', quantity: 1 }])).toEqual(['a kit needs a SKU: give the product a SKU before adding components']);
  });

  it('P-7 quantities above 0, no self, no repeats, components with SKUs', () => {
    expect(kitProblems('KIT-1', [{ sku: 'A', quantity: 0 }, { sku: 'KIT-1', quantity: 1 }, { sku: 'B', quantity: 1.5 }, { sku: 'B', quantity: 1 }, { sku: '', quantity: 1 }])).toEqual([
      'component A: quantity must be a whole number above 0 (got 0)',
      'kit KIT-1 cannot contain itself',
      'component B: quantity must be a whole number above 0 (got 1.5)',
      'component B is listed more than once',
      'component 5 has no SKU',
    ]);
  });
});
