// inventorySetQuantities as in API 2026-07: mandatory changeFromQuantity (null opts out),
// CHANGE_FROM_QUANTITY_STALE with nothing changed, mandatory @idempotent(key:), a repeated
// key replays the first result and applies once, at most 250 quantities; reads for reconcile.
import { EmulatorClient } from '../../../emulators/shopify/client';
import { DEMO_SCOPES, seedCatalog } from '../../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../../emulators/shopify/server';
import type { ShopState } from '../../../emulators/shopify/store';

const SHOP = 'stock.myshopify.com';
const TOKEN = 'tok';
let emulator: ShopifyEmulator;
let client: EmulatorClient;
let shop: ShopState;
let itemGid: string;
let locationGid: string;

const SET = (directive: string) => `mutation($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) ${directive} {
    inventoryAdjustmentGroup { id reason changes { name delta quantityAfterChange item { id } location { id } } }
    userErrors { code field message }
  }
}`;
const KEYED = `mutation($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;
const LEVEL = `query($item: ID!, $location: ID!) {
  inventoryItem(id: $item) { id sku tracked inventoryLevel(locationId: $location) { quantities(names: ["available", "on_hand", "committed"]) { name quantity } } }
}`;

type Payload = {
  inventoryAdjustmentGroup: { id: string; changes: { name: string; delta: number; quantityAfterChange: number }[] } | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
};

async function quantities(): Promise<Record<string, number>> {
  const res = await client.graphql<{ inventoryItem: { inventoryLevel: { quantities: { name: string; quantity: number }[] } } }>(
    SHOP,
    TOKEN,
    LEVEL,
    { item: itemGid, location: locationGid },
  );
  expect(res.body.errors).toBeUndefined();
  return Object.fromEntries(res.body.data?.inventoryItem.inventoryLevel.quantities.map((q) => [q.name, q.quantity]) ?? []);
}

async function setAvailable(quantity: number, changeFromQuantity: number | null | undefined, key: string): Promise<Payload> {
  const q: Record<string, unknown> = { inventoryItemId: itemGid, locationId: locationGid, quantity };
  if (changeFromQuantity !== undefined) q['changeFromQuantity'] = changeFromQuantity;
  const res = await client.graphql<{ inventorySetQuantities: Payload }>(SHOP, TOKEN, KEYED, {
    input: { name: 'available', reason: 'correction', quantities: [q] },
    key,
  });
  expect(res.body.errors).toBeUndefined();
  return res.body.data?.inventorySetQuantities as Payload;
}

beforeAll(async () => {
  emulator = await startShopifyEmulator({ shops: [{ domain: SHOP, appSecret: 's', tokens: [{ token: TOKEN, scopes: DEMO_SCOPES }] }] });
  client = new EmulatorClient(emulator.url);
  shop = emulator.store.requireShop(SHOP);
  seedCatalog(emulator.store, shop, { products: 2 });
  const variant = [...shop.variants.values()][0];
  const location = [...shop.locations.values()][0];
  if (!variant || !location) throw new Error('seed failed');
  itemGid = `gid://shopify/InventoryItem/${variant.inventoryItemId}`;
  locationGid = `gid://shopify/Location/${location.id}`;
  await client.admin('PUT', `/shops/${SHOP}/inventory`, { inventoryItemId: itemGid, locationId: locationGid, onHand: 10, committed: 2 });
});

afterAll(async () => {
  await emulator.close();
});

