import { eq } from 'drizzle-orm';
import { commitProductPage } from '../../src/activities/products';
import type { ChannelProduct, ChannelVariant } from '../../src/channels';
import type { DatabaseHandle } from '../../src/db/client';
import { listEvents, recordEvent, resolveEventGroups } from '../../src/db/repositories/integration-events';
import { KitDefinitionError, kitComponentsOf, setKitComponents } from '../../src/db/repositories/products';
import { readHighWater } from '../../src/db/repositories/sync-cursors';
import { connections, listings, products } from '../../src/db/schema';
import { createTestDatabase } from '../helpers/db';

let handle: DatabaseHandle;
type Connection = typeof connections.$inferSelect;

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.close());

let seq = 0;
async function newConnection(clientCode = `C${++seq}`): Promise<Connection> {
  const [row] = await handle.db.insert(connections).values({ channel: 'shopify', clientCode, warehouseCode: 'WH1' }).returning();
  return row!;
}
const variant = (id: number, over: Partial<ChannelVariant> = {}): ChannelVariant => ({
  channelVariantId: `gid://shopify/ProductVariant/${id}`,
  channelInventoryItemId: `gid://shopify/InventoryItem/${id}`,
  sku: `SKU-${id}`,
  title: 'Default Title',
  barcode: `40063810${id}`,
  price: '10.00',
  inventoryTracked: true,
  ...over,
});
const product = (id: number, variants: ChannelVariant[], over: Partial<ChannelProduct> = {}): ChannelProduct => ({
  channelProductId: `gid://shopify/Product/${id}`,
  title: `Product ${id}`,
  descriptionHtml: null,
  vendor: null,
  status: 'active',
  imageUrl: `https://cdn.example/${id}.jpg`,
  updatedAt: '2026-05-01T10:00:00Z',
  variants,
  ...over,
});

const productsOf = (clientCode: string) => handle.db.select().from(products).where(eq(products.clientCode, clientCode)).orderBy(products.sku);
const listingsOf = (connectionId: string) => handle.db.select().from(listings).where(eq(listings.connectionId, connectionId)).orderBy(listings.channelItemId);

