// I-4 / I-6 / I-7: compare-and-swap pushes in batches of ≤ 250 with content-derived idempotency
// keys; stale items reported per item (never re-sent with the check switched off); reads for
// reconcile.
import type { InventoryPush } from '../../../src/channels/types';
import { seedCatalog } from '../../../emulators/shopify/seed';
import { levelKey } from '../../../emulators/shopify/store';
import { startHarness, type Harness } from './harness';

let h: Harness;
let locationGid: string;
let locationId: number;

const itemGid = (id: number): string => `gid://shopify/InventoryItem/${id}`;

function available(itemId: number): number {
  const level = h.shop.levels.get(levelKey(itemId, locationId));
  return level ? level.onHand - level.committed : NaN;
}

function itemIds(): number[] {
  return [...h.shop.inventoryItems.keys()].filter((id) => h.shop.levels.has(levelKey(id, locationId)));
}

beforeAll(async () => {
  h = await startHarness('stock.myshopify.com');
  seedCatalog(h.emulator.store, h.shop, { products: 160, seed: 4 });
  locationId = [...h.shop.locations.keys()][0] ?? 0;
  locationGid = `gid://shopify/Location/${locationId}`;
});

afterAll(async () => {
  await h.close();
});

describe('inventory through the Shopify adapter', () => {
  it('I-7 lists locations and reads every level at a location, paged', async () => {
    const adapter = h.adapter();
    const locations = await adapter.listLocations();
    expect(locations.map((l) => l.channelLocationId)).toContain(locationGid);
    const read = new Map<string, number | undefined>();
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof adapter.readInventoryLevels>> = await adapter.readInventoryLevels(locationGid, ['available', 'on_hand'], cursor);
      for (const l of page.items) read.set(l.channelInventoryItemId, l.quantities.available);
      cursor = page.nextCursor;
    } while (cursor);
    expect(itemIds().length).toBeGreaterThan(250);
    expect(read.size).toBe(itemIds().length);
    for (const id of itemIds()) expect(read.get(itemGid(id))).toBe(available(id));
  });

  it('I-6 pushes more than 250 quantities in ⌈N/250⌉ mutations, each compare-and-swap', async () => {
    const ids = itemIds();
    const push: InventoryPush = {
      name: 'available',
      pushId: 'push-bulk-1',
      quantities: ids.map((id) => ({ channelInventoryItemId: itemGid(id), channelLocationId: locationGid, quantity: available(id) + 7, changeFromQuantity: available(id) })),
    };
    const expected = ids.map((id) => available(id) + 7);
    const mutationsBefore = h.shop.counters.mutations;
    const result = await h.adapter().pushInventory(push);
    expect(result.mutations).toBe(Math.ceil(ids.length / 250));
    expect(h.shop.counters.mutations - mutationsBefore).toBe(result.mutations);
    expect(result.items.every((i) => i.outcome.status === 'applied')).toBe(true);
    expect(ids.map(available)).toEqual(expected);
  });

  it('I-4 a retried push (same push id, same content) replays and never applies twice', async () => {
    const [id] = itemIds();
    if (id === undefined) throw new Error('no items');
    const before = available(id);
    const push: InventoryPush = {
      name: 'available',
      pushId: 'push-retry-1',
      quantities: [{ channelInventoryItemId: itemGid(id), channelLocationId: locationGid, quantity: before + 1, changeFromQuantity: before }],
    };
    const first = await h.adapter().pushInventory(push);
    expect(first.items[0]?.outcome).toEqual({ status: 'applied' });
    expect(available(id)).toBe(before + 1);
    // A sale moves the store back; then the activity is retried with the identical push. Were it
    // applied again, its compare-and-swap would now match and set before + 1 a second time.
    await h.admin.admin('PUT', `/shops/${h.domain}/inventory`, { inventoryItemId: id, locationId, available: before });
    const retry = await h.adapter().pushInventory(push);
    expect(retry.items[0]?.outcome).toEqual({ status: 'applied' }); // Shopify replays the first result
    expect(available(id)).toBe(before);
    // A new logical push with the same numbers does apply: the key includes the push id.
    const again = await h.adapter().pushInventory({ ...push, pushId: 'push-retry-2' });
    expect(again.items[0]?.outcome).toEqual({ status: 'applied' });
    expect(available(id)).toBe(before + 1);
  });

  it('I-4 a stale changeFromQuantity is reported for that item; the other items still apply', async () => {
    const [staleId, okId] = itemIds().slice(10, 12);
    if (staleId === undefined || okId === undefined) throw new Error('no items');
    const staleBefore = available(staleId);
    const okBefore = available(okId);
    // A sale the WMS has not seen yet moves `available` under us.
    await h.admin.admin('PUT', `/shops/${h.domain}/inventory`, { inventoryItemId: staleId, locationId, available: staleBefore - 1 });
    const result = await h.adapter().pushInventory({
      name: 'available',
      pushId: 'push-stale-1',
      quantities: [
        { channelInventoryItemId: itemGid(staleId), channelLocationId: locationGid, quantity: 50, changeFromQuantity: staleBefore },
        { channelInventoryItemId: itemGid(okId), channelLocationId: locationGid, quantity: 60, changeFromQuantity: okBefore },
      ],
    });
    expect(result.items.map((i) => i.outcome.status)).toEqual(['stale', 'applied']);
    expect(result.mutations).toBe(2);
    expect(available(staleId)).toBe(staleBefore - 1); // untouched: no opt-out retry with null
    expect(available(okId)).toBe(60);
    // The adapter re-reads that item so the caller can recompute and push again.
    const [reread] = await h.adapter().readInventoryItems(locationGid, [itemGid(staleId)], ['available']);
    expect(reread?.quantities.available).toBe(staleBefore - 1);
  });

  it('I-4 on_hand pushes set on_hand; Shopify derives available = on_hand − committed', async () => {
    const [id] = itemIds().slice(20, 21);
    if (id === undefined) throw new Error('no items');
    await h.admin.admin('PUT', `/shops/${h.domain}/inventory`, { inventoryItemId: id, locationId, onHand: 10, committed: 3 });
    const result = await h.adapter().pushInventory({
      name: 'on_hand',
      pushId: 'push-on-hand-1',
      quantities: [{ channelInventoryItemId: itemGid(id), channelLocationId: locationGid, quantity: 25, changeFromQuantity: 10 }],
    });
    expect(result.items[0]?.outcome).toEqual({ status: 'applied' });
    expect(available(id)).toBe(22);
  });
});