describe('inventorySetQuantities', () => {
  it('sets available with a matching changeFromQuantity; on_hand follows (available = on_hand − committed)', async () => {
    expect(await quantities()).toEqual({ available: 8, on_hand: 10, committed: 2 });
    const res = await setAvailable(5, 8, 'k-set-1');
    expect(res.userErrors).toEqual([]);
    expect(res.inventoryAdjustmentGroup?.changes).toEqual([
      { name: 'available', delta: -3, quantityAfterChange: 5 },
      { name: 'on_hand', delta: -3, quantityAfterChange: 7 },
    ]);
    expect(await quantities()).toEqual({ available: 5, on_hand: 7, committed: 2 });
  });

  it('fails with CHANGE_FROM_QUANTITY_STALE on a stale changeFromQuantity and changes nothing', async () => {
    const before = await quantities();
    const res = await setAvailable(50, before['available'] as number + 1, 'k-stale');
    expect(res.inventoryAdjustmentGroup).toBeNull();
    expect(res.userErrors).toEqual([
      { code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', '0', 'changeFromQuantity'], message: expect.any(String) },
    ]);
    expect(await quantities()).toEqual(before);
  });

  it('accepts null changeFromQuantity as an explicit opt-out, and rejects an omitted one', async () => {
    const optOut = await setAvailable(6, null, 'k-null');
    expect(optOut.userErrors).toEqual([]);
    expect((await quantities())['available']).toBe(6);
    const omitted = await setAvailable(9, undefined, 'k-omitted');
    expect(omitted.inventoryAdjustmentGroup).toBeNull();
    expect(omitted.userErrors[0]?.field).toEqual(['input', 'quantities', '0', 'changeFromQuantity']);
    expect((await quantities())['available']).toBe(6);
  });

  it('rejects the mutation without @idempotent and changes nothing', async () => {
    const before = await quantities();
    const res = await client.graphql<{ inventorySetQuantities: Payload | null }>(SHOP, TOKEN, SET(''), {
      input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 1, changeFromQuantity: null }] },
    });
    expect(res.body.data?.inventorySetQuantities).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('@idempotent'), path: ['inventorySetQuantities'] }),
    ]);
    expect(await quantities()).toEqual(before);
  });

  it('replays the first result for a repeated key and applies the change once', async () => {
    const start = (await quantities())['available'] as number;
    const first = await setAvailable(start + 4, start, 'k-repeat');
    expect(first.userErrors).toEqual([]);
    const second = await setAvailable(start + 4, start, 'k-repeat');
    expect(second).toEqual(first);
    expect((await quantities())['available']).toBe(start + 4);
    // Same key with different parameters is refused.
    const mismatch = await setAvailable(start + 9, start + 4, 'k-repeat');
    expect(mismatch.userErrors[0]?.code).toBe('IDEMPOTENCY_KEY_PARAMETER_MISMATCH');
    expect((await quantities())['available']).toBe(start + 4);
  });

  it('rejects more than 250 quantities in one call', async () => {
    const many = Array.from({ length: 251 }, () => ({ inventoryItemId: itemGid, locationId: locationGid, quantity: 1, changeFromQuantity: null }));
    const res = await client.graphql<{ inventorySetQuantities: Payload | null }>(SHOP, TOKEN, KEYED, {
      input: { name: 'available', reason: 'correction', quantities: many },
      key: 'k-many',
    });
    expect(res.body.data?.inventorySetQuantities).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: 'The input array size of 251 is greater than the maximum allowed of 250.',
        extensions: expect.objectContaining({ code: 'MAX_INPUT_SIZE_EXCEEDED' }),
      }),
    ]);
  });

  it('sets on_hand directly, keeping committed', async () => {
    const before = await quantities();
    const res = await client.graphql<{ inventorySetQuantities: Payload }>(SHOP, TOKEN, KEYED, {
      input: { name: 'on_hand', reason: 'cycle_count_available', quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity: 20, changeFromQuantity: before['on_hand'] }] },
      key: 'k-on-hand',
    });
    expect(res.body.data?.inventorySetQuantities.userErrors).toEqual([]);
    expect(await quantities()).toEqual({ on_hand: 20, committed: 2, available: 18 });
  });

  it('validates name, reason and ids with Shopify’s codes, all or nothing', async () => {
    const before = await quantities();
    const res = await client.graphql<{ inventorySetQuantities: Payload }>(SHOP, TOKEN, KEYED, {
      input: {
        name: 'incoming',
        reason: 'because',
        quantities: [
          { inventoryItemId: itemGid, locationId: locationGid, quantity: 3, changeFromQuantity: null },
          { inventoryItemId: 'gid://shopify/InventoryItem/999999', locationId: locationGid, quantity: 3, changeFromQuantity: null },
        ],
      },
      key: 'k-invalid',
    });
    expect(res.body.data?.inventorySetQuantities.userErrors.map((e) => e.code)).toEqual(['INVALID_NAME', 'INVALID_REASON', 'INVALID_INVENTORY_ITEM']);
    expect(await quantities()).toEqual(before);
  });

  it('reads levels for reconcile through inventoryItems and location.inventoryLevels', async () => {
    const res = await client.graphql<{ locations: { nodes: { inventoryLevels: { nodes: { item: { sku: string }; quantities: { name: string; quantity: number }[] }[] } }[] } }>(
      SHOP,
      TOKEN,
      `{ locations(first: 5) { nodes { id name inventoryLevels(first: 50) { nodes { item { id sku } quantities(names: ["available", "on_hand"]) { name quantity } } } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    const levels = res.body.data?.locations.nodes.flatMap((l) => l.inventoryLevels.nodes) ?? [];
    expect(levels.length).toBe(shop.levels.size);
  });
});