describe('product download: one page, one transaction', () => {
  it('P-1 creates missing products by (client, SKU) and links a listing per variant; a re-read writes nothing', async () => {
    const c = await newConnection();
    const page = [product(1, [variant(11, { title: 'S' }), variant(12, { title: 'M' })]), product(2, [variant(21)])];
    expect(await commitProductPage(handle.db, c, page)).toMatchObject({ pages: 1, productsSeen: 2, itemsSeen: 3, created: 3, updated: 0, listingsCreated: 3 });
    const rows = await productsOf(c.clientCode);
    expect(rows.map((p) => [p.sku, p.name])).toEqual([
      ['SKU-11', 'Product 1 - S'],
      ['SKU-12', 'Product 1 - M'],
      ['SKU-21', 'Product 2'],
    ]);
    const links = await listingsOf(c.id);
    expect(links.every((l) => l.productId !== null)).toBe(true);

    const before = rows.map((p) => p.updatedAt.getTime());
    expect(await commitProductPage(handle.db, c, page)).toMatchObject({ created: 0, updated: 0, listingsCreated: 0, relinked: 0, warnings: 0 });
    expect((await productsOf(c.clientCode)).map((p) => p.updatedAt.getTime())).toEqual(before);
    expect(await listEvents(handle.db, c.id)).toEqual([]);
  });

  it('P-2 an item without SKU takes its title; neither → no product, an unlinked listing and one grouped warning naming the item', async () => {
    const c = await newConnection();
    const page = [product(3, [variant(31, { sku: null })]), product(4, [variant(41, { sku: null, title: '' })], { title: ' ' })];
    expect(await commitProductPage(handle.db, c, page)).toMatchObject({ created: 1, warnings: 1 });
    expect((await productsOf(c.clientCode)).map((p) => p.sku)).toEqual(['Product 3']);
    const unlinked = (await listingsOf(c.id)).filter((l) => l.productId === null);
    expect(unlinked.map((l) => l.channelItemId)).toEqual(['gid://shopify/ProductVariant/41']);

    await commitProductPage(handle.db, c, page); // next run: the same cause is counted, not repeated (E-2)
    const events = await listEvents(handle.db, c.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ code: 'product_without_sku', severity: 'warning', entityType: 'listing', entityId: 'gid://shopify/ProductVariant/41', occurrences: 2, resolvedAt: null });
    expect(events[0]!.message).toContain('gid://shopify/ProductVariant/41');

    // The item gets a SKU on the store: it links, and the warning resolves itself.
    await commitProductPage(handle.db, c, [product(4, [variant(41, { sku: 'NOW-SKU' })])]);
    expect((await listingsOf(c.id)).filter((l) => l.productId === null)).toEqual([]);
    expect((await listEvents(handle.db, c.id))[0]!.resolvedAt).toBeInstanceOf(Date);
  });

  it('P-3 title, barcode, price and image changes update the product; WMS-only fields stay; new variants are added', async () => {
    const c = await newConnection();
    await commitProductPage(handle.db, c, [product(5, [variant(51)])]);
    const [p] = await productsOf(c.clientCode);
    await handle.db.insert(products).values({ clientCode: c.clientCode, sku: 'WMS-ONLY', name: 'made in the WMS' });
    await setKitComponents(handle.db, p!.id, [{ sku: 'WMS-ONLY', quantity: 2 }]); // a WMS-side change the channel knows nothing of
    const counts = await commitProductPage(handle.db, c, [
      product(5, [variant(51, { barcode: '999', price: '11.5' }), variant(52, { title: 'Blue' })], { title: 'Product 5 renamed', imageUrl: 'https://cdn.example/5b.jpg', updatedAt: '2026-05-02T00:00:00Z' }),
    ]);
    expect(counts).toMatchObject({ created: 1, updated: 1 });
    const [after, added] = await productsOf(c.clientCode);
    expect(after).toMatchObject({ sku: 'SKU-51', name: 'Product 5 renamed', description: 'Product 5 renamed', upc: '999', price: '11.5000', imageUrls: ['https://cdn.example/5b.jpg'], isKit: true });
    expect(added).toMatchObject({ sku: 'SKU-52', name: 'Product 5 renamed - Blue' });
    expect(await kitComponentsOf(handle.db, p!.id)).toEqual([{ sku: 'WMS-ONLY', quantity: 2 }]);
  });

  it('P-5 two variants with one SKU on one store: both listings link to the one product and one warning is logged', async () => {
    const c = await newConnection();
    // first import: the two items arrive on different pages
    await commitProductPage(handle.db, c, [product(6, [variant(61, { sku: 'DUP' })], { updatedAt: '2026-01-01T00:00:00Z' })]);
    await commitProductPage(handle.db, c, [product(7, [variant(71, { sku: 'DUP', price: '99.00' })], { updatedAt: '2026-01-02T00:00:00Z' })]);
    const [dup] = await productsOf(c.clientCode);
    const links = await listingsOf(c.id);
    expect(links.map((l) => [l.channelItemId, l.productId])).toEqual([
      ['gid://shopify/ProductVariant/61', dup!.id],
      ['gid://shopify/ProductVariant/71', dup!.id],
    ]);
    expect(dup!.price).toBe('10.0000'); // the first listing's item describes the product; the duplicate does not overwrite it
    const [warning] = await listEvents(handle.db, c.id);
    expect(warning).toMatchObject({ code: 'duplicate_sku', severity: 'warning', entityId: dup!.id });
    expect(warning!.message).toContain('DUP');

    // both on one page of a later run: still one product, the same warning counted
    await commitProductPage(handle.db, c, [product(6, [variant(61, { sku: 'DUP' })]), product(7, [variant(71, { sku: 'DUP' })])]);
    expect(await productsOf(c.clientCode)).toHaveLength(1);
    const events = await listEvents(handle.db, c.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.occurrences).toBe(2);
  });

  it('P-4 an item deleted and recreated with the same SKU re-links the existing listing and logs it', async () => {
    const c = await newConnection();
    await commitProductPage(handle.db, c, [product(8, [variant(81, { sku: 'KEEP' })], { updatedAt: '2026-01-01T00:00:00Z' })]);
    const [before] = await listingsOf(c.id);
    await handle.db.update(listings).set({ neverSync: true }).where(eq(listings.id, before!.id)); // P-6: kept through the re-link
    const later = new Date(Date.now() + 1000).toISOString();
    expect(await commitProductPage(handle.db, c, [product(9, [variant(91, { sku: 'KEEP' })], { updatedAt: later })])).toMatchObject({ relinked: 1, listingsCreated: 0 });
    const [after, ...others] = await listingsOf(c.id);
    expect(others).toEqual([]);
    expect(after).toMatchObject({ id: before!.id, channelItemId: 'gid://shopify/ProductVariant/91', channelProductId: 'gid://shopify/Product/9', productId: before!.productId, neverSync: true });
    const [event] = await listEvents(handle.db, c.id);
    expect(event).toMatchObject({ code: 'listing_relinked', severity: 'info', entityType: 'listing', entityId: before!.id });
  });

  it('P-8 the cursor advances with a committed page, and a page that fails to commit leaves cursor and data untouched', async () => {
    const c = await newConnection();
    expect(await readHighWater(handle.db, c.id, 'products')).toBeNull();
    await commitProductPage(handle.db, c, [product(10, [variant(101)], { updatedAt: '2026-03-01T00:00:05Z' }), product(11, [variant(111)], { updatedAt: '2026-03-01T00:00:07Z' })]);
    expect(await readHighWater(handle.db, c.id, 'products')).toEqual(new Date('2026-03-01T00:00:07Z'));

    const bad = [product(12, [variant(121)], { updatedAt: '2026-03-02T00:00:00Z' }), product(13, [variant(131, { price: 'not a number' })], { updatedAt: '2026-03-02T00:00:01Z' })];
    await expect(commitProductPage(handle.db, c, bad)).rejects.toThrow();
    expect(await readHighWater(handle.db, c.id, 'products')).toEqual(new Date('2026-03-01T00:00:07Z'));
    expect((await productsOf(c.clientCode)).map((p) => p.sku)).toEqual(['SKU-101', 'SKU-111']);

    // an older page (re-read in the overlap) never moves the cursor back
    await commitProductPage(handle.db, c, [product(10, [variant(101)], { updatedAt: '2026-03-01T00:00:05Z' })]);
    expect(await readHighWater(handle.db, c.id, 'products')).toEqual(new Date('2026-03-01T00:00:07Z'));
  });
});

