import { createApiToken } from '../../src/db/repositories/api-tokens';
import { createConnection } from '../../src/db/repositories/connections';
import { insertListings } from '../../src/db/repositories/listings';
import { createMissingProducts } from '../../src/db/repositories/products';
import type { DatabaseHandle } from '../../src/db/client';
import { parseConnectionSettings } from '../../src/domain/connection-settings';
import { startTestApi, type RunningApi } from '../helpers/api';
import { createTestDatabase } from '../helpers/db';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

let database: DatabaseHandle;
let temporal: TestTemporal;
let api: RunningApi;
let token: string;
let connectionId: string;
const ids: Record<string, string> = {};

const fields = (name: string) => ({ name, description: name, upc: null, price: '9.5000', imageUrls: [] });

beforeAll(async () => {
  database = await createTestDatabase();
  temporal = await connectTestTemporal(uniqueTaskQueue('products-api'));
  api = await startTestApi({ db: database.db, temporal: temporal.client, taskQueue: temporal.temporal.taskQueue });
  token = (await createApiToken(database.db, 'products-test')).token;
  const { bySku } = await createMissingProducts(
    database.db,
    'ACME',
    ['BOX-1', 'MUG-1', 'MUG-2', 'TEE-S', 'TEE-M'].map((sku) => ({ sku, fields: fields(sku) })),
  );
  for (const [sku, row] of bySku) ids[sku] = row.id;
  const settings = parseConnectionSettings({}, { channel: 'shopify', setupCompleted: false });
  if (!settings.ok) throw new Error('default settings refused');
  connectionId = (await createConnection(database.db, { channel: 'shopify', clientCode: 'ACME', warehouseCode: 'WH1', displayName: null, active: true, settings: settings.settings })).id;
  await insertListings(database.db, [
    { connectionId, channelItemId: 'gid://shopify/ProductVariant/1', channelSku: 'MUG-1', productId: ids['MUG-1']! },
    { connectionId, channelItemId: 'gid://shopify/ProductVariant/2', channelSku: null, productId: null },
  ]);
});
afterAll(async () => {
  await api.close();
  await temporal.close();
  await database.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, asserted field by field
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('products API', () => {
  it('P-1 lists products by (client, SKU), one keyset page at a time', async () => {
    const first = await call('GET', '/v1/products?clientCode=ACME&limit=2');
    expect(first.body.products.map((p: { sku: string }) => p.sku)).toEqual(['BOX-1', 'MUG-1']);
    const second = await call('GET', `/v1/products?clientCode=ACME&limit=2&after=${encodeURIComponent(first.body.nextAfter)}`);
    expect(second.body.products.map((p: { sku: string }) => p.sku)).toEqual(['MUG-2', 'TEE-M']);
    const prefixed = await call('GET', '/v1/products?skuPrefix=TEE');
    expect(prefixed.body.products.map((p: { sku: string }) => p.sku)).toEqual(['TEE-M', 'TEE-S']);
  });

  it('reads a product with its listings', async () => {
    const mug = await call('GET', `/v1/products/${ids['MUG-1']}`);
    expect(mug.status).toBe(200);
    expect(mug.body).toMatchObject({ sku: 'MUG-1', isKit: false, kitComponents: [], listings: [{ channelItemId: 'gid://shopify/ProductVariant/1', linkState: 'linked' }] });
    expect((await call('GET', '/v1/products/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('P-7 sets kit components, and names every problem of a bad kit without changing it', async () => {
    const kit = await call('PUT', `/v1/products/${ids['BOX-1']}/kit-components`, { components: [{ sku: 'MUG-1', quantity: 2 }, { sku: 'TEE-M', quantity: 1 }] });
    expect(kit.status).toBe(200);
    expect(kit.body).toMatchObject({ isKit: true, kitComponents: [{ sku: 'MUG-1', quantity: 2 }, { sku: 'TEE-M', quantity: 1 }] });

    const bad = await call('PUT', `/v1/products/${ids['BOX-1']}/kit-components`, { components: [{ sku: 'NOPE-9', quantity: 1 }, { sku: 'BOX-1', quantity: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_kit');
    expect(bad.body.error.message).toMatch(/NOPE-9/);
    expect((await call('GET', `/v1/products/${ids['BOX-1']}`)).body.kitComponents).toHaveLength(2);

    const zero = await call('PUT', `/v1/products/${ids['BOX-1']}/kit-components`, { components: [{ sku: 'MUG-1', quantity: 0 }] });
    expect(zero.status).toBe(400);
    expect(zero.body.error.message).toMatch(/body\.components\.0\.quantity: must be at least 1/);
  });

  it('P-6 lists a connection\'s listings by link state', async () => {
    const unlinked = await call('GET', `/v1/connections/${connectionId}/listings?linkState=unlinked`);
    expect(unlinked.body.listings.map((l: { channelItemId: string }) => l.channelItemId)).toEqual(['gid://shopify/ProductVariant/2']);
    const all = await call('GET', `/v1/connections/${connectionId}/listings`);
    expect(all.body.listings).toHaveLength(2);
  });
});