describe('P-7 kits', () => {
  async function seedProducts(clientCode: string, skus: string[]) {
    const rows = await handle.db.insert(products).values(skus.map((sku) => ({ clientCode, sku, name: sku }))).returning();
    return new Map(rows.map((r) => [r.sku, r]));
  }

  it('P-7 sets and replaces components of a kit', async () => {
    const p = await seedProducts('KITS1', ['KIT', 'A', 'B']);
    await setKitComponents(handle.db, p.get('KIT')!.id, [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }]);
    expect(await kitComponentsOf(handle.db, p.get('KIT')!.id)).toEqual([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }]);
    await setKitComponents(handle.db, p.get('KIT')!.id, [{ sku: 'B', quantity: 3 }]);
    expect(await kitComponentsOf(handle.db, p.get('KIT')!.id)).toEqual([{ sku: 'B', quantity: 3 }]);
    const [kit] = await handle.db.select().from(products).where(eq(products.id, p.get('KIT')!.id));
    expect(kit!.isKit).toBe(true);
  });

  it('P-7 a kit without a SKU is rejected with a clear message', async () => {
    const p = await seedProducts('KITS2', ['', 'A']);
    await expect(setKitComponents(handle.db, p.get('')!.id, [{ sku: 'A', quantity: 1 }])).rejects.toThrow('a kit needs a SKU');
  });

  it('P-7 components must exist for the kit\'s client, quantities are above 0, and a kit cannot contain itself; nothing is written', async () => {
    const p = await seedProducts('KITS3', ['KIT', 'A']);
    await seedProducts('OTHER', ['B']);
    const attempt = setKitComponents(handle.db, p.get('KIT')!.id, [{ sku: 'A', quantity: 0 }, { sku: 'KIT', quantity: 1 }, { sku: 'B', quantity: 1 }]);
    await expect(attempt).rejects.toThrow(KitDefinitionError);
    await expect(attempt).rejects.toThrow(/quantity must be a whole number above 0.*cannot contain itself.*B does not exist for client KITS3/);
    expect(await kitComponentsOf(handle.db, p.get('KIT')!.id)).toEqual([]);
  });
});

describe('E-2 integration events', () => {
  it('E-2 ungrouped events (run summaries) are never merged; a resolved group starts a new row', async () => {
    const c = await newConnection();
    const e = { connectionId: c.id, stream: 'products' as const, entityType: 'connection' as const, entityId: c.id, severity: 'info' as const, code: 'x', message: 'm' };
    await recordEvent(handle.db, e);
    await recordEvent(handle.db, e);
    expect(await listEvents(handle.db, c.id)).toHaveLength(2);

    const grouped = { ...e, severity: 'warning' as const, code: 'y', groupKey: `test:${c.id}` };
    await recordEvent(handle.db, grouped);
    await recordEvent(handle.db, grouped);
    expect(await resolveEventGroups(handle.db, [grouped.groupKey])).toBe(1);
    await recordEvent(handle.db, grouped);
    const rows = (await listEvents(handle.db, c.id)).filter((r) => r.code === 'y');
    expect(rows.map((r) => [r.occurrences, r.resolvedAt === null])).toEqual([
      [2, false],
      [1, true],
    ]);
  });
});
